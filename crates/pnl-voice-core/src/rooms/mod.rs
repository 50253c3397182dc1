//! Pure room rules: who is in a room, who may speak, the raise-hand queue,
//! invitations to speak, reactions, moderation (the founder, the host,
//! co-hosts), reservations, bans and limits. No I/O: the hub calls these
//! with the current time and acts on the returned events, so every rule is
//! tested without sockets or media.

mod audience;
mod defaults;
mod events;
mod invariants;
mod invitations;
mod moderation;
mod participant;
mod reactions;
mod reservations;
mod room;
mod settings;
mod standing;

pub use audience::REJOIN_WARNING;
pub use defaults::RoomDefaults;
pub use events::RoomEvent;
pub use invitations::InviteEnd;
pub use participant::{Participant, ParticipantView, Position, Profile};
pub use reactions::{Emoji, REACTION_INTERVAL};
pub use reservations::{Reservation, ReservationPolicy, ReservationView};
pub use room::{Room, RoomError, RoomPolicy, Silenced, MAX_CO_HOSTS};
pub use settings::{RoomSettings, SettingsPatch, MAX_DESTROY_AFTER_MINUTES, MAX_PARTICIPANTS_CAP};
pub use standing::{Ban, Standing};

#[cfg(test)]
mod audience_tests;
#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
