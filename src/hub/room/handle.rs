//! [`RoomHandle`]: how the rest of the server reaches a running room. It
//! holds no room state: every call is a message to the room's task with a
//! oneshot for the answer, and the synchronous reads (counts, summary) come
//! from the snapshot the task publishes after each change.

use std::sync::Arc;

use mediasoup::prelude::*;
use mediasoup::router::RouterDump;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use super::messages::{
    Admission, Closed, Departed, Kicked, MemberOp, Reply, RoomMsg, RoomSnapshot, StreamQuality,
};
use super::task::{self, Inputs, RoomSetup};
use crate::address::Address;
use crate::hub::errors::{DebateOpError, MediaOpError, ModerateError, RoomGone, SettingsError};
use crate::hub::outbox::{Outbox, SessionId};
use crate::media::{MediaError, WorkerSlot};
use crate::protocol::{
    ConsumerData, Direction, Empty, ModerationAction, ProduceReply, ProducersReply, RaiseHandReply,
    RestartIceReply, TransportData,
};
use crate::protocol::{ConsumerId, ProducerId, TransportId};
use crate::rooms::{
    DebateCommand, DebateSide, ParticipantView, Profile, RoomError, RoomSettings, SettingsPatch,
    Standing,
};

/// Requests queued for one room at most; callers wait (asynchronously) for
/// room in the queue beyond that.
const QUEUE: usize = 1024;

/// A running room, as the hub and the sessions hold it: cheap to clone.
#[derive(Clone)]
pub struct RoomHandle {
    /// The market address (= the room).
    pub id: Address,
    /// The worker the room's router runs on (owned by the pool; the room
    /// only counts itself and its members there).
    pub slot: WorkerSlot,
    founder: Option<Address>,
    rtp_capabilities: Arc<RtpCapabilitiesFinalized>,
    requests: mpsc::Sender<RoomMsg>,
    close: Arc<watch::Sender<Option<&'static str>>>,
    snapshot: watch::Receiver<RoomSnapshot>,
}

/// Starts a room's task on `runtime`: it makes the router and observers
/// first; a failure there is returned and the task ends. The join handle
/// yields how the room ended.
pub async fn start(
    setup: RoomSetup,
    runtime: &tokio::runtime::Handle,
) -> Result<(RoomHandle, JoinHandle<Closed>), MediaError> {
    let (requests, requests_rx) = mpsc::channel(QUEUE);
    let (close, close_rx) = watch::channel(None);
    let initial = RoomSnapshot {
        counts: Default::default(),
        participants: 0,
        speakers: 0,
        created_at: setup.rules.created_at(),
        reservations: Vec::new(),
    };
    let (snapshot_tx, snapshot) = watch::channel(initial);
    let (ready, is_ready) = oneshot::channel();
    let id = setup.rules.id().clone();
    let founder = setup.rules.founder().cloned();
    let slot = setup.slot.clone();
    let inputs = Inputs {
        requests: requests_rx,
        close: close_rx,
        snapshot: snapshot_tx,
        ready,
    };
    let ended = runtime.spawn(task::run(setup, inputs));
    let rtp_capabilities = match is_ready.await {
        Ok(Ok(caps)) => caps,
        Ok(Err(e)) => return Err(e),
        Err(_) => return Err(MediaError::Worker("the room's task ended early".into())),
    };
    let handle = RoomHandle {
        id,
        slot,
        founder,
        rtp_capabilities: Arc::new(rtp_capabilities),
        requests,
        close: Arc::new(close),
        snapshot,
    };
    Ok((handle, ended))
}

impl RoomHandle {
    /// Sends a request and waits for its answer; `RoomGone` when the task
    /// has ended (or ends before answering).
    async fn call<T>(&self, request: impl FnOnce(Reply<T>) -> RoomMsg) -> Result<T, RoomGone> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(request(reply))
            .await
            .map_err(|_| RoomGone)?;
        answer.await.map_err(|_| RoomGone)
    }

    /// A member's request; a room that is gone means the session is in no
    /// room any more. An answer dropped while the room runs on is a call
    /// that panicked (the task logged it): `INTERNAL`.
    async fn member<T>(
        &self,
        wallet: &Address,
        session: Option<SessionId>,
        op: impl FnOnce(Reply<Result<T, MediaOpError>>) -> MemberOp,
    ) -> Result<T, MediaOpError> {
        let answer = self.call(|reply| RoomMsg::Member {
            wallet: wallet.clone(),
            session,
            op: op(reply),
        });
        match answer.await {
            Ok(result) => result,
            Err(RoomGone) if !self.is_closed() => {
                Err(MediaError::Worker("a media call failed inside the server".into()).into())
            }
            Err(gone) => Err(gone.into()),
        }
    }

    /// The market's founder (fixed when the room starts).
    pub fn founder(&self) -> Option<&Address> {
        self.founder.as_ref()
    }

    /// The router's capabilities (fixed for the room's life).
    pub fn rtp_capabilities(&self) -> &RtpCapabilitiesFinalized {
        &self.rtp_capabilities
    }

    /// What the room held after its last change.
    pub fn snapshot(&self) -> RoomSnapshot {
        self.snapshot.borrow().clone()
    }

    /// Whether both handles reach the same running room (not an earlier or
    /// later room of the same market).
    pub fn same_room(&self, other: &RoomHandle) -> bool {
        self.requests.same_channel(&other.requests)
    }

    /// Whether the room's task has ended.
    pub fn is_closed(&self) -> bool {
        self.requests.is_closed()
    }

    /// Orders the room to close: members get `voice:room_closed` with
    /// `reason`. Never waits (worker death handlers and shutdown call it).
    pub fn close(&self, reason: &'static str) {
        self.close.send_replace(Some(reason));
    }

    /// `wallet`, of `standing`, joins from the session behind `outbox`.
    pub async fn admit(
        &self,
        wallet: &Address,
        profile: Profile,
        standing: Standing,
        outbox: Outbox,
    ) -> Result<Result<Admission, RoomError>, RoomGone> {
        self.call(|reply| RoomMsg::Admit {
            wallet: wallet.clone(),
            profile,
            standing,
            outbox,
            reply,
        })
        .await
    }

    /// Reserves a place for `wallet`, of `standing` (the room's rules say
    /// whether it holds one).
    pub async fn reserve(
        &self,
        wallet: &Address,
        profile: Profile,
        standing: Standing,
    ) -> Result<Result<Admission, RoomError>, RoomGone> {
        self.call(|reply| RoomMsg::Reserve {
            wallet: wallet.clone(),
            profile,
            standing,
            reply,
        })
        .await
    }

    /// Removes `wallet` if it belongs to `session` (any when `None`; its
    /// socket is then told `close_reason`). `None`: it was not there.
    pub async fn remove(
        &self,
        wallet: &Address,
        session: Option<SessionId>,
        close_reason: Option<&'static str>,
    ) -> Option<Departed> {
        self.call(|reply| RoomMsg::Remove {
            wallet: wallet.clone(),
            session,
            close_reason,
            reply,
        })
        .await
        .ok()
        .flatten()
    }

    /// Whether `wallet` holds a live reservation.
    pub async fn has_reservation(&self, wallet: &Address) -> bool {
        self.call(|reply| RoomMsg::HasReservation {
            wallet: wallet.clone(),
            reply,
        })
        .await
        .unwrap_or(false)
    }

    /// Whether `wallet` is in the room.
    pub async fn is_participant(&self, wallet: &Address) -> bool {
        self.call(|reply| RoomMsg::IsParticipant {
            wallet: wallet.clone(),
            reply,
        })
        .await
        .unwrap_or(false)
    }

    /// Everyone in the room (empty once it closed).
    pub async fn participants(&self) -> Vec<ParticipantView> {
        self.call(|reply| RoomMsg::Participants { reply })
            .await
            .unwrap_or_default()
    }

    /// The raise-hand queue.
    pub async fn speaker_queue(&self) -> Result<Vec<Address>, RoomGone> {
        self.call(|reply| RoomMsg::SpeakerQueue { reply }).await
    }

    /// A moderator's action (who may do what is the room's rules').
    pub async fn moderate(
        &self,
        actor: &Address,
        action: ModerationAction,
        target: Option<&Address>,
    ) -> Result<Option<Kicked>, ModerateError> {
        self.call(|reply| RoomMsg::Moderate {
            actor: actor.clone(),
            action,
            target: target.cloned(),
            reply,
        })
        .await?
    }

    /// The founder changes the settings.
    pub async fn update_settings(
        &self,
        actor: &Address,
        patch: SettingsPatch,
    ) -> Result<RoomSettings, SettingsError> {
        self.call(|reply| RoomMsg::UpdateSettings {
            actor: actor.clone(),
            patch,
            reply,
        })
        .await?
    }

    /// The host `actor`'s debate command (who may is the rules').
    pub async fn debate(
        &self,
        actor: &Address,
        command: DebateCommand,
    ) -> Result<(), DebateOpError> {
        self.call(|reply| RoomMsg::Debate {
            actor: actor.clone(),
            command,
            reply,
        })
        .await?
    }

    /// `voice:debate_vote` from `session`.
    pub async fn debate_vote(
        &self,
        wallet: &Address,
        session: SessionId,
        side: DebateSide,
    ) -> Result<(), DebateOpError> {
        self.call(|reply| RoomMsg::DebateVote {
            wallet: wallet.clone(),
            session,
            side,
            reply,
        })
        .await
        .map_err(|_| DebateOpError::NotJoined)?
    }

    /// Dumps of the room's routers, the main one first.
    pub async fn dumps(&self) -> Result<Vec<RouterDump>, MediaError> {
        self.call(|reply| RoomMsg::Dumps { reply })
            .await
            .unwrap_or(Ok(Vec::new()))
    }

    /// The main router's dump.
    pub async fn dump(&self) -> Result<RouterDump, MediaError> {
        self.dumps()
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| MediaError::Worker("the room is closed".into()))
    }

    /// Loss and round-trip time of up to `budget` of the room's streams.
    pub async fn quality(&self, budget: usize) -> Vec<StreamQuality> {
        self.call(|reply| RoomMsg::Quality { budget, reply })
            .await
            .unwrap_or_default()
    }

    /// `getRouterRtpCapabilities` (members only).
    pub async fn router_capabilities(
        &self,
        wallet: &Address,
        session: SessionId,
    ) -> Result<RtpCapabilitiesFinalized, MediaOpError> {
        self.member(wallet, Some(session), MemberOp::RtpCapabilities)
            .await
    }

    /// `createTransport`.
    pub async fn create_transport(
        &self,
        wallet: &Address,
        session: SessionId,
        direction: Direction,
    ) -> Result<TransportData, MediaOpError> {
        self.member(wallet, Some(session), |reply| MemberOp::CreateTransport {
            direction,
            reply,
        })
        .await
    }

    /// `connectTransport`.
    pub async fn connect_transport(
        &self,
        wallet: &Address,
        session: SessionId,
        transport_id: TransportId,
        dtls: DtlsParameters,
    ) -> Result<(), MediaOpError> {
        self.member(wallet, Some(session), |reply| MemberOp::ConnectTransport {
            transport_id,
            dtls,
            reply,
        })
        .await
    }

    /// `restartIce`.
    pub async fn restart_ice(
        &self,
        wallet: &Address,
        session: SessionId,
        transport_id: TransportId,
    ) -> Result<RestartIceReply, MediaOpError> {
        self.member(wallet, Some(session), |reply| MemberOp::RestartIce {
            transport_id,
            reply,
        })
        .await
    }

    /// `produce`.
    pub async fn produce(
        &self,
        wallet: &Address,
        session: SessionId,
        transport_id: TransportId,
        rtp: RtpParameters,
    ) -> Result<ProduceReply, MediaOpError> {
        self.member(wallet, Some(session), |reply| MemberOp::Produce {
            transport_id,
            rtp,
            reply,
        })
        .await
    }

    /// `closeProducer`.
    pub async fn close_producer(
        &self,
        wallet: &Address,
        session: SessionId,
        producer_id: ProducerId,
    ) -> Result<(), MediaOpError> {
        self.member(wallet, Some(session), |reply| MemberOp::CloseProducer {
            producer_id,
            reply,
        })
        .await
    }

    /// `consume`.
    pub async fn consume(
        &self,
        wallet: &Address,
        session: SessionId,
        transport_id: TransportId,
        producer_id: ProducerId,
        caps: RtpCapabilities,
    ) -> Result<ConsumerData, MediaOpError> {
        self.member(wallet, Some(session), |reply| MemberOp::Consume {
            transport_id,
            producer_id,
            caps,
            reply,
        })
        .await
    }

    /// `resumeConsumer` (`resume`) or `pauseConsumer`.
    pub async fn set_consumer(
        &self,
        wallet: &Address,
        session: SessionId,
        consumer_id: ConsumerId,
        resume: bool,
    ) -> Result<(), MediaOpError> {
        self.member(wallet, Some(session), |reply| MemberOp::SetConsumer {
            consumer_id,
            resume,
            reply,
        })
        .await
    }

    /// `voice:mute` from `session`, or from any session (`None`, REST).
    pub async fn set_muted(
        &self,
        wallet: &Address,
        session: Option<SessionId>,
        muted: bool,
    ) -> Result<(), MediaOpError> {
        self.member(wallet, session, |reply| MemberOp::Mute { muted, reply })
            .await
    }

    /// `voice:producers`.
    pub async fn producers(
        &self,
        wallet: &Address,
        session: SessionId,
    ) -> Result<ProducersReply, MediaOpError> {
        self.member(wallet, Some(session), MemberOp::Producers)
            .await
    }

    /// `voice:raise_hand`.
    pub async fn raise_hand(
        &self,
        wallet: &Address,
        session: SessionId,
    ) -> Result<RaiseHandReply, MediaOpError> {
        self.member(wallet, Some(session), MemberOp::RaiseHand)
            .await
    }

    /// `voice:lower_hand`.
    pub async fn lower_hand(
        &self,
        wallet: &Address,
        session: SessionId,
    ) -> Result<Empty, MediaOpError> {
        self.member(wallet, Some(session), MemberOp::LowerHand)
            .await
    }

    /// Runs `probe` on the room's state, on its task (unit tests only).
    #[cfg(test)]
    pub(in crate::hub) async fn probe<T: Send + 'static>(
        &self,
        probe: impl FnOnce(&mut super::state::RoomState) -> T + Send + 'static,
    ) -> T {
        self.call(|reply| {
            RoomMsg::Test(Box::new(move |state| {
                let _ = reply.send(probe(state));
                None
            }))
        })
        .await
        .expect("the room runs")
    }

    /// Starts `child` on the room's task as if it were a slow media call
    /// (unit tests only).
    #[cfg(test)]
    pub(in crate::hub) async fn start_child(&self, child: super::state::Child) {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(RoomMsg::Test(Box::new(move |_| {
                let _ = reply.send(());
                Some(child)
            })))
            .await
            .expect("the room runs");
        answer.await.expect("the room runs");
    }
}
