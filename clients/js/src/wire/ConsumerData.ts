// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * Reply of `consume`: what `transport.consume` takes. The consumer starts
 * paused; `resumeConsumer` starts it.
 */
export type ConsumerData = { 
/**
 * The consumer.
 */
id: string, 
/**
 * The producer it receives.
 */
producerId: string, 
/**
 * Always `audio`.
 */
kind: import('mediasoup-client').types.MediaKind, 
/**
 * The RTP parameters to receive with.
 */
rtpParameters: import('mediasoup-client').types.RtpParameters, 
/**
 * The mediasoup consumer type (`simple` for audio).
 */
type: 'simple' | 'simulcast' | 'svc' | 'pipe', 
/**
 * Whether the producer is paused (its owner is muted).
 */
producerPaused: boolean, };
