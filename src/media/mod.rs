//! The mediasoup side: the worker pool (one worker per core, replaced when
//! one dies), routers and WebRTC transports. Room rules live elsewhere; this
//! module only performs what the hub decided.

mod error;
mod transport;
pub mod wire;
mod worker_pool;

pub use error::MediaError;
pub use transport::{create_webrtc_transport, transport_data};
pub use worker_pool::{WorkerPool, WorkerSlot};
