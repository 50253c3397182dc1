//! A running room: one task owns it ([`task`]), the rest of the server holds
//! [`RoomHandle`]s. The modules are layered, lower ones never importing
//! higher ones:
//!
//! - `audible`, `speaking`, `fanout`: pure bookkeeping and mediasoup pieces
//!   (the observers and their handlers, fan-out routers and pipes);
//! - `member_media`: one member's media objects;
//! - `messages`: the requests and answers between handles and the task;
//! - `state`: the room's state, private to the task;
//! - `media_ops`, `moderation`, `debate`: what requests do to the state
//!   (check, child future, commit);
//! - `task`: the loop that owns the state;
//! - `handle`: the way in.

mod audible;
mod debate;
mod fanout;
mod handle;
mod media_ops;
mod member_media;
mod messages;
mod moderation;
mod speaking;
mod state;
mod task;

pub use handle::{start, RoomHandle};
pub use messages::{Admission, Closed, Departed, Kicked, RoomCounts, RoomSnapshot, StreamQuality};
pub use speaking::Watched;
#[cfg(test)]
pub(in crate::hub) use state::{Commit, RoomState};
pub use task::RoomSetup;
