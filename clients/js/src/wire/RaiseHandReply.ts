// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * Reply of `voice:raise_hand`.
 */
export type RaiseHandReply = { 
/**
 * The caller's 1-based place in the queue.
 */
position: number, };
