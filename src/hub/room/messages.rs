//! What the rest of the server asks a room's task, and what it answers.
//! Every request carries a oneshot for its reply; the task answers each
//! exactly once (dropping the oneshot unanswered only when it ends, which
//! the caller sees as [`RoomGone`](crate::hub::errors::RoomGone)).

use chrono::{DateTime, Utc};
use mediasoup::prelude::*;
use mediasoup::router::RouterDump;
use tokio::sync::oneshot;

use crate::address::Address;
use crate::hub::errors::{DebateOpError, MediaOpError, ModerateError, SettingsError};
use crate::hub::outbox::{Outbox, SessionId};
use crate::media::MediaError;
use crate::protocol::{
    ConsumerData, Direction, Empty, ModerationAction, ProduceReply, ProducersReply, RaiseHandReply,
    RestartIceReply, TransportData,
};
use crate::protocol::{ConsumerId, ProducerId, TransportId};
use crate::rooms::{
    Ban, DebateCommand, DebateSide, DebateView, ParticipantView, Profile, ReservationView,
    RoomError, RoomSettings, SettingsPatch, Standing,
};

/// Where a reply goes.
pub(super) type Reply<T> = oneshot::Sender<T>;

/// A request to a room's task.
pub(super) enum RoomMsg {
    /// A member of `standing` (the moderation ledger's) joins from the
    /// session behind `outbox`.
    Admit {
        wallet: Address,
        profile: Profile,
        standing: Standing,
        outbox: Outbox,
        reply: Reply<Result<Admission, RoomError>>,
    },
    /// A place is reserved (`POST /api/voice/join`).
    Reserve {
        wallet: Address,
        profile: Profile,
        standing: Standing,
        reply: Reply<Result<Admission, RoomError>>,
    },
    /// A member leaves: its own session's (`session`), or any (`None`, REST),
    /// whose socket is then closed with `voice:room_closed` and `close_reason`.
    Remove {
        wallet: Address,
        session: Option<SessionId>,
        close_reason: Option<&'static str>,
        reply: Reply<Option<Departed>>,
    },
    /// Whether `wallet` holds a live reservation.
    HasReservation { wallet: Address, reply: Reply<bool> },
    /// Whether `wallet` is in the room.
    IsParticipant { wallet: Address, reply: Reply<bool> },
    /// Everyone in the room.
    Participants { reply: Reply<Vec<ParticipantView>> },
    /// The raise-hand queue.
    SpeakerQueue { reply: Reply<Vec<Address>> },
    /// A member's request; `session` (when given) must be the member's.
    Member {
        wallet: Address,
        session: Option<SessionId>,
        op: MemberOp,
    },
    /// A moderator's action (the founder, the host, a co-host).
    Moderate {
        actor: Address,
        action: ModerationAction,
        target: Option<Address>,
        reply: Reply<Result<Option<Kicked>, ModerateError>>,
    },
    /// The founder changes the settings.
    UpdateSettings {
        actor: Address,
        patch: SettingsPatch,
        reply: Reply<Result<RoomSettings, SettingsError>>,
    },
    /// The host's debate command.
    Debate {
        actor: Address,
        command: DebateCommand,
        reply: Reply<Result<(), DebateOpError>>,
    },
    /// A member's vote in the debate's poll, from its session.
    DebateVote {
        wallet: Address,
        session: SessionId,
        side: DebateSide,
        reply: Reply<Result<(), DebateOpError>>,
    },
    /// Dumps of the room's routers (leak checks).
    Dumps {
        reply: Reply<Result<Vec<RouterDump>, MediaError>>,
    },
    /// Loss and round-trip time of up to `budget` of its streams.
    Quality {
        budget: usize,
        reply: Reply<Vec<StreamQuality>>,
    },
    /// Runs a probe on the task's state (unit tests only; the one place
    /// this module names the state, and only in tests).
    #[cfg(test)]
    Test(Probe),
}

/// A closure run on the task's state (unit tests only).
#[cfg(test)]
pub(super) type Probe =
    Box<dyn FnOnce(&mut super::state::RoomState) -> Option<super::state::Child> + Send>;

/// A member's own request.
pub(super) enum MemberOp {
    /// `getRouterRtpCapabilities`.
    RtpCapabilities(Reply<Result<RtpCapabilitiesFinalized, MediaOpError>>),
    /// `createTransport`.
    CreateTransport {
        direction: Direction,
        reply: Reply<Result<TransportData, MediaOpError>>,
    },
    /// `connectTransport`.
    ConnectTransport {
        transport_id: TransportId,
        dtls: DtlsParameters,
        reply: Reply<Result<(), MediaOpError>>,
    },
    /// `restartIce`.
    RestartIce {
        transport_id: TransportId,
        reply: Reply<Result<RestartIceReply, MediaOpError>>,
    },
    /// `produce`.
    Produce {
        transport_id: TransportId,
        rtp: RtpParameters,
        reply: Reply<Result<ProduceReply, MediaOpError>>,
    },
    /// `closeProducer`.
    CloseProducer {
        producer_id: ProducerId,
        reply: Reply<Result<(), MediaOpError>>,
    },
    /// `consume`.
    Consume {
        transport_id: TransportId,
        producer_id: ProducerId,
        caps: RtpCapabilities,
        reply: Reply<Result<ConsumerData, MediaOpError>>,
    },
    /// `resumeConsumer` (`true`) or `pauseConsumer`.
    SetConsumer {
        consumer_id: ConsumerId,
        resume: bool,
        reply: Reply<Result<(), MediaOpError>>,
    },
    /// `voice:mute`.
    Mute {
        muted: bool,
        reply: Reply<Result<(), MediaOpError>>,
    },
    /// `voice:producers`.
    Producers(Reply<Result<ProducersReply, MediaOpError>>),
    /// `voice:raise_hand`.
    RaiseHand(Reply<Result<RaiseHandReply, MediaOpError>>),
    /// `voice:lower_hand`.
    LowerHand(Reply<Result<Empty, MediaOpError>>),
}

impl MemberOp {
    /// Answers the request with `error` (the member check failed).
    pub(super) fn fail(self, error: MediaOpError) {
        match self {
            Self::RtpCapabilities(r) => drop(r.send(Err(error))),
            Self::CreateTransport { reply, .. } => drop(reply.send(Err(error))),
            Self::ConnectTransport { reply, .. }
            | Self::CloseProducer { reply, .. }
            | Self::SetConsumer { reply, .. }
            | Self::Mute { reply, .. } => drop(reply.send(Err(error))),
            Self::RestartIce { reply, .. } => drop(reply.send(Err(error))),
            Self::Produce { reply, .. } => drop(reply.send(Err(error))),
            Self::Consume { reply, .. } => drop(reply.send(Err(error))),
            Self::Producers(r) => drop(r.send(Err(error))),
            Self::RaiseHand(r) => drop(r.send(Err(error))),
            Self::LowerHand(r) => drop(r.send(Err(error))),
        }
    }
}

/// What a member gets back from joining (or reserving).
#[derive(Debug, Clone)]
pub struct Admission {
    /// Its own view.
    pub you: ParticipantView,
    /// Everyone, itself included.
    pub participants: Vec<ParticipantView>,
    /// The raise-hand queue.
    pub speaker_queue: Vec<Address>,
    /// Room settings.
    pub settings: RoomSettings,
    /// Who is speaking now, if anyone has yet.
    pub active_speaker: Option<Address>,
    /// Who holds the host role.
    pub host: Option<Address>,
    /// The co-hosts, present or not.
    pub co_hosts: Vec<Address>,
    /// The live reservations, for the founder and co-hosts (empty for
    /// everyone else).
    pub reservations: Vec<ReservationView>,
    /// The debate running in the room, if any.
    pub debate: Option<DebateView>,
}

/// A member that left (its media closed on the room's task).
#[derive(Debug, Clone, Copy)]
pub struct Departed {
    /// The session it belonged to.
    pub session: SessionId,
}

/// A member a moderator kicked: its session was told and closed.
#[derive(Debug, Clone)]
pub struct Kicked {
    /// The kicked wallet.
    pub wallet: Address,
    /// Its session.
    pub session: SessionId,
    /// Its ban, for the moderation ledger to keep.
    pub ban: Ban,
}

/// How the room's task ended, for the hub to forget it.
#[derive(Debug, Clone)]
pub struct Closed {
    /// Why (`worker_died`, `server_shutdown`, `idle`, ...).
    pub reason: &'static str,
    /// The members it still had, each told `voice:room_closed`.
    pub members: Vec<(Address, SessionId)>,
}

pub use crate::telemetry::sampler::StreamQuality;

/// Counts of what a room holds (for accounting and leak checks).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RoomCounts {
    /// Members.
    pub members: usize,
    /// WebRTC transports.
    pub transports: usize,
    /// Producers.
    pub producers: usize,
    /// Consumers.
    pub consumers: usize,
}

/// What a room looks like after the last change, published by its task
/// (a `watch`) for synchronous readers: totals for metrics and health, the
/// room directory, previews, the heartbeat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomSnapshot {
    /// Members and their media.
    pub counts: RoomCounts,
    /// Participants per the rules.
    pub participants: usize,
    /// Of whom may speak.
    pub speakers: usize,
    /// When the room was created.
    pub created_at: DateTime<Utc>,
    /// When each held place expires.
    pub reservations: Vec<DateTime<Utc>>,
}

impl RoomSnapshot {
    /// Places held and not yet expired at `now`.
    pub fn pending_reservations(&self, now: DateTime<Utc>) -> usize {
        self.reservations
            .iter()
            .filter(|until| **until > now)
            .count()
    }
}
