// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * A reservation as the founder, the host and co-hosts see it (the join
 * data's `reservations`).
 */
export type Reservation = { 
/**
 * Who reserved.
 */
walletAddress: string, 
/**
 * RFC 3339 time it lapses unless its socket joins first.
 */
expiresAt: string, 
/**
 * Whether it holds a place (past the cap or the cool-down it does not).
 */
holdsPlace: boolean, };
