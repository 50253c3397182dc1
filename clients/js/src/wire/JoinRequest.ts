// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * `voice:join`.
 */
export type JoinRequest = { 
/**
 * The market (= room) to join: a base58 Solana address.
 */
marketAddress: string, };
