// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * `restartIce`.
 */
export type TransportRequest = { 
/**
 * The transport.
 */
transportId: string, };
