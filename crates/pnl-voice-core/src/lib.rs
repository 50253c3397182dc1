//! The pure half of PNL Voice Rooms: what can be decided without a media
//! server, a socket or a clock of its own.
//!
//! The server crate (`pnl-voice`) re-exports these modules at the paths it
//! always had (`pnl_voice::protocol`, `pnl_voice::rooms`, ...); this crate
//! exists so that the code clients can attack (request decoding, REST
//! bodies, sign-in) and the room rules build and test without mediasoup's
//! C++ worker, actix or tokio: the fuzz targets and `make check` compile
//! in minutes instead of the better part of an hour.
//!
//! - [`protocol`]: the WebSocket wire contract, decoded and typed both
//!   ways, and the source of the SDK's TypeScript wire types;
//! - [`rooms`]: a room's rules as a state machine, with property tests;
//! - [`auth`]: sign-in challenges and session tokens;
//! - [`rest`]: REST request bodies, checked the way the socket's are;
//! - [`market_data`]: reading market-data answers (holdings) into badges;
//! - [`address`], [`error`]: the types all of these share.

#![warn(missing_docs)]

pub mod address;
pub mod auth;
pub mod error;
pub mod market_data;
pub mod protocol;
pub mod rest;
pub mod rooms;
pub mod server_api;
