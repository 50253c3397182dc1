//! What a rule change tells the room.

use serde_json::{json, Value};

use super::participant::ParticipantView;
use super::settings::RoomSettings;
use crate::address::Address;

/// A change others in the room must learn about.
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
}

impl RoomEvent {
    /// The wire event name and data (PROTOCOL.md section 3).
    pub fn wire(&self) -> (&'static str, Value) {
        match self {
            Self::UserJoined(user) => ("voice:user_joined", json!({ "user": user })),
            Self::UserLeft(wallet) => ("voice:user_left", json!({ "walletAddress": wallet })),
            Self::UserMuted { wallet, muted } => (
                "voice:user_muted",
                json!({ "walletAddress": wallet, "muted": muted }),
            ),
            Self::SpeakerGranted(wallet) => {
                ("voice:speaker_granted", json!({ "walletAddress": wallet }))
            }
            Self::SpeakerRevoked(wallet) => {
                ("voice:speaker_revoked", json!({ "walletAddress": wallet }))
            }
            Self::HandRaised { wallet, queue } => (
                "voice:hand_raised",
                json!({ "walletAddress": wallet, "queue": queue }),
            ),
            Self::HandLowered { wallet, queue } => (
                "voice:hand_lowered",
                json!({ "walletAddress": wallet, "queue": queue }),
            ),
            Self::Kicked { reason, .. } => ("voice:kicked", json!({ "reason": reason })),
            Self::SettingsChanged(settings) => {
                ("voice:settings_updated", json!({ "settings": settings }))
            }
        }
    }
}
