//! The peer SFU of the side-by-side run: Janus's process (with the loopback
//! shim, on the libsrtp build chosen), its WebSocket API and VideoRoom as an
//! SFU under load.

pub mod client;
pub mod peer;
pub mod process;
pub mod srtp;
