// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * The side of the market a wallet holds.
 */
export type Position = "YES" | "NO" | "NONE";
