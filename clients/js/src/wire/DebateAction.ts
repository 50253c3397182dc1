// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * What a host asks of a debate (`voice:debate`, `POST /api/voice/debate`).
 */
export type DebateAction = "start" | "next" | "end" | "open_floor" | "close_floor" | "close_poll";
