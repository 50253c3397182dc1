//! Test support for end-to-end tests: wallets that log in, a signaling client and
//! str0m-based WebRTC transports. Use from an integration test with `mod support;`.
#![allow(dead_code)]

pub mod api;
pub mod flows;
pub mod frames;
pub mod mongo;
pub mod node;
pub mod ports;
pub mod process;
pub mod prom;
pub mod redis;
pub mod rtc;
pub mod signal;
pub mod wallet;
