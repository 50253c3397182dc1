// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * Reply of `restartIce`.
 */
export type RestartIceReply = { 
/**
 * The transport's new ICE parameters, for `transport.restartIce`.
 */
iceParameters: import('mediasoup-client').types.IceParameters, };
