// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * `produce`: audio only.
 */
export type ProduceRequest = { 
/**
 * The send transport.
 */
transportId: string, 
/**
 * Must be `audio`.
 */
kind: import('mediasoup-client').types.MediaKind, 
/**
 * The client's RTP parameters.
 */
rtpParameters: import('mediasoup-client').types.RtpParameters, };
