// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * `resumeConsumer` and `pauseConsumer`.
 */
export type ConsumerRequest = { 
/**
 * The consumer.
 */
consumerId: string, };
