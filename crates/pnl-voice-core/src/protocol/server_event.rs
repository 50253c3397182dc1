//! Every event the server pushes on the socket (`{event, data}` frames).

use serde::Serialize;
use ts_rs::TS;

use super::replies::ProducerInfo;
use crate::address::Address;
use crate::error::ApiError;
use crate::rooms::rfc3339;
use crate::rooms::{DebateSide, DebateSummary, ParticipantView, RoomEvent, RoomSettings};

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
    /// The host started a debate.
    #[serde(rename = "voice:debate_started")]
    DebateStarted {
        /// Each turn's length, in seconds.
        turn_seconds: u32,
        /// RFC 3339 start.
        started_at: String,
    },
    /// A debate turn began; with nobody to debate, `side`,
    /// `walletAddress` and `endsAt` are `null` (no turn runs).
    #[serde(rename = "voice:debate_turn")]
    DebateTurn {
        /// The side speaking.
        side: Option<DebateSide>,
        /// Who speaks (every other debater is paused).
        wallet_address: Option<Address>,
        /// RFC 3339 end of the turn (unless the host moves on first).
        ends_at: Option<String>,
        /// The turn's 1-based number (with no turn: turns given so far).
        turn: u32,
    },
    /// The host opened the floor (every debater may unmute) or closed it.
    #[serde(rename = "voice:debate_floor")]
    DebateFloor {
        /// Open or closed.
        open: bool,
    },
    /// The debate's turns ended: the poll (`voice:debate_vote`) is open.
    #[serde(rename = "voice:debate_poll")]
    DebatePoll {
        /// RFC 3339 time it closes by itself.
        closes_at: String,
    },
    /// The poll closed: what the debate leaves.
    #[serde(rename = "voice:debate_ended")]
    DebateEnded {
        /// Its turns, speaking time per side and the poll's result.
        summary: DebateSummary,
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
            RoomEvent::DebateStarted {
                turn_seconds,
                started_at,
            } => Self::DebateStarted {
                turn_seconds,
                started_at: rfc3339(started_at),
            },
            RoomEvent::DebateTurn { turn, number } => match turn {
                Some(t) => Self::DebateTurn {
                    side: Some(t.side),
                    wallet_address: Some(t.wallet_address),
                    ends_at: Some(t.ends_at),
                    turn: t.turn,
                },
                None => Self::DebateTurn {
                    side: None,
                    wallet_address: None,
                    ends_at: None,
                    turn: number,
                },
            },
            RoomEvent::DebateFloor(open) => Self::DebateFloor { open },
            RoomEvent::DebatePoll { closes_at } => Self::DebatePoll {
                closes_at: rfc3339(closes_at),
            },
            RoomEvent::DebateEnded(summary) => Self::DebateEnded { summary },
        }
    }
}
