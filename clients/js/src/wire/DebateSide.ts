// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * A side of the debate: what a debater holds more of.
 */
export type DebateSide = "YES" | "NO";
