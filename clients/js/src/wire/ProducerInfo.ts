// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * An audio source in the room: whose producer it is.
 */
export type ProducerInfo = { 
/**
 * The producer.
 */
producerId: string, 
/**
 * Its owner.
 */
walletAddress: string, };
