// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * Reply of `createTransport`: what `device.create{Send,Recv}Transport` takes.
 */
export type TransportData = { 
/**
 * The transport.
 */
id: string, 
/**
 * ICE username fragment and password.
 */
iceParameters: import('mediasoup-client').types.IceParameters, 
/**
 * Where the server listens.
 */
iceCandidates: Array<import('mediasoup-client').types.IceCandidate>, 
/**
 * The server's DTLS role and fingerprints.
 */
dtlsParameters: import('mediasoup-client').types.DtlsParameters, };
