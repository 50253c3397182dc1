// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * One side's votes.
 */
export type DebateTally = { 
/**
 * Wallets that voted for the side (each counts once, holding or not).
 */
votes: number, 
/**
 * The sum of their position sizes.
 */
weight: number, };
