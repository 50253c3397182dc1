// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * Direction of a WebRTC transport, from the client's point of view.
 */
export type Direction = "send" | "recv";
