// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * One speaker's level in `voice:audio_levels`.
 */
export type AudioLevel = { 
/**
 * The speaker.
 */
walletAddress: string, 
/**
 * Average volume in dBov, from -127 (silence) to 0 (loudest).
 */
volume: number, };
