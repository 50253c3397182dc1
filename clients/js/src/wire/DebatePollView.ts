// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * An open poll.
 */
export type DebatePollView = { 
/**
 * RFC 3339 time it closes by itself.
 */
closesAt: string, };
