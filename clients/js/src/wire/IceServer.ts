// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * One entry of `iceServers`, as `RTCPeerConnection` takes it.
 */
export type IceServer = { 
/**
 * STUN or TURN URLs.
 */
urls: Array<string>, 
/**
 * The TURN username (`expiry:wallet`).
 */
username?: string, 
/**
 * The TURN password.
 */
credential?: string, };
