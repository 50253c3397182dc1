//! One task per WebSocket: decode a request, have the hub and the room act
//! on it, reply; forward the room's events; release everything on close.

mod dispatch;
mod rate_limit;
mod session;
mod sockets;

pub use rate_limit::TokenBucket;
pub use session::run;
pub use sockets::{Sockets, Ticket};
