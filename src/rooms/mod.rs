//! Pure room rules: who is in a room, who may speak, who is muted. No I/O:
//! the hub calls these with the current time and acts on the results, so
//! every rule is tested without sockets or media.

mod participant;
mod room;
mod settings;

pub use participant::{Participant, ParticipantView, Position, Profile};
pub use room::{Room, RoomError};
pub use settings::RoomSettings;

#[cfg(test)]
mod tests;
