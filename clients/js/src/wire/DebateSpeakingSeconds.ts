// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * Seconds each side held the floor, summed from its turns' lengths.
 */
export type DebateSpeakingSeconds = { 
/**
 * YES's turns.
 */
yes: number, 
/**
 * NO's turns.
 */
no: number, };
