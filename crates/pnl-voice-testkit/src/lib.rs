//! Test support for the integration tests (`tests/*/main.rs`) and the
//! benchmarks: wallets that log in, a signaling client, str0m-based WebRTC
//! transports, and server nodes in-process ([`node`]) or as processes of
//! their own ([`process`]), and Prometheus with Alertmanager ([`monitoring`]).

#![warn(missing_docs)]

pub mod api;
pub mod flows;
pub mod frames;
pub mod mongo;
pub mod monitoring;
pub mod node;
pub mod ports;
pub mod process;
pub mod prom;
pub mod redis;
pub mod rtc;
pub mod server_api;
pub mod signal;
pub mod wallet;
pub mod webhooks;
