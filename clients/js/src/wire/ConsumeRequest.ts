// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * `consume`.
 */
export type ConsumeRequest = { 
/**
 * The receive transport.
 */
transportId: string, 
/**
 * The producer to receive.
 */
producerId: string, 
/**
 * The client device's capabilities.
 */
rtpCapabilities: import('mediasoup-client').types.RtpCapabilities, };
