//! Typed client requests.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ids::{ConsumerId, ProducerId, TransportId};
use super::media_json::{DtlsParameters, RtpCapabilities, RtpParameters};
use crate::address::Address;
use crate::rooms::{DebateCommand, DebateSide, Emoji, SettingsPatch};

/// Direction of a WebRTC transport, from the client's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The client sends audio (speakers only).
    Send,
    /// The client receives audio.
    Recv,
}

/// A moderation action of the founder, the host or a co-host (who may do
/// what: docs/protocol.md, "Room rules").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "ModerateAction")]
pub enum ModerationAction {
    /// Let a participant speak.
    GrantSpeaker,
    /// Take the floor back from a speaker.
    RevokeSpeaker,
    /// Remove a participant and ban the wallet from the room for a while.
    Kick,
    /// Mute every speaker but the founder and co-hosts.
    MuteAll,
    /// Mute one speaker (it may unmute itself again).
    Mute,
    /// Name a member co-host (the founder only).
    AddCoHost,
    /// Take the co-host role back (the founder only).
    RemoveCoHost,
    /// Hand the host role to a co-host, or back to the founder (the
    /// founder or the current host).
    TransferHost,
    /// End the room: everyone gets `voice:room_closed`, reason `ended`
    /// (the founder or the host).
    EndRoom,
    /// Drop every reservation of the room.
    ClearReservations,
    /// Invite a listener to speak: it accepts (and is granted the floor)
    /// or declines with `voice:invite_response`; unanswered, the
    /// invitation lapses after 60 s.
    InviteSpeaker,
}

impl ModerationAction {
    /// Whether the action names a `targetWallet`.
    pub fn needs_target(self) -> bool {
        !matches!(
            self,
            Self::MuteAll | Self::EndRoom | Self::ClearReservations
        )
    }
}

/// One decoded client request.
#[derive(Debug, Clone)]
pub enum Command {
    /// `voice:join`.
    Join {
        /// The market (= room) to join.
        market: Address,
    },
    /// `voice:leave`.
    Leave,
    /// A request about the room the connection is in.
    Room(RoomCommand),
}

/// A request that needs the connection to be in a room.
#[derive(Debug, Clone)]
pub enum RoomCommand {
    /// `getRouterRtpCapabilities`.
    GetRouterRtpCapabilities,
    /// `createTransport`.
    CreateTransport {
        /// Send or receive.
        direction: Direction,
    },
    /// `connectTransport`.
    ConnectTransport {
        /// The transport.
        transport_id: TransportId,
        /// The client's DTLS role and fingerprints.
        dtls_parameters: DtlsParameters,
    },
    /// `produce`.
    Produce {
        /// The send transport.
        transport_id: TransportId,
        /// The client's RTP parameters.
        rtp_parameters: RtpParameters,
    },
    /// `consume`.
    Consume {
        /// The receive transport.
        transport_id: TransportId,
        /// The producer to receive.
        producer_id: ProducerId,
        /// The client device's capabilities.
        rtp_capabilities: RtpCapabilities,
    },
    /// `resumeConsumer`.
    ResumeConsumer {
        /// The consumer.
        consumer_id: ConsumerId,
    },
    /// `pauseConsumer`.
    PauseConsumer {
        /// The consumer.
        consumer_id: ConsumerId,
    },
    /// `restartIce`.
    RestartIce {
        /// The transport.
        transport_id: TransportId,
    },
    /// `closeProducer`.
    CloseProducer {
        /// The producer.
        producer_id: ProducerId,
    },
    /// `voice:mute`.
    Mute {
        /// Muted or live.
        muted: bool,
    },
    /// `voice:raise_hand`.
    RaiseHand,
    /// `voice:lower_hand`.
    LowerHand,
    /// `voice:moderate`.
    Moderate {
        /// What to do.
        action: ModerationAction,
        /// To whom (all but `mute_all`).
        target: Option<Address>,
    },
    /// `voice:producers`.
    Producers,
    /// `voice:update_settings` (founder only; an addition to the contract).
    UpdateSettings(SettingsPatch),
    /// `voice:react`.
    React {
        /// The reaction.
        emoji: Emoji,
    },
    /// `voice:invite_response`.
    InviteResponse {
        /// Accept (go on stage) or decline.
        accept: bool,
    },
    /// `voice:debate` (the host).
    Debate(DebateCommand),
    /// `voice:debate_vote`.
    DebateVote {
        /// The side voted for.
        side: DebateSide,
    },
}

impl Command {
    /// Every name [`Command::method`] gives, so that metrics can show each
    /// method's series (at zero) before its first request.
    pub const METHODS: &'static [&'static str] = &[
        "voice:join",
        "voice:leave",
        "getRouterRtpCapabilities",
        "createTransport",
        "connectTransport",
        "produce",
        "consume",
        "resumeConsumer",
        "pauseConsumer",
        "restartIce",
        "closeProducer",
        "voice:mute",
        "voice:raise_hand",
        "voice:lower_hand",
        "voice:moderate",
        "voice:producers",
        "voice:update_settings",
        "voice:react",
        "voice:invite_response",
        "voice:debate",
        "voice:debate_vote",
    ];

    /// The method name, for logs and metrics.
    pub fn method(&self) -> &'static str {
        match self {
            Self::Join { .. } => "voice:join",
            Self::Leave => "voice:leave",
            Self::Room(command) => command.method(),
        }
    }
}

impl RoomCommand {
    /// The method name, for logs and metrics.
    pub fn method(&self) -> &'static str {
        match self {
            Self::GetRouterRtpCapabilities => "getRouterRtpCapabilities",
            Self::CreateTransport { .. } => "createTransport",
            Self::ConnectTransport { .. } => "connectTransport",
            Self::Produce { .. } => "produce",
            Self::Consume { .. } => "consume",
            Self::ResumeConsumer { .. } => "resumeConsumer",
            Self::PauseConsumer { .. } => "pauseConsumer",
            Self::RestartIce { .. } => "restartIce",
            Self::CloseProducer { .. } => "closeProducer",
            Self::Mute { .. } => "voice:mute",
            Self::RaiseHand => "voice:raise_hand",
            Self::LowerHand => "voice:lower_hand",
            Self::Moderate { .. } => "voice:moderate",
            Self::Producers => "voice:producers",
            Self::UpdateSettings(_) => "voice:update_settings",
            Self::React { .. } => "voice:react",
            Self::InviteResponse { .. } => "voice:invite_response",
            Self::Debate(_) => "voice:debate",
            Self::DebateVote { .. } => "voice:debate_vote",
        }
    }
}
