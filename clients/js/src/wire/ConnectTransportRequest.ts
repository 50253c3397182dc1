// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * `connectTransport`.
 */
export type ConnectTransportRequest = { 
/**
 * The transport.
 */
transportId: string, 
/**
 * The client's DTLS role and fingerprints.
 */
dtlsParameters: import('mediasoup-client').types.DtlsParameters, };
