// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * Reply of `produce`.
 */
export type ProduceReply = { 
/**
 * The new producer.
 */
id: string, };
