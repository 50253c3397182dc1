//! PNL Voice Rooms: live voice rooms for prediction-market pages, on the
//! mediasoup SFU.
//!
//! A request's way: a socket frame is decoded by [`protocol`], the session in
//! [`signaling`] asks the [`hub`] and the room's pure rules in [`rooms`], and
//! [`media`] performs the mediasoup side; events go back through each
//! member's outbox.

#![warn(missing_docs)]

// The pure half (wire contract, room rules, sign-in) lives in the
// `pnl-voice-core` crate, so that fuzzing and the fast loop build without
// mediasoup; its modules keep their paths here.
pub use pnl_voice_core::{address, auth, error, protocol, rooms, server_api};

pub mod app;
pub mod cluster;
pub mod config;
pub mod cpu;
pub mod error_log;
pub mod http;
pub mod hub;
pub mod keys;
pub mod ledger;
pub mod limits;
pub mod media;
pub mod positions;
pub mod readiness;
pub mod registry;
pub mod server;
pub mod signaling;
pub mod store;
pub mod telemetry;
pub mod turn;
pub mod webhooks;
