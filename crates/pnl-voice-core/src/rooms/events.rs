//! What a rule change tells the room.

use chrono::{DateTime, Utc};

use super::invitations::InviteEnd;
use super::participant::{ParticipantView, Position};
use super::reactions::Emoji;
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
    /// A moderator invited a listener to speak, until `expires_at`.
    SpeakerInvited {
        /// Who.
        wallet: Address,
        /// When the invitation lapses unanswered.
        expires_at: DateTime<Utc>,
    },
    /// An invitation to speak ended without a grant.
    InviteDeclined {
        /// The invited wallet.
        wallet: Address,
        /// Declined by it, or expired.
        reason: InviteEnd,
    },
    /// Someone reacted.
    Reaction {
        /// Who.
        wallet: Address,
        /// With what.
        emoji: Emoji,
        /// The side of its badge.
        side: Position,
    },
}
