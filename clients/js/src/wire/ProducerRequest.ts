// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * `closeProducer`.
 */
export type ProducerRequest = { 
/**
 * One's own producer.
 */
producerId: string, };
