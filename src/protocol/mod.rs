//! The WebSocket wire contract (PROTOCOL.md section 3): client requests are
//! decoded into typed [`Command`]s; replies and events are encoded here.
//! Pure data, no I/O.

mod command;
mod decode;
mod outbound;

pub use command::{Command, Direction, ModerationAction, RoomCommand};
pub use decode::{decode, DecodeError, Request};
pub use outbound::{error_reply, event, ok_reply};

#[cfg(test)]
mod tests;
