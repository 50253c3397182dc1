//! What a rule change tells the room.

use chrono::{DateTime, Utc};

use super::debate_poll::DebateSummary;
use super::debate_view::DebateCurrentTurn;
use super::participant::ParticipantView;
use super::settings::RoomSettings;
use crate::address::Address;

/// A change others in the room must learn about (sent to them as a
/// [`crate::protocol::ServerEvent`]).
#[derive(Debug, Clone, PartialEq)]
pub enum RoomEvent {
    /// Someone joined.
    UserJoined(ParticipantView),
    /// Someone left (or was removed).
    UserLeft(Address),
    /// Someone's mute state changed.
    UserMuted {
        /// Who.
        wallet: Address,
        /// Muted or live.
        muted: bool,
    },
    /// Someone may speak now.
    SpeakerGranted(Address),
    /// Someone may no longer speak.
    SpeakerRevoked(Address),
    /// Someone raised a hand.
    HandRaised {
        /// Who.
        wallet: Address,
        /// The queue after the change.
        queue: Vec<Address>,
    },
    /// Someone lowered a hand (or was granted, or left).
    HandLowered {
        /// Who.
        wallet: Address,
        /// The queue after the change.
        queue: Vec<Address>,
    },
    /// Someone was kicked (sent to that participant only).
    Kicked {
        /// Who.
        wallet: Address,
        /// Why.
        reason: String,
    },
    /// The founder changed the room settings.
    SettingsChanged(RoomSettings),
    /// The host role or the co-hosts changed.
    HostsChanged {
        /// Who holds the host role.
        host: Option<Address>,
        /// The co-hosts, present or not, in address order.
        co_hosts: Vec<Address>,
    },
    /// The host started a debate.
    DebateStarted {
        /// Each turn's length, in seconds.
        turn_seconds: u32,
        /// When.
        started_at: DateTime<Utc>,
    },
    /// A debate turn began, or (`turn` none) nobody can debate now.
    DebateTurn {
        /// The turn.
        turn: Option<DebateCurrentTurn>,
        /// Turns given so far (the turn's number when there is one).
        number: u32,
    },
    /// The host opened (`true`) or closed the floor.
    DebateFloor(bool),
    /// The debate's turns ended; the poll is open.
    DebatePoll {
        /// When it closes by itself.
        closes_at: DateTime<Utc>,
    },
    /// The poll closed: the debate's summary.
    DebateEnded(DebateSummary),
}
