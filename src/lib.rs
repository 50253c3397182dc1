//! PNL Voice Rooms: live voice rooms for prediction-market pages, on the
//! mediasoup SFU.
//!
//! A request's way: a socket frame is decoded by [`protocol`], the session in
//! [`signaling`] asks the [`hub`] and the room's pure rules in [`rooms`], and
//! [`media`] performs the mediasoup side; events go back through each
//! member's outbox.

#![warn(missing_docs)]

pub mod address;
pub mod app;
pub mod auth;
pub mod cluster;
pub mod config;
pub mod cpu;
pub mod error;
pub mod http;
pub mod hub;
pub mod media;
pub mod positions;
pub mod protocol;
pub mod registry;
pub mod rooms;
pub mod server;
pub mod signaling;
pub mod store;
pub mod telemetry;
pub mod turn;
