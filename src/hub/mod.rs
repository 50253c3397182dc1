//! The hub: every running room of this node, and which session holds which
//! wallet. It turns a decided join or leave into media and events, creates a
//! room's router on first join and destroys it once the room stays empty.

mod audible;
mod fanout;
mod live_room;
mod media_ops;
mod member_media;
mod moderation;
mod outbox;
mod placement;
mod resources;
mod speaking;
#[cfg(test)]
mod tests;

pub use live_room::{Admission, Departure, Idle, LiveRoom, RoomCounts};
pub use member_media::MemberMedia;
pub use moderation::Outcome;
pub use outbox::{outbox, Inbox, Outbox, SessionId, SessionMsg};
pub use placement::{NodeIdentity, Placement};
pub use resources::Resources;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use parking_lot::Mutex;
use tokio::sync::{broadcast, OnceCell};

use crate::address::Address;
use crate::config::RoomDefaults;
use crate::error::{ApiError, ErrorCode};
use crate::media::WorkerPool;
use crate::positions::MarketSource;
use crate::protocol::{event, ServerEvent};
use crate::rooms::{Room, RoomSettings};
use crate::store::{Recorder, ReportRecord, Write};
use crate::telemetry;

/// Shortest time between two joins of one wallet.
const JOIN_INTERVAL: Duration = Duration::from_secs(1);

type RoomCell = Arc<OnceCell<Arc<LiveRoom>>>;

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

/// A join this soon after the wallet left counts as a reconnection.
const RECONNECT_WINDOW: Duration = Duration::from_secs(60);

/// Longest wait for a room's stored settings before it starts on defaults.
const STORE_READ_TIMEOUT: Duration = Duration::from_secs(1);

/// All rooms of this node.
pub struct Hub {
    pool: Arc<WorkerPool>,
    markets: Arc<dyn MarketSource>,
    defaults: RoomDefaults,
    runtime: tokio::runtime::Handle,
    rooms: Mutex<HashMap<Address, RoomCell>>,
    sessions: Mutex<HashMap<Address, (SessionId, Outbox, Address)>>,
    last_join: Mutex<HashMap<Address, Instant>>,
    last_left: Mutex<HashMap<Address, Instant>>,
    recorder: Recorder,
    draining: AtomicBool,
    placement: Placement,
}

impl Hub {
    /// A hub over `pool`; timers and worker-death handling run on `runtime`.
    pub fn new(
        pool: Arc<WorkerPool>,
        markets: Arc<dyn MarketSource>,
        defaults: RoomDefaults,
        placement: Placement,
        recorder: Recorder,
        runtime: tokio::runtime::Handle,
    ) -> Arc<Self> {
        let mut lost = pool.subscribe_lost();
        let hub = Arc::new(Self {
            pool,
            markets,
            defaults,
            runtime: runtime.clone(),
            rooms: Mutex::new(HashMap::new()),
            sessions: Mutex::new(HashMap::new()),
            last_join: Mutex::new(HashMap::new()),
            last_left: Mutex::new(HashMap::new()),
            recorder,
            draining: AtomicBool::new(false),
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
                        hub.close_room(&room, "worker_died");
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

    /// `wallet` joins `market` from the session behind `outbox`. A session
    /// of the same wallet elsewhere is replaced.
    pub async fn join(
        self: &Arc<Self>,
        wallet: &Address,
        market: &Address,
        outbox: Outbox,
    ) -> Result<(Arc<LiveRoom>, Admission), ApiError> {
        let reserved = self
            .running_room(market)
            .is_some_and(|r| r.has_reservation(wallet));
        if !reserved {
            self.check_join_rate(wallet)?;
        }
        let reconnection = self.sessions.lock().contains_key(wallet)
            || self
                .last_left
                .lock()
                .get(wallet)
                .is_some_and(|t| t.elapsed() < RECONNECT_WINDOW);
        self.replace_session_of(wallet, outbox.session());
        let profile = self.markets.profile(market, wallet).await;
        for _ in 0..3 {
            let room = self.room_for(market).await?;
            if let Some(admission) = room.admit(wallet, profile.clone(), outbox.clone())? {
                room.slot.participants.fetch_add(1, Ordering::Relaxed);
                self.sessions.lock().insert(
                    wallet.clone(),
                    (outbox.session(), outbox.clone(), market.clone()),
                );
                tracing::info!(room = %market, wallet = %wallet, "joined");
                telemetry::user_joined(reconnection);
                self.record_session(wallet, market);
                return Ok((room, admission));
            }
            self.forget_room(market, &room);
        }
        Err(ApiError::new(
            ErrorCode::Capacity,
            "the room is being recreated; try again",
        ))
    }

    /// Forgets join and leave times too old to matter (each heartbeat), so
    /// the per-wallet maps hold only recent wallets, and give memory back
    /// after a burst.
    fn forget_old_times(&self) {
        fn keep_recent(times: &mut HashMap<Address, Instant>, within: Duration) {
            times.retain(|_, t| t.elapsed() < within);
            if times.len() * 4 < times.capacity() {
                times.shrink_to_fit();
            }
        }
        keep_recent(&mut self.last_join.lock(), JOIN_INTERVAL);
        keep_recent(&mut self.last_left.lock(), RECONNECT_WINDOW);
    }

    fn check_join_rate(&self, wallet: &Address) -> Result<(), ApiError> {
        let now = Instant::now();
        let mut last = self.last_join.lock();
        match last.get(wallet) {
            Some(t) if now.duration_since(*t) < JOIN_INTERVAL => Err(ApiError::new(
                ErrorCode::RateLimited,
                "at most one join per second per wallet",
            )),
            _ => {
                last.insert(wallet.clone(), now);
                Ok(())
            }
        }
    }

    /// Ends the other session of `wallet`, if any, with `replaced`.
    fn replace_session_of(self: &Arc<Self>, wallet: &Address, session: SessionId) {
        self.end_session_where(wallet, "replaced", |old, _| old != session);
    }

    /// Ends `wallet`'s session (it leaves its room and is told `reason`) if
    /// `which` accepts the session's id and room.
    fn end_session_where(
        self: &Arc<Self>,
        wallet: &Address,
        reason: &'static str,
        which: impl FnOnce(SessionId, &Address) -> bool,
    ) {
        let current = self.sessions.lock().get(wallet).cloned();
        let Some((session, outbox, market)) = current else {
            return;
        };
        if which(session, &market) {
            self.leave(wallet, &market, session);
            outbox.close(
                event(&ServerEvent::RoomClosed {
                    reason: reason.into(),
                }),
                reason,
            );
        }
    }

    /// Forgets that `wallet` is connected through `session`.
    fn drop_session(&self, wallet: &Address, session: SessionId) {
        let mut sessions = self.sessions.lock();
        if sessions.get(wallet).is_some_and(|(s, _, _)| *s == session) {
            sessions.remove(wallet);
        }
    }

    /// What every departure from `room` ends with: counts, registry, media,
    /// and the room's destruction if it emptied.
    fn settle(
        self: &Arc<Self>,
        room: &Arc<LiveRoom>,
        wallet: &Address,
        media: MemberMedia,
        empty_at_epoch: Option<u64>,
    ) {
        room.slot.participants.fetch_sub(1, Ordering::Relaxed);
        self.forget_session(wallet, &room.id);
        drop(media);
        if let Some(epoch) = empty_at_epoch {
            self.schedule_destroy(room.clone(), epoch);
        }
    }

    async fn room_for(self: &Arc<Self>, market: &Address) -> Result<Arc<LiveRoom>, ApiError> {
        let cell = self.rooms.lock().entry(market.clone()).or_default().clone();
        let room = cell
            .get_or_try_init(|| self.create_room(market))
            .await?
            .clone();
        Ok(room)
    }

    async fn create_room(self: &Arc<Self>, market: &Address) -> Result<Arc<LiveRoom>, ApiError> {
        if self.draining.load(Ordering::Relaxed) {
            return Err(ApiError::new(
                ErrorCode::Capacity,
                "this node is shutting down; join again to be placed elsewhere",
            ));
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
        let target = match self.placement.registry.room_owner(market).await? {
            Some(_) => me.clone(),
            None => self.choose_owner(&me).await?,
        };
        let owner = self
            .placement
            .registry
            .claim_room(market, &target, founder.as_ref())
            .await?;
        if owner.node_id != me.node_id {
            return Err(Placement::wrong_node(&owner));
        }
        let media = async {
            let router = self.pool.create_router(&slot).await?;
            let observers = speaking::Observers::create(&router).await?;
            Ok::<_, crate::media::MediaError>((router, observers))
        };
        let (router, observers) = match media.await {
            Ok(media) => media,
            Err(e) => {
                let _ = self
                    .placement
                    .registry
                    .release_room(market, &me.node_id)
                    .await;
                return Err(e.into());
            }
        };
        slot.rooms.fetch_add(1, Ordering::Relaxed);
        telemetry::room_created();
        let now = Utc::now();
        self.recorder.record(Write::CutShort {
            market: market.clone(),
            at: now,
        });
        self.recorder.record(Write::RoomOpened {
            market: market.clone(),
            worker_id: slot.worker.id().to_string(),
            settings: rules.settings().clone(),
            at: now,
        });
        let room = Arc::new(LiveRoom::new(
            rules,
            router,
            slot,
            self.pool.clone(),
            self.defaults.fanout_listeners_per_router as usize,
            observers,
            self.recorder.clone(),
        ));
        room.observers.listen(Arc::downgrade(&room));
        tracing::info!(room = %market, worker = room.slot.index, "room created");
        Ok(room)
    }

    /// Removes `room` from the map if it is still the one there.
    fn forget_room(&self, market: &Address, room: &Arc<LiveRoom>) {
        let mut rooms = self.rooms.lock();
        let same = rooms
            .get(market)
            .and_then(|cell| cell.get())
            .is_some_and(|r| Arc::ptr_eq(r, room));
        if same {
            rooms.remove(market);
            room.slot.rooms.fetch_sub(1, Ordering::Relaxed);
            let lived = (Utc::now() - room.summary().2).to_std().unwrap_or_default();
            telemetry::room_destroyed(lived);
            let registry = self.placement.registry.clone();
            let (market, node) = (market.clone(), self.placement.me.node_id.clone());
            self.runtime.spawn(async move {
                if let Err(e) = registry.release_room(&market, &node).await {
                    tracing::warn!(room = %market, error = %e, "cannot release the room in the registry");
                }
            });
        }
    }

    /// `wallet`'s session `session` leaves `market`'s room. Its media closes;
    /// an emptied room is destroyed after its grace period.
    pub fn leave(self: &Arc<Self>, wallet: &Address, market: &Address, session: SessionId) {
        self.drop_session(wallet, session);
        let Some(room) = self.running_room(market) else {
            return;
        };
        let Some((_, departure)) = room.remove(wallet, Some(session)) else {
            return;
        };
        tracing::info!(room = %market, wallet = %wallet, "left");
        self.settle(&room, wallet, departure.media, departure.empty_at_epoch);
    }

    /// `POST /api/voice/join`: holds a place in `market`'s room for
    /// `wallet`'s socket (creating the room if needed) and previews the join.
    pub async fn reserve(
        self: &Arc<Self>,
        wallet: &Address,
        market: &Address,
    ) -> Result<(Arc<LiveRoom>, Admission), ApiError> {
        self.check_join_rate(wallet)?;
        let profile = self.markets.profile(market, wallet).await;
        let hold = chrono::Duration::seconds(i64::from(self.defaults.reservation_secs));
        for _ in 0..3 {
            let room = self.room_for(market).await?;
            if let Some(admission) = room.reserve(wallet, profile.clone(), hold)? {
                self.schedule_destroy(room.clone(), room.epoch());
                return Ok((room, admission));
            }
            self.forget_room(market, &room);
        }
        Err(ApiError::new(
            ErrorCode::Capacity,
            "the room is being recreated; try again",
        ))
    }

    /// `POST /api/voice/leave`: `wallet` leaves `market`'s room from any
    /// session; that session is told (`voice:room_closed`, reason `left`).
    pub fn leave_any(self: &Arc<Self>, wallet: &Address, market: &Address) -> Result<(), ApiError> {
        let room = self
            .running_room(market)
            .ok_or_else(|| ApiError::new(ErrorCode::NotInRoom, "not in this room"))?;
        let (_, departure) = room
            .remove(wallet, None)
            .ok_or_else(|| ApiError::new(ErrorCode::NotInRoom, "not in this room"))?;
        self.finish_departure(&room, wallet, departure, "left", None);
        Ok(())
    }

    /// A founder's moderation of `market`'s room (socket or REST).
    pub async fn moderate(
        self: &Arc<Self>,
        market: &Address,
        actor: &Address,
        action: crate::protocol::ModerationAction,
        target: Option<&Address>,
    ) -> Result<(), ApiError> {
        let Some(room) = self.running_room(market) else {
            return self.moderate_remotely(market, actor, action, target).await;
        };
        if room.founder().as_ref() != Some(actor) {
            return Err(ApiError::forbidden(
                "only the market's founder may moderate",
            ));
        }
        if let Outcome::Kicked {
            wallet,
            departure,
            frame,
        } = room.moderate(actor, action, target).await?
        {
            tracing::info!(room = %market, wallet = %wallet, "kicked");
            self.finish_departure(&room, &wallet, *departure, "kicked", Some(frame));
        }
        Ok(())
    }

    /// Closes a departed member's session and media, and schedules the
    /// room's destruction if it emptied.
    fn finish_departure(
        self: &Arc<Self>,
        room: &Arc<LiveRoom>,
        wallet: &Address,
        departure: Departure,
        reason: &'static str,
        frame: Option<String>,
    ) {
        self.drop_session(wallet, departure.outbox.session());
        let frame = frame.unwrap_or_else(|| {
            event(&ServerEvent::RoomClosed {
                reason: reason.into(),
            })
        });
        departure.outbox.close(frame, reason);
        self.settle(room, wallet, departure.media, departure.empty_at_epoch);
    }

    fn schedule_destroy(self: &Arc<Self>, room: Arc<LiveRoom>, epoch: u64) {
        let (auto_destroy, minutes) = room.destroy_policy();
        if !auto_destroy {
            return;
        }
        let hub = Arc::downgrade(self);
        let delay = Duration::from_secs(u64::from(minutes) * 60);
        self.runtime.spawn(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            // Each turn ends the task or waits out the last reservation; a
            // new reservation or join changes the epoch and ends it.
            loop {
                match room.close_if_idle(epoch) {
                    Idle::Closed => {
                        if let Some(hub) = hub.upgrade() {
                            hub.forget_room(&room.id, &room);
                            tracing::info!(room = %room.id, "empty room destroyed");
                        }
                        return;
                    }
                    Idle::InUse => return,
                    Idle::ReservedUntil(until) => {
                        let wait = (until - Utc::now()).to_std().unwrap_or_default();
                        tokio::time::sleep(wait).await;
                    }
                }
            }
        });
    }

    /// Closes `room` now: members get `voice:room_closed` with `reason`.
    pub fn close_room(&self, room: &Arc<LiveRoom>, reason: &'static str) {
        let frame = event(&ServerEvent::RoomClosed {
            reason: reason.into(),
        });
        let members = room.close(&frame, reason);
        room.slot
            .participants
            .fetch_sub(members.len(), Ordering::Relaxed);
        for (wallet, session, _) in &members {
            self.drop_session(wallet, *session);
            self.forget_session(wallet, &room.id);
        }
        self.forget_room(&room.id, room);
        tracing::warn!(room = %room.id, reason, members = members.len(), "room closed");
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
        self.recorder.record(Write::Report(report));
    }

    /// The write path to the store.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// Graceful shutdown: no new rooms, and every running room closes with
    /// `reason` (members are told, their participations are closed).
    pub fn shut_down(&self, reason: &'static str) {
        self.draining.store(true, Ordering::Relaxed);
        for room in self.running_rooms() {
            self.close_room(&room, reason);
        }
    }

    /// The running room of `market`, if any.
    pub fn running_room(&self, market: &Address) -> Option<Arc<LiveRoom>> {
        self.rooms.lock().get(market).and_then(|c| c.get().cloned())
    }

    /// Every running room.
    pub fn running_rooms(&self) -> Vec<Arc<LiveRoom>> {
        self.rooms
            .lock()
            .values()
            .filter_map(|c| c.get().cloned())
            .collect()
    }

    /// Totals over the node (the server's own accounting).
    pub fn totals(&self) -> Totals {
        let rooms = self.running_rooms();
        let mut totals = Totals {
            rooms: rooms.len(),
            sessions: self.sessions.lock().len(),
            ..Default::default()
        };
        for room in rooms {
            let c = room.counts();
            totals.counts.members += c.members;
            totals.counts.transports += c.transports;
            totals.counts.producers += c.producers;
            totals.counts.consumers += c.consumers;
        }
        totals
    }
}
