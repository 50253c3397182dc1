//! Pure room rules: who is in a room, who may speak, the raise-hand queue,
//! invitations to speak, reactions, moderation (the founder, the host,
//! co-hosts), reservations, bans, limits and debate mode. No I/O: the hub
//! calls these with the current time and acts on the returned events, so
//! every rule is tested without sockets or media.

mod audience;
mod debate;
mod debate_poll;
mod debate_room;
mod debate_side;
mod debate_view;
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
mod wire_time;

pub use audience::REJOIN_WARNING;
pub use debate::{
    Debate, DebateCommand, Phase as DebatePhase, Turn as DebateTurn, DEFAULT_TURN_SECONDS,
    MAX_TURN_SECONDS, MIN_TURN_SECONDS, POLL_SECONDS,
};
pub use debate_poll::{
    DebatePollResult, DebateSpeakingSeconds, DebateSummary, DebateTally, DebateTurnRecord, Poll,
};
pub use debate_room::{DebateError, DebateOutcome, VoteError};
pub use debate_side::DebateSide;
pub use debate_view::{DebateCurrentTurn, DebatePollView, DebateView};
pub use defaults::RoomDefaults;
pub use events::RoomEvent;
pub use invitations::InviteEnd;
pub use participant::{Participant, ParticipantView, Position, Profile};
pub use reactions::{Emoji, REACTION_INTERVAL};
pub use reservations::{Reservation, ReservationPolicy, ReservationView};
pub use room::{Room, RoomError, RoomPolicy, Silenced, MAX_CO_HOSTS};
pub use settings::{RoomSettings, SettingsPatch, MAX_DESTROY_AFTER_MINUTES, MAX_PARTICIPANTS_CAP};
pub use standing::{Ban, Grants, Standing};
pub use wire_time::rfc3339;

#[cfg(test)]
mod audience_tests;
#[cfg(test)]
mod debate_tests;
#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
