// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * The data of a reply that carries none (`{}`), and of a request that
 * needs none.
 */
export type Empty = Record<symbol, never>;
