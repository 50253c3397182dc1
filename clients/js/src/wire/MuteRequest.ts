// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * `voice:mute`.
 */
export type MuteRequest = { 
/**
 * Muted or live.
 */
muted: boolean, };
