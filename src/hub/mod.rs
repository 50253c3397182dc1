//! The hub: the only way into the rooms of this node. http and signaling
//! call its methods (and a session's [`RoomHandle`] for its own media);
//! the hub decides placement (this node or another), finds or starts the
//! room's task, and keeps which session each wallet is on.
//!
//! **The one documented lock.** `Hub::rooms` maps each market to its
//! running room (a `OnceCell` holding a [`RoomHandle`], so a room starts
//! once). It is a `parking_lot` mutex held only to look up, insert or
//! remove an entry: never across an `.await`, never while a mediasoup
//! object is created or dropped (handles hold none). Everything else the
//! rooms hold belongs to their tasks ([`room`]).
//!
//! Layers (lower never import higher): `errors`, `outbox` → `sessions`,
//! `placement`, `resources`, `room` → `join_data` → this module and
//! `debate` (the hub's debate calls).

mod debate;
pub mod errors;
mod join_data;
mod outbox;
mod placement;
mod resources;
pub mod room;
mod sessions;
#[cfg(test)]
mod tests;

pub use crate::registry::RoomSummary;
pub use errors::{
    DebateOpError, JoinError, LeaveError, MediaOpError, ModerateError, OwnedElsewhere, ReadError,
    RoomGone, SettingsError,
};
pub use join_data::{join_data, NodeInfo};
pub use outbox::{outbox, Inbox, Outbox, SessionId, SessionMsg};
pub use placement::{NodeIdentity, Placement};
pub use resources::Resources;
pub use room::{Admission, RoomCounts, RoomHandle, RoomSnapshot, StreamQuality};
pub use sessions::{Seat, Sessions};

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures_util::future::try_join_all;
use parking_lot::Mutex;
use tokio::sync::{broadcast, mpsc, Notify, OnceCell};

use crate::address::Address;
use crate::config::RoomDefaults;
use crate::ledger::ModerationLedger;
use crate::media::{MediaError, WorkerPool};
use crate::positions::MarketSource;
use crate::protocol::{event, ModerationAction, ServerEvent};
use crate::registry::{NodeLoad, Registry, RegistryError, RoomMessage, RoomOwner, WorkerLoad};
use crate::rooms::{
    Ban, Grants, ParticipantView, Room, RoomError, RoomSettings, SettingsPatch, Standing,
};
use crate::server_api::WebhookEventType;
use crate::store::{Recorder, ReportRecord, Write};
use crate::telemetry;

/// Shortest time between two joins of one wallet, on any node.
pub const JOIN_INTERVAL: Duration = Duration::from_secs(1);

/// Longest wait for a room's stored settings before it starts on defaults.
const STORE_READ_TIMEOUT: Duration = Duration::from_secs(1);

/// A room of the directory: started once, by whoever asks first.
type RoomCell = Arc<OnceCell<RoomHandle>>;

/// Totals over every room of the node.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// Running rooms.
    pub rooms: usize,
    /// Members, transports, producers and consumers in them.
    pub counts: RoomCounts,
    /// Sessions holding a wallet.
    pub sessions: usize,
}

/// All rooms of this node.
pub struct Hub {
    pool: Arc<WorkerPool>,
    markets: Arc<dyn MarketSource>,
    defaults: RoomDefaults,
    runtime: tokio::runtime::Handle,
    /// The room directory: the one documented lock (see the module's docs).
    rooms: Mutex<HashMap<Address, RoomCell>>,
    /// Which session each wallet is on (its one owner).
    sessions: Sessions,
    /// Bans, churn history and join-rate slots, outliving rooms.
    ledger: Arc<ModerationLedger>,
    recorder: Recorder,
    /// Told to stop ([`Hub::start_draining`]): not ready, new rooms go elsewhere,
    /// everything running is still served.
    leaving: AtomicBool,
    /// Shutting down ([`Hub::shut_down`]): no new rooms at all.
    draining: AtomicBool,
    /// Wakes the heartbeat for a beat now (the node's state changed).
    beat_now: Arc<Notify>,
    placement: Placement,
}

impl Hub {
    /// A hub over `pool`, keeping bans and join records in `ledger`; rooms,
    /// timers and worker-death handling run on `runtime`.
    pub fn new(
        pool: Arc<WorkerPool>,
        markets: Arc<dyn MarketSource>,
        defaults: RoomDefaults,
        placement: Placement,
        recorder: Recorder,
        ledger: Arc<ModerationLedger>,
        runtime: tokio::runtime::Handle,
    ) -> Arc<Self> {
        let mut lost = pool.subscribe_lost();
        let sessions = Sessions::new(
            placement.registry.clone(),
            placement.me.node_id.clone(),
            runtime.clone(),
        );
        let hub = Arc::new(Self {
            pool,
            markets,
            defaults,
            runtime: runtime.clone(),
            rooms: Mutex::new(HashMap::new()),
            sessions,
            ledger,
            recorder,
            leaving: AtomicBool::new(false),
            draining: AtomicBool::new(false),
            beat_now: Arc::new(Notify::new()),
            placement,
        });
        if let Some(messages) = hub.placement.registry.subscribe() {
            hub.listen(messages);
        }
        let weak = Arc::downgrade(&hub);
        runtime.spawn(async move {
            loop {
                let worker = match lost.recv().await {
                    Ok(worker) => worker,
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => break,
                };
                let Some(hub) = weak.upgrade() else { break };
                for room in hub.running_rooms() {
                    if room.slot.worker.id() == worker {
                        room.close("worker_died");
                    }
                }
            }
        });
        hub
    }

    /// The worker pool.
    pub fn pool(&self) -> &Arc<WorkerPool> {
        &self.pool
    }

    /// This node's id in the registry.
    pub fn node_id(&self) -> &str {
        &self.placement.me.node_id
    }

    /// The registry this node's rooms are claimed in.
    pub fn registry(&self) -> &dyn Registry {
        &*self.placement.registry
    }

    /// The node was told to stop (SIGTERM): it turns not ready and tells
    /// the registry at once (its load says `draining`), so that new rooms
    /// go to other nodes while there are any; running rooms, joins and
    /// calls are served as before until [`Hub::shut_down`].
    pub fn start_draining(&self) {
        self.leaving.store(true, Ordering::Relaxed);
        self.beat_now.notify_one();
    }

    /// Whether the node was told to stop or is shutting down (not ready).
    pub fn is_draining(&self) -> bool {
        self.leaving.load(Ordering::Relaxed) || self.draining.load(Ordering::Relaxed)
    }

    /// `wallet` joins `market` from the session behind `outbox`, with the
    /// `grants` of its token. A session of the same wallet elsewhere is
    /// replaced first.
    pub async fn join(
        self: &Arc<Self>,
        wallet: &Address,
        market: &Address,
        grants: Grants,
        outbox: Outbox,
    ) -> Result<(RoomHandle, Admission), JoinError> {
        let reserved = match self.running_room(market) {
            Some(room) => room.has_reservation(wallet).await,
            None => false,
        };
        let mut rate_checked = reserved;
        let reconnection = self.sessions.is_reconnection(wallet);
        let session = outbox.session();
        self.end_session_where(wallet, "replaced", |old, _| old != session)
            .await;
        let profile = self.markets.profile(market, wallet).await;
        for _ in 0..3 {
            let room = self.room_for(market).await?;
            if !rate_checked {
                self.check_join_rate(wallet).await?;
                rate_checked = true;
            }
            let standing = Standing {
                grants,
                ..self.ledger.standing(market, wallet, Utc::now()).await
            };
            let admitted = room
                .admit(wallet, profile.clone(), standing, outbox.clone())
                .await;
            match admitted {
                Ok(Ok(admission)) => {
                    self.ledger.joined(market, wallet, Utc::now()).await;
                    let seat = Seat {
                        session,
                        outbox,
                        market: market.clone(),
                    };
                    self.sessions.seated(wallet, seat);
                    tracing::info!(room = %market, wallet = %wallet, "joined");
                    telemetry::user_joined(reconnection);
                    return Ok((room, admission));
                }
                Ok(Err(refused)) => return Err(self.refused(market, wallet, refused).await),
                Err(RoomGone) => self.forget_room(&room),
            }
        }
        Err(JoinError::Recreating)
    }

    /// The join's refusal; a churn ban the rules decided is kept in the
    /// ledger first, so the next join sees it.
    async fn refused(&self, market: &Address, wallet: &Address, refused: RoomError) -> JoinError {
        if let RoomError::Churning { until, .. } = refused {
            let ban = Ban {
                wallet: wallet.clone(),
                until,
            };
            tracing::info!(room = %market, %wallet, %until, "joined too often: banned");
            self.ledger.ban(market, &ban).await;
        }
        refused.into()
    }

    /// Takes `wallet`'s join-rate slot, shared by every node. Taken only by
    /// the node that runs the room (after [`Self::room_for`]), so a join
    /// sent on to the owner (`WRONG_NODE`, a forwarded REST join) counts once.
    async fn check_join_rate(&self, wallet: &Address) -> Result<(), JoinError> {
        if self.ledger.take_join_slot(wallet).await {
            Ok(())
        } else {
            Err(JoinError::RateLimited(self.ledger.join_interval()))
        }
    }

    /// Forgets join times too old to matter (each heartbeat), so the maps
    /// hold only recent wallets and give memory back after a burst.
    fn forget_old_times(&self) {
        self.ledger.forget_old();
        self.sessions.forget_old();
    }

    /// Ends `wallet`'s session (it leaves its room and is told `reason`) if
    /// `which` accepts the session's id and room.
    async fn end_session_where(
        &self,
        wallet: &Address,
        reason: &'static str,
        which: impl FnOnce(SessionId, &Address) -> bool,
    ) {
        let Some(seat) = self.sessions.seat_of(wallet) else {
            return;
        };
        if which(seat.session, &seat.market) {
            self.leave_now(wallet, &seat.market, seat.session).await;
            seat.outbox.close(
                event(&ServerEvent::RoomClosed {
                    reason: reason.into(),
                }),
                reason,
            );
        }
    }

    /// The room of `market`, started here if needed.
    async fn room_for(self: &Arc<Self>, market: &Address) -> Result<RoomHandle, JoinError> {
        let cell = self.rooms.lock().entry(market.clone()).or_default().clone();
        let room = cell
            .get_or_try_init(|| self.create_room(market))
            .await?
            .clone();
        Ok(room)
    }

    /// Claims `market`'s room for this node and starts its task.
    async fn create_room(self: &Arc<Self>, market: &Address) -> Result<RoomHandle, JoinError> {
        if self.draining.load(Ordering::Relaxed) {
            return Err(JoinError::Draining);
        }
        let founder = self.markets.founder(market).await;
        let stored = self.stored_settings(market).await;
        let settings = RoomSettings::restored(&self.defaults, founder.is_some(), stored.as_ref());
        let rules = Room::new(
            market.clone(),
            founder,
            settings,
            self.defaults.policy(),
            Utc::now(),
        );
        let slot = self.pool.pick()?;
        let me = self.placement.owner(slot.worker.id().to_string());
        let founder = rules.founder().cloned();
        let registry = &self.placement.registry;
        let target = match registry.room_owner(market).await? {
            Some(_) => me.clone(),
            None => self.placement.choose_owner(&me, self.load()).await?,
        };
        let owner = registry
            .claim_room(market, &target, founder.as_ref())
            .await?;
        if owner.node_id != me.node_id {
            return Err(JoinError::WrongNode(owner));
        }
        let settings = rules.settings().clone();
        let setup = room::RoomSetup {
            rules,
            slot: slot.clone(),
            pool: self.pool.clone(),
            fanout_threshold: self.defaults.fanout_listeners_per_router as usize,
            recorder: self.recorder.clone(),
        };
        let (room, ended) = match room::start(setup, &self.runtime).await {
            Ok(started) => started,
            Err(e) => {
                let _ = registry.release_room(market, &me.node_id).await;
                return Err(e.into());
            }
        };
        let now = Utc::now();
        self.recorder.record(Write::CutShort {
            market: market.clone(),
            at: now,
        });
        self.recorder.record(Write::RoomOpened {
            market: market.clone(),
            worker_id: slot.worker.id().to_string(),
            settings,
            at: now,
        });
        self.recorder
            .webhook(market, WebhookEventType::RoomStarted {});
        self.watch_room(room.clone(), ended);
        tracing::info!(room = %market, worker = slot.index, "room created");
        Ok(room)
    }

    /// When `room`'s task ends: its members' sessions are released and the
    /// room leaves the directory and the registry.
    fn watch_room(
        self: &Arc<Self>,
        room: RoomHandle,
        ended: tokio::task::JoinHandle<room::Closed>,
    ) {
        let hub = Arc::downgrade(self);
        self.runtime.spawn(async move {
            let closed = match ended.await {
                Ok(closed) => closed,
                Err(e) => {
                    tracing::error!(room = %room.id, error = %e, "the room's task failed");
                    room::Closed {
                        reason: "failed",
                        members: Vec::new(),
                    }
                }
            };
            let Some(hub) = hub.upgrade() else { return };
            for (wallet, session) in &closed.members {
                hub.sessions.left(wallet, *session, &room.id);
            }
            hub.forget_room(&room);
            if closed.reason == "idle" {
                tracing::info!(room = %room.id, "empty room destroyed");
            } else {
                tracing::warn!(room = %room.id, reason = closed.reason, members = closed.members.len(), "room closed");
            }
        });
    }

    /// Removes `room` from the directory if it is still the one there, and
    /// releases it in the registry.
    fn forget_room(&self, room: &RoomHandle) {
        // The entry is taken out under the lock and dropped after it: a
        // handle holds a clone of its worker, a mediasoup object.
        let removed = {
            let mut rooms = self.rooms.lock();
            let same = rooms
                .get(&room.id)
                .and_then(|cell| cell.get())
                .is_some_and(|r| r.same_room(room));
            if same {
                rooms.remove(&room.id)
            } else {
                None
            }
        };
        if removed.is_some() {
            let registry = self.placement.registry.clone();
            let (market, node) = (room.id.clone(), self.placement.me.node_id.clone());
            self.runtime.spawn(async move {
                if let Err(e) = registry.release_room(&market, &node).await {
                    tracing::warn!(room = %market, error = %e, "cannot release the room in the registry");
                }
            });
        }
    }

    /// `wallet`'s session `session` leaves `market`'s room, without waiting
    /// (a session that ends, from `Drop`): see [`Self::leave_now`].
    pub fn leave(self: &Arc<Self>, wallet: &Address, market: &Address, session: SessionId) {
        let hub = self.clone();
        let (wallet, market) = (wallet.clone(), market.clone());
        self.runtime.spawn(async move {
            hub.leave_now(&wallet, &market, session).await;
        });
    }

    /// `wallet`'s session `session` leaves `market`'s room. Its media closes
    /// on the room's task; an emptied room is destroyed after its grace
    /// period.
    pub async fn leave_now(&self, wallet: &Address, market: &Address, session: SessionId) {
        self.sessions.unseat(wallet, session);
        let Some(room) = self.running_room(market) else {
            return;
        };
        if room.remove(wallet, Some(session), None).await.is_some() {
            tracing::info!(room = %market, wallet = %wallet, "left");
            self.sessions.left(wallet, session, market);
        }
    }

    /// `POST /api/voice/join`: reserves a place in `market`'s room for
    /// `wallet`'s socket (starting the room if needed) and previews the
    /// join. The room's rules cap and expire the places reservations hold.
    pub async fn reserve(
        self: &Arc<Self>,
        wallet: &Address,
        market: &Address,
    ) -> Result<(RoomHandle, Admission), JoinError> {
        let profile = self.markets.profile(market, wallet).await;
        let mut rate_checked = false;
        for _ in 0..3 {
            let room = self.room_for(market).await?;
            if !rate_checked {
                self.check_join_rate(wallet).await?;
                rate_checked = true;
            }
            let standing = self.ledger.standing(market, wallet, Utc::now()).await;
            match room.reserve(wallet, profile.clone(), standing).await {
                Ok(Ok(admission)) => return Ok((room, admission)),
                Ok(Err(refused)) => return Err(self.refused(market, wallet, refused).await),
                Err(RoomGone) => self.forget_room(&room),
            }
        }
        Err(JoinError::Recreating)
    }

    /// `POST /api/voice/leave`: `wallet` leaves `market`'s room from any
    /// session; that session is told (`voice:room_closed`, reason `left`).
    pub async fn leave_any(&self, wallet: &Address, market: &Address) -> Result<(), LeaveError> {
        let Some(room) = self.running_room(market) else {
            return Err(self
                .not_here(market, LeaveError::Elsewhere, LeaveError::NotInRoom)
                .await);
        };
        let departed = room
            .remove(wallet, None, Some("left"))
            .await
            .ok_or(LeaveError::NotInRoom)?;
        self.sessions.left(wallet, departed.session, market);
        Ok(())
    }

    /// A founder's moderation of `market`'s room (socket or REST). For a
    /// room another node runs, [`ModerateError::Elsewhere`] names that node
    /// (REST passes the call there; a socket's room always runs here).
    pub async fn moderate(
        &self,
        market: &Address,
        actor: &Address,
        action: ModerationAction,
        target: Option<&Address>,
    ) -> Result<(), ModerateError> {
        let Some(room) = self.running_room(market) else {
            return Err(self
                .not_here(market, ModerateError::Elsewhere, ModerateError::NoRoom)
                .await);
        };
        if let Some(kicked) = room.moderate(actor, action, target).await? {
            tracing::info!(room = %market, wallet = %kicked.wallet, "kicked");
            self.sessions.left(&kicked.wallet, kicked.session, market);
            self.ledger.ban(market, &kicked.ban).await;
        }
        Ok(())
    }

    /// The founder changes `market`'s settings. For a room another node
    /// runs, [`SettingsError::Elsewhere`] names that node (REST passes the
    /// call there).
    pub async fn update_settings(
        &self,
        market: &Address,
        actor: &Address,
        patch: SettingsPatch,
    ) -> Result<RoomSettings, SettingsError> {
        let Some(room) = self.running_room(market) else {
            return Err(self
                .not_here(market, SettingsError::Elsewhere, SettingsError::NoRoom)
                .await);
        };
        room.update_settings(actor, patch).await
    }

    /// `wallet` mutes or unmutes itself in `market`'s room, from `session`
    /// (any session when `None`, REST). For a room another node runs,
    /// [`MediaOpError::Elsewhere`] names that node (REST passes the call
    /// there).
    pub async fn set_muted(
        &self,
        market: &Address,
        wallet: &Address,
        session: Option<SessionId>,
        muted: bool,
    ) -> Result<(), MediaOpError> {
        let Some(room) = self.running_room(market) else {
            return Err(self
                .not_here(market, MediaOpError::Elsewhere, MediaOpError::NoRoom)
                .await);
        };
        room.set_muted(wallet, session, muted).await
    }

    /// Whether `wallet` is in `market`'s room (a report's check): `NotInRoom`
    /// if not, `Elsewhere` when another node runs the room.
    pub async fn check_participant(
        &self,
        market: &Address,
        wallet: &Address,
    ) -> Result<(), LeaveError> {
        let Some(room) = self.running_room(market) else {
            return Err(self
                .not_here(market, LeaveError::Elsewhere, LeaveError::NotInRoom)
                .await);
        };
        if room.is_participant(wallet).await {
            Ok(())
        } else {
            Err(LeaveError::NotInRoom)
        }
    }

    /// Everyone in `market`'s room (none when no node runs it).
    pub async fn participants(&self, market: &Address) -> Result<Vec<ParticipantView>, ReadError> {
        match self.running_room(market) {
            Some(room) => Ok(room.participants().await),
            None => self.answers_for(market).await.map(|()| Vec::new()),
        }
    }

    /// `market`'s room as its last snapshot shows it (none when no node
    /// runs it).
    pub async fn summary(&self, market: &Address) -> Result<Option<RoomSummary>, ReadError> {
        match self.running_room(market) {
            Some(room) => Ok(Some(summarize(&room))),
            None => self.answers_for(market).await.map(|()| None),
        }
    }

    /// Whether `market`'s room runs, here or on another live node (joining
    /// it starts no room).
    pub async fn room_runs(&self, market: &Address) -> Result<bool, RegistryError> {
        if self.running_room(market).is_some() {
            return Ok(true);
        }
        Ok(self.placement.owner_elsewhere(market).await?.is_some())
    }

    /// Ok when this node answers reads about `market`'s room: it runs the
    /// room, or no other live node does.
    pub async fn answers_for(&self, market: &Address) -> Result<(), ReadError> {
        if self.running_room(market).is_some() {
            return Ok(());
        }
        match self.placement.owner_elsewhere(market).await? {
            Some(owner) => Err(ReadError::Elsewhere(owner)),
            None => Ok(()),
        }
    }

    /// Why an operation on `market`'s room, which does not run here, is
    /// not done here: `elsewhere` when another live node owns it (the
    /// caller passes the call there), `missing` when none does.
    async fn not_here<E: From<RegistryError>>(
        &self,
        market: &Address,
        elsewhere: fn(RoomOwner) -> E,
        missing: E,
    ) -> E {
        match self.placement.owner_elsewhere(market).await {
            Ok(Some(owner)) => elsewhere(owner),
            Ok(None) => missing,
            Err(e) => e.into(),
        }
    }

    /// The room directory of the deployment: every node's rooms as their
    /// owners last recorded them in the registry (each heartbeat), this
    /// node's own rooms as they are now; oldest first.
    pub async fn directory(&self) -> Result<Vec<RoomSummary>, RegistryError> {
        let mut rooms: HashMap<Address, RoomSummary> = self
            .placement
            .registry
            .rooms()
            .await?
            .into_iter()
            .map(|room| (room.id.clone(), room))
            .collect();
        for room in self.running_rooms() {
            rooms.insert(room.id.clone(), summarize(&room));
        }
        let mut rooms: Vec<RoomSummary> = rooms.into_values().collect();
        rooms.sort_by(|a, b| {
            let key = |r: &RoomSummary| (r.created_at.timestamp_millis(), r.id.clone());
            key(a).cmp(&key(b))
        });
        Ok(rooms)
    }

    /// Orders `room` to close now: members get `voice:room_closed` with
    /// `reason`; its task releases them and the hub forgets it.
    pub fn close_room(&self, room: &RoomHandle, reason: &'static str) {
        room.close(reason);
    }

    /// The settings `market`'s founder last set, if the store answers in time.
    async fn stored_settings(&self, market: &Address) -> Option<RoomSettings> {
        let read = self.recorder.store().room(market);
        match tokio::time::timeout(STORE_READ_TIMEOUT, read).await {
            Ok(Ok(record)) => record.and_then(|r| r.settings),
            Ok(Err(e)) => {
                tracing::warn!(room = %market, error = %e, "stored settings unreadable; using defaults");
                None
            }
            Err(_) => {
                tracing::warn!(room = %market, "store too slow; the room starts on default settings");
                None
            }
        }
    }

    /// Records an abuse report for the store.
    pub fn file_report(&self, report: ReportRecord) {
        tracing::warn!(room = %report.market_address, id = %report.id, "abuse report");
        self.recorder.webhook(
            &report.market_address,
            WebhookEventType::ReportFiled {
                report_id: report.id.to_string(),
                reporter_wallet: report.reporter_wallet.clone(),
                target_wallet: report.target_wallet.clone(),
                reason: report.reason.clone(),
            },
        );
        self.recorder.record(Write::Report(report));
    }

    /// The write path to the store.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// Graceful shutdown: no new rooms, and every running room closes with
    /// `reason` (members are told, their participations are closed); waits
    /// up to `within` for the rooms' tasks to be done.
    pub async fn shut_down(&self, reason: &'static str, within: Duration) {
        self.draining.store(true, Ordering::Relaxed);
        let rooms = self.running_rooms();
        for room in &rooms {
            room.close(reason);
        }
        let deadline = tokio::time::Instant::now() + within;
        while rooms
            .iter()
            .any(|r| self.running_room(&r.id).is_some_and(|now| now.same_room(r)))
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The running room of `market`, if any.
    pub fn running_room(&self, market: &Address) -> Option<RoomHandle> {
        self.rooms.lock().get(market).and_then(|c| c.get().cloned())
    }

    /// Every running room.
    pub fn running_rooms(&self) -> Vec<RoomHandle> {
        self.rooms
            .lock()
            .values()
            .filter_map(|c| c.get().cloned())
            .collect()
    }

    /// Totals over the node (the server's own accounting), from the rooms'
    /// snapshots.
    pub fn totals(&self) -> Totals {
        let rooms = self.running_rooms();
        let mut totals = Totals {
            rooms: rooms.len(),
            sessions: self.sessions.len(),
            ..Default::default()
        };
        for room in rooms {
            let c = room.snapshot().counts;
            totals.counts.members += c.members;
            totals.counts.transports += c.transports;
            totals.counts.producers += c.producers;
            totals.counts.consumers += c.consumers;
        }
        totals
    }

    /// Loss and round-trip time of up to `budget` streams of each room
    /// from `first_room` on (round robin); returns where to start next.
    pub async fn quality(&self, first_room: usize, budget: usize) -> (Vec<StreamQuality>, usize) {
        let rooms = self.running_rooms();
        if rooms.is_empty() {
            return (Vec::new(), 0);
        }
        let mut found = Vec::new();
        let mut index = first_room % rooms.len();
        for _ in 0..rooms.len() {
            let left = budget.saturating_sub(found.len());
            if left == 0 {
                break;
            }
            found.extend(rooms[index].quality(left).await);
            index = (index + 1) % rooms.len();
        }
        (found, index)
    }

    /// Counts what the node holds, asking every worker and room router.
    pub async fn resources(&self) -> Result<Resources, MediaError> {
        let workers = self.pool.workers();
        let worker_dumps = try_join_all(workers.iter().map(|slot| slot.worker.dump()))
            .await
            .map_err(MediaError::request("dump worker"))?;
        let rooms = self.running_rooms();
        let mut counts = Resources {
            rooms: rooms.len(),
            sessions: self.sessions.len(),
            ..Default::default()
        };
        for dump in &worker_dumps {
            counts.add_worker(dump);
        }
        let now = Utc::now();
        for room in &rooms {
            for dump in room.dumps().await? {
                counts.add_router(&dump);
            }
            let snapshot = room.snapshot();
            counts.participants += snapshot.counts.members;
            counts.reservations += snapshot.pending_reservations(now);
        }
        Ok(counts)
    }

    /// This node's load, for the registry.
    fn load(&self) -> NodeLoad {
        let rooms = self.running_rooms();
        let workers = self
            .pool
            .workers()
            .into_iter()
            .map(|slot| WorkerLoad {
                worker_id: slot.worker.id().to_string(),
                rooms: slot.rooms.load(Ordering::Relaxed),
                users: slot.participants.load(Ordering::Relaxed),
            })
            .collect();
        NodeLoad {
            node_id: self.placement.me.node_id.clone(),
            ws_url: self.placement.me.ws_url.clone(),
            http_url: self.placement.me.http_url.clone(),
            rooms: rooms.len(),
            users: rooms.iter().map(|r| r.snapshot().participants).sum(),
            cpu: self.placement.cpu.lock().1,
            workers,
            draining: self.is_draining(),
        }
    }

    /// Registers this node (its first heartbeat, awaited), then heartbeats
    /// every `interval` (alive for `ttl`) and when [`Hub::start_draining`] asks,
    /// re-claiming this node's rooms each time so that they are registered
    /// again after an outage.
    ///
    /// The first beat is awaited because a room claimed by a node the
    /// registry does not know yet counts as a dead node's: a node that served
    /// joins before its first beat landed could have a room taken over by
    /// another node's claim, and both would run it.
    pub async fn start_heartbeat(self: &Arc<Self>, interval: Duration, ttl: Duration) {
        let first = self.beat(ttl.as_secs()).await;
        if let Err(e) = &first {
            tracing::warn!(error = %e, "registry heartbeat failed");
        }
        let mut healthy = first.is_ok();
        let weak = Arc::downgrade(self);
        let beat_now = self.beat_now.clone();
        self.runtime.spawn(async move {
            let mut tick = tokio::time::interval(interval);
            tick.tick().await;
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = beat_now.notified() => {}
                }
                let Some(hub) = weak.upgrade() else { break };
                hub.forget_old_times();
                let result = hub.beat(ttl.as_secs()).await;
                match (&result, healthy) {
                    (Err(e), true) => tracing::warn!(error = %e, "registry heartbeat failed"),
                    (Ok(()), false) => {
                        tracing::info!("registry reachable again; rooms re-registered")
                    }
                    _ => {}
                }
                healthy = result.is_ok();
            }
        });
    }

    async fn beat(&self, ttl_secs: u64) -> Result<(), RegistryError> {
        {
            let mut cpu = self.placement.cpu.lock();
            if let Some(percent) = cpu.0.sample(self.pool.workers().len()) {
                cpu.1 = percent;
            }
        }
        let registry = &self.placement.registry;
        registry.heartbeat(&self.load(), ttl_secs).await?;
        for room in self.running_rooms() {
            let me = self.placement.owner(room.slot.worker.id().to_string());
            let owner = registry.claim_room(&room.id, &me, room.founder()).await?;
            if owner.node_id != me.node_id {
                tracing::warn!(room = %room.id, owner = %owner.node_id, "another node took this room over");
            }
            let queue = room.speaker_queue().await.unwrap_or_default();
            registry
                .set_room_state(&summarize(&room), &me.node_id, &queue)
                .await?;
            // Destroyed (and released) since this beat listed it: the claim
            // above wrote its record again, which would outlive it.
            if room.is_closed() && self.running_room(&room.id).is_none() {
                registry.release_room(&room.id, &me.node_id).await?;
            }
        }
        Ok(())
    }

    /// Handles messages other nodes send to this node's rooms.
    fn listen(self: &Arc<Self>, mut messages: mpsc::Receiver<(Address, RoomMessage)>) {
        let weak = Arc::downgrade(self);
        self.runtime.spawn(async move {
            while let Some((room, message)) = messages.recv().await {
                let Some(hub) = weak.upgrade() else { break };
                if hub.running_room(&room).is_none() {
                    continue;
                }
                match message {
                    RoomMessage::Replace { wallet, by_node } if by_node != hub.node_id() => {
                        hub.end_session_where(&wallet, "replaced", |_, market| market == &room)
                            .await;
                    }
                    RoomMessage::Replace { .. } => {}
                }
            }
        });
    }

    /// Removes this node's records from the registry (graceful shutdown).
    pub async fn deregister(&self) {
        let registry = &self.placement.registry;
        for room in self.running_rooms() {
            let _ = registry
                .release_room(&room.id, &self.placement.me.node_id)
                .await;
        }
        if let Err(e) = registry.deregister(&self.placement.me.node_id).await {
            tracing::warn!(error = %e, "cannot deregister from the registry");
        }
    }
}

fn summarize(room: &RoomHandle) -> RoomSummary {
    let snapshot = room.snapshot();
    RoomSummary {
        id: room.id.clone(),
        participants: snapshot.participants,
        speakers: snapshot.speakers,
        created_at: snapshot.created_at,
    }
}
