//! The peer SFU of the side-by-side run: Janus's process (with the loopback
//! shim), its WebSocket API and VideoRoom as an SFU under load.

pub mod client;
pub mod peer;
pub mod process;
