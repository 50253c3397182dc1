//! Every event the server pushes on the socket (`{event, data}` frames).

use chrono::SecondsFormat;
use serde::Serialize;
use ts_rs::TS;

use super::replies::ProducerInfo;
use crate::address::Address;
use crate::error::ApiError;
use crate::rooms::{Emoji, InviteEnd, ParticipantView, Position, RoomEvent, RoomSettings};

/// A server event: serializes to the whole frame, `{"event": name, "data": ...}`.
/// TypeScript sees a union discriminated by `event`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "event", content = "data", rename_all_fields = "camelCase")]
pub enum ServerEvent {
    /// Someone joined the room.
    #[serde(rename = "voice:user_joined")]
    UserJoined {
        /// Who.
        user: ParticipantView,
    },
    /// Someone left (or was removed from) the room.
    #[serde(rename = "voice:user_left")]
    UserLeft {
        /// Who.
        wallet_address: Address,
    },
    /// Someone muted or unmuted (or the founder muted everyone).
    #[serde(rename = "voice:user_muted")]
    UserMuted {
        /// Who.
        wallet_address: Address,
        /// Muted or live.
        muted: bool,
    },
    /// Someone may speak now.
    #[serde(rename = "voice:speaker_granted")]
    SpeakerGranted {
        /// Who.
        wallet_address: Address,
    },
    /// Someone may no longer speak.
    #[serde(rename = "voice:speaker_revoked")]
    SpeakerRevoked {
        /// Who.
        wallet_address: Address,
    },
    /// Someone raised a hand.
    #[serde(rename = "voice:hand_raised")]
    HandRaised {
        /// Who.
        wallet_address: Address,
        /// The queue after the change, first in line first.
        queue: Vec<Address>,
    },
    /// Someone lowered a hand (or was granted the floor, or left).
    #[serde(rename = "voice:hand_lowered")]
    HandLowered {
        /// Who.
        wallet_address: Address,
        /// The queue after the change, first in line first.
        queue: Vec<Address>,
    },
    /// A new audio source to `consume`.
    #[serde(rename = "voice:new_producer")]
    NewProducer(ProducerInfo),
    /// An audio source is gone (its consumers are closed).
    #[serde(rename = "voice:producer_closed")]
    ProducerClosed(ProducerInfo),
    /// The dominant speaker changed.
    #[serde(rename = "voice:active_speaker")]
    ActiveSpeaker {
        /// Who speaks loudest now.
        wallet_address: Address,
    },
    /// The set of audible speakers changed: someone started speaking, or
    /// fell silent for a second. Levels themselves are read by clients from
    /// the RTP they receive (`ssrc-audio-level`), so this is the fallback
    /// for drawing who speaks, sent only on a change, not per level report.
    #[serde(rename = "voice:speaking")]
    Speaking {
        /// Everyone audible now, in address order (empty: silence).
        wallet_addresses: Vec<Address>,
    },
    /// A moderator removed this participant; the socket closes next.
    #[serde(rename = "voice:kicked")]
    Kicked {
        /// Why.
        reason: String,
    },
    /// The room closed (or this session was replaced); the socket closes next.
    #[serde(rename = "voice:room_closed")]
    RoomClosed {
        /// Why: `ended` (the host ended it), `server_shutdown`, `replaced`, ...
        reason: String,
    },
    /// The founder changed the room's settings.
    #[serde(rename = "voice:settings_updated")]
    SettingsUpdated {
        /// The settings after the change.
        settings: RoomSettings,
    },
    /// The host role or the co-hosts changed (co-hosts may moderate).
    #[serde(rename = "voice:hosts_changed")]
    HostsChanged {
        /// Who holds the host role (the founder unless handed on).
        host: Option<Address>,
        /// The co-hosts, present or not, in address order.
        co_hosts: Vec<Address>,
    },
    /// A moderator invited a listener to speak; it answers with
    /// `voice:invite_response` before `expiresAt`.
    #[serde(rename = "voice:speaker_invited")]
    SpeakerInvited {
        /// Who is invited.
        wallet_address: Address,
        /// RFC 3339: when the invitation lapses unanswered.
        expires_at: String,
    },
    /// An invitation to speak ended without a grant (an accepted one
    /// comes as `voice:speaker_granted`).
    #[serde(rename = "voice:invite_declined")]
    InviteDeclined {
        /// Who was invited.
        wallet_address: Address,
        /// `declined` by the invited member, or `expired`.
        reason: InviteEnd,
    },
    /// Someone reacted (sent to everyone, the sender included).
    #[serde(rename = "voice:reaction")]
    Reaction {
        /// Who.
        wallet_address: Address,
        /// With what.
        emoji: Emoji,
        /// The side of the sender's badge.
        side: Position,
    },
    /// A failure outside any request (a transport's DTLS failed, a flood).
    #[serde(rename = "voice:error")]
    Error(ApiError),
}

impl From<&RoomEvent> for ServerEvent {
    fn from(event: &RoomEvent) -> Self {
        match event.clone() {
            RoomEvent::UserJoined(user) => Self::UserJoined { user },
            RoomEvent::UserLeft(wallet_address) => Self::UserLeft { wallet_address },
            RoomEvent::UserMuted { wallet, muted } => Self::UserMuted {
                wallet_address: wallet,
                muted,
            },
            RoomEvent::SpeakerGranted(wallet_address) => Self::SpeakerGranted { wallet_address },
            RoomEvent::SpeakerRevoked(wallet_address) => Self::SpeakerRevoked { wallet_address },
            RoomEvent::HandRaised { wallet, queue } => Self::HandRaised {
                wallet_address: wallet,
                queue,
            },
            RoomEvent::HandLowered { wallet, queue } => Self::HandLowered {
                wallet_address: wallet,
                queue,
            },
            RoomEvent::Kicked { reason, .. } => Self::Kicked { reason },
            RoomEvent::SettingsChanged(settings) => Self::SettingsUpdated { settings },
            RoomEvent::HostsChanged { host, co_hosts } => Self::HostsChanged { host, co_hosts },
            RoomEvent::SpeakerInvited { wallet, expires_at } => Self::SpeakerInvited {
                wallet_address: wallet,
                expires_at: expires_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            },
            RoomEvent::InviteDeclined { wallet, reason } => Self::InviteDeclined {
                wallet_address: wallet,
                reason,
            },
            RoomEvent::Reaction {
                wallet,
                emoji,
                side,
            } => Self::Reaction {
                wallet_address: wallet,
                emoji,
                side,
            },
        }
    }
}
