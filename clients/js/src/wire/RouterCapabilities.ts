// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * Reply of `getRouterRtpCapabilities`.
 */
export type RouterCapabilities = import('mediasoup-client').types.RtpCapabilities;
