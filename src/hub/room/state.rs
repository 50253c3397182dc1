//! A running room's state: its rules, members, reservations and media
//! handles. Owned by the room's task alone (`task.rs`) and reached by
//! nothing else: no lock guards it, so every mediasoup object it holds is
//! created and dropped on that task, never under a lock of ours.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use futures_util::future::BoxFuture;
use mediasoup::prelude::*;

use super::audible::{Audible, HOLD};
use super::fanout::{self, Fanout, NewRouter, Pipe};
use super::member_media::MemberMedia;
use super::messages::{Admission, Departed, RoomCounts, RoomSnapshot};
use super::speaking::{Finding, Observers, Watched, INTERVAL};
use crate::address::Address;
use crate::config::MediaConfig;
use crate::hub::errors::MediaOpError;
use crate::hub::outbox::{Outbox, SessionId};
use crate::media::wire;
use crate::media::{WorkerPool, WorkerSlot};
use crate::protocol::{event, Direction, ProducerInfo, ServerEvent};
use crate::rooms::{
    Debate, Participant, ParticipantView, Profile, Room, RoomError, RoomEvent, Standing,
};
use crate::store::{ParticipationRecord, Recorder, Write};

/// What a child future (a slow media call) hands back to the task: the
/// commit, run on the task with the state (re-check, store or drop, reply).
pub(in crate::hub) type Commit = Box<dyn FnOnce(&mut RoomState) + Send>;

/// A slow media call the task polls beside its messages.
pub(in crate::hub) type Child = BoxFuture<'static, Commit>;

/// Counts one unit of a worker's load while alive (a member, a room): the
/// count follows the object instead of increments and decrements at every
/// call site.
pub(super) struct LoadGuard(Arc<AtomicUsize>);

impl LoadGuard {
    /// One more on `counter` until dropped.
    pub(super) fn new(counter: &Arc<AtomicUsize>) -> Self {
        counter.fetch_add(1, Ordering::Relaxed);
        Self(counter.clone())
    }
}

impl Drop for LoadGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// One member of the room.
pub(super) struct Member {
    pub(super) outbox: Outbox,
    pub(super) media: MemberMedia,
    /// The id of this stay's participation record.
    participation: uuid::Uuid,
    /// Its place in its worker's load.
    _load: LoadGuard,
}

/// Where a new receive transport goes.
pub(super) enum Place {
    /// The room's main router.
    Main,
    /// Fan-out router `i`.
    Fanout(usize),
    /// A fan-out router still being made.
    New(NewRouter),
}

/// The room, as its task holds it.
pub(in crate::hub) struct RoomState {
    /// The market address.
    pub(super) id: Address,
    /// The room's router.
    pub(in crate::hub) router: Router,
    /// The worker the router runs on.
    pub(super) slot: WorkerSlot,
    pub(super) pool: Arc<WorkerPool>,
    pub(super) media_config: MediaConfig,
    pub(super) fanout_threshold: usize,
    pub(in crate::hub) observers: Observers,
    pub(super) recorder: Recorder,
    pub(super) rules: Room,
    pub(super) members: HashMap<Address, Member>,
    /// Set when a host ended the room: the task closes it with this reason.
    pub(super) ending: Option<&'static str>,
    /// The current dominant speaker.
    active_speaker: Option<Address>,
    /// When the last audio levels were reported.
    pub(in crate::hub) last_levels: Option<Instant>,
    /// Who is audible now, as members were last told (`voice:speaking`).
    audible: Audible<Address>,
    /// Routers beside the main one, for listeners past the fan-out threshold.
    pub(super) fanouts: Vec<Fanout>,
    /// A fan-out router being made.
    pub(super) new_fanout: Option<NewRouter>,
    /// Producers piped (or being piped) to fan-out routers.
    pub(super) pipes: HashMap<(usize, ProducerId), Pipe>,
    /// Producers to retire (out of the observers, then dropped): the task
    /// turns each into a child future.
    pub(super) retiring: Vec<Watched>,
    /// When to look whether the emptied room should be destroyed.
    pub(super) destroy_at: Option<tokio::time::Instant>,
}

impl RoomState {
    /// A room around `router` with the given rules state.
    pub(super) fn new(
        rules: Room,
        router: Router,
        slot: WorkerSlot,
        pool: Arc<WorkerPool>,
        fanout_threshold: usize,
        observers: Observers,
        recorder: Recorder,
    ) -> Self {
        Self {
            id: rules.id().clone(),
            router,
            slot,
            media_config: pool.config().clone(),
            pool,
            fanout_threshold,
            observers,
            recorder,
            rules,
            members: HashMap::new(),
            ending: None,
            active_speaker: None,
            last_levels: None,
            audible: Audible::new(HOLD),
            fanouts: Vec::new(),
            new_fanout: None,
            pipes: HashMap::new(),
            retiring: Vec::new(),
            destroy_at: None,
        }
    }

    /// The member `wallet`, if it belongs to `session` (any session when
    /// `None`).
    pub(super) fn member(
        &mut self,
        wallet: &Address,
        session: Option<SessionId>,
    ) -> Result<&mut Member, MediaOpError> {
        match self.members.get_mut(wallet) {
            Some(m) if session.is_none_or(|s| s == m.outbox.session()) => Ok(m),
            _ if session.is_some() => Err(MediaOpError::NotJoined),
            _ => Err(MediaOpError::NotInRoom),
        }
    }

    /// Sends each event to every member, the actor included (a kick goes to
    /// the kicked member alone, and is delivered when its session closes;
    /// a reaction may be lost for a client whose queue is filling up).
    pub(super) fn publish(&self, events: &[RoomEvent]) {
        self.recorder.webhooks_of(&self.id, events);
        for e in events {
            match e {
                RoomEvent::Kicked { .. } => {}
                RoomEvent::Reaction { .. } => {
                    let frame = event(&ServerEvent::from(e));
                    for m in self.members.values() {
                        m.outbox.offer(frame.clone());
                    }
                }
                _ => self.broadcast(&event(&ServerEvent::from(e))),
            }
        }
    }

    /// Sends `frame` to every member.
    pub(super) fn broadcast(&self, frame: &str) {
        for m in self.members.values() {
            m.outbox.send(frame.to_string());
        }
    }

    /// Sends `frame` to every member but `wallet`.
    pub(super) fn tell_others(&self, wallet: &Address, frame: &str) {
        for (w, m) in &self.members {
            if w != wallet {
                m.outbox.send(frame.to_string());
            }
        }
    }

    /// Drops every consumer of `producer` (here, on the task) and tells
    /// everyone but its owner.
    pub(super) fn producer_gone(&mut self, owner: &Address, producer: ProducerId) {
        let frame = event(&ServerEvent::ProducerClosed(ProducerInfo {
            producer_id: wire::id(producer),
            wallet_address: owner.clone(),
        }));
        self.pipes.retain(|(_, p), _| *p != producer);
        for m in self.members.values_mut() {
            m.media.consumers.retain(|_, c| c.producer_id() != producer);
        }
        self.tell_others(owner, &frame);
    }

    /// Takes media apart on the task: transports and consumers are dropped
    /// here, the producer is queued for retirement.
    pub(super) fn discard(&mut self, media: MemberMedia) {
        let MemberMedia {
            transports,
            producer,
            consumers,
            consuming: _,
            fanout: _,
        } = media;
        drop(consumers);
        drop(transports);
        self.retiring.extend(producer);
    }

    /// Takes the producers and send transports of `silenced` members away,
    /// telling everyone their audio is gone.
    pub(super) fn silence(&mut self, silenced: &[Address]) {
        for wallet in silenced {
            let Some(m) = self.members.get_mut(wallet) else {
                continue;
            };
            let media = m.media.take_sending();
            if let Some(p) = &media.producer {
                let id = p.id();
                self.producer_gone(wallet, id);
            }
            self.discard(media);
        }
    }

    /// What joining shows `you`, of `standing`: the founder and co-hosts
    /// also see the room's reservations.
    fn admission(&self, you: ParticipantView, standing: &Standing) -> Admission {
        let reservations = if self.rules.is_host_level(&you.wallet_address) {
            self.rules.reservation_views(Utc::now())
        } else {
            Vec::new()
        };
        Admission {
            you,
            participants: self.rules.views(),
            speaker_queue: self.rules.speaker_queue(),
            settings: self.rules.settings().clone(),
            active_speaker: self.active_speaker.clone(),
            host: self.rules.host().cloned(),
            co_hosts: self.rules.co_hosts(),
            reservations,
            rejoins_left: self.rules.rejoins_left(standing),
            debate: self.rules.debate().map(Debate::view),
        }
    }

    /// Admits `wallet`, of `standing`, from the session behind `outbox`.
    pub(super) fn admit(
        &mut self,
        wallet: &Address,
        profile: Profile,
        standing: &Standing,
        outbox: Outbox,
    ) -> Result<Admission, RoomError> {
        let (you, events) = self.rules.join(wallet, profile, standing, Utc::now())?;
        self.destroy_at = None;
        self.publish(&events);
        let participation = uuid::Uuid::new_v4();
        let p = self.rules.get(wallet).expect("just joined");
        self.recorder.record(Write::Joined {
            participation: ParticipationRecord {
                id: participation,
                market_address: self.id.clone(),
                wallet_address: wallet.clone(),
                position: p.profile.position,
                position_size: p.profile.position_size,
                is_founder: p.is_founder,
                joined_at: p.joined_at,
                left_at: None,
                total_speaking_time: 0.0,
                was_kicked: false,
                cut_short: false,
            },
            participants: self.rules.len() as u64,
        });
        self.members.insert(
            wallet.clone(),
            Member {
                outbox,
                media: MemberMedia::default(),
                participation,
                _load: LoadGuard::new(&self.slot.participants),
            },
        );
        Ok(self.admission(you, standing))
    }

    /// Reserves for `wallet`, of `standing` (the rules say whether it holds
    /// a place); returns what the join would show.
    pub(super) fn reserve(
        &mut self,
        wallet: &Address,
        profile: Profile,
        standing: &Standing,
    ) -> Result<Admission, RoomError> {
        let now = Utc::now();
        self.rules.reserve(wallet, standing, now)?;
        if let Some(you) = self.rules.view_of(wallet) {
            return Ok(self.admission(you, standing));
        }
        if self.members.is_empty() {
            self.arm_destroy();
        }
        let mut preview = self.rules.clone();
        let (you, _) = preview.join(wallet, profile, &Standing::default(), now)?;
        Ok(self.admission(you, standing))
    }

    /// Whether `wallet` holds a live reservation.
    pub(super) fn has_reservation(&self, wallet: &Address) -> bool {
        self.rules.reservation(wallet, Utc::now()).is_some()
    }

    /// Removes `wallet` if its member belongs to `session` (any when `None`).
    pub(super) fn remove(
        &mut self,
        wallet: &Address,
        session: Option<SessionId>,
    ) -> Option<(Departed, Outbox)> {
        let member = self.members.get(wallet)?;
        if session.is_some_and(|s| s != member.outbox.session()) {
            return None;
        }
        let (participant, events) = self.rules.leave(wallet).ok()?;
        Some(self.depart(&participant, &events, false))
    }

    /// Takes `participant`'s member out after the rules removed it:
    /// publishes `events`, closes its participation record and its media.
    pub(super) fn depart(
        &mut self,
        participant: &Participant,
        events: &[RoomEvent],
        kicked: bool,
    ) -> (Departed, Outbox) {
        let wallet = &participant.wallet;
        let member = self
            .members
            .remove(wallet)
            .expect("rules and members agree");
        self.record_left(member.participation, participant, kicked);
        if let Some(producer) = &member.media.producer {
            let id = producer.id();
            self.producer_gone(wallet, id);
        }
        self.publish(events);
        if self.members.is_empty() {
            self.arm_destroy();
        }
        let Member { outbox, media, .. } = member;
        self.discard(media);
        let departed = Departed {
            session: outbox.session(),
        };
        (departed, outbox)
    }

    fn record_left(&self, participation: uuid::Uuid, participant: &Participant, kicked: bool) {
        let now = Utc::now();
        crate::telemetry::user_left((now - participant.joined_at).to_std().unwrap_or_default());
        self.recorder.record(Write::Left {
            id: participation,
            market: self.id.clone(),
            joined_at: participant.joined_at,
            left_at: now,
            speaking_secs: participant.speaking_secs,
            was_kicked: kicked,
        });
    }

    /// Closes the room: every member gets `frame` and is disconnected, its
    /// media taken apart. Returns the members' wallets and sessions.
    pub(super) fn close(&mut self, frame: &str, reason: &'static str) -> Vec<(Address, SessionId)> {
        self.rules.forget_reservations();
        self.destroy_at = None;
        let members: Vec<_> = self.members.drain().collect();
        let mut closed = Vec::with_capacity(members.len());
        for (wallet, m) in members {
            if let Ok((participant, events)) = self.rules.leave(&wallet) {
                self.record_left(m.participation, &participant, false);
                // Members hear `voice:room_closed` instead; the site's
                // backend still hears each of them leave.
                self.recorder.webhooks_of(&self.id, &events);
            }
            m.outbox.close(frame.to_string(), reason);
            closed.push((wallet, m.outbox.session()));
            self.discard(m.media);
        }
        closed
    }

    /// Starts (or restarts) the wait before an empty room is destroyed, when
    /// its settings destroy empty rooms.
    fn arm_destroy(&mut self) {
        let s = self.rules.settings();
        if s.auto_destroy {
            let delay = std::time::Duration::from_secs(u64::from(s.destroy_after_minutes) * 60);
            self.destroy_at = Some(tokio::time::Instant::now() + delay);
        }
    }

    /// The wait is over: true when the room should close now (empty, no
    /// place held); otherwise waits out the last reservation, or stops
    /// waiting when someone is in.
    pub(super) fn destroy_due(&mut self) -> bool {
        self.destroy_at = None;
        if !self.members.is_empty() {
            return false;
        }
        let now = Utc::now();
        match self.rules.reservation_expiries(now).last() {
            Some(last) => {
                let wait = (*last - now).to_std().unwrap_or_default();
                self.destroy_at = Some(tokio::time::Instant::now() + wait);
                false
            }
            None => true,
        }
    }

    /// Listeners with a receive transport on router `place` (None: the main one).
    fn listeners_on(&self, place: Option<usize>) -> usize {
        self.members
            .values()
            .filter(|m| m.media.fanout == place && m.media.has_direction(Direction::Recv))
            .count()
    }

    /// Where a new receive transport goes: the main router, a fan-out
    /// router with room, or a new one (made once, shared by all who wait).
    pub(super) fn recv_placement(&mut self) -> Place {
        let limit = self.fanout_threshold;
        if limit == 0 || self.listeners_on(None) < limit {
            return Place::Main;
        }
        if let Some(i) = (0..self.fanouts.len()).find(|i| self.listeners_on(Some(*i)) < limit) {
            return Place::Fanout(i);
        }
        if let Some(pending) = &self.new_fanout {
            return Place::New(pending.clone());
        }
        let mut used = vec![self.slot.worker.id()];
        used.extend(self.fanouts.iter().map(|f| f.slot.worker.id()));
        let Some(slot) = self.pool.pick_except(&used) else {
            return Place::Main;
        };
        let pending = fanout::new_router(self.pool.clone(), slot);
        self.new_fanout = Some(pending.clone());
        Place::New(pending)
    }

    /// Adds a fan-out router made by [`Self::recv_placement`] (once) and
    /// returns its index.
    pub(super) fn register_fanout(&mut self, router: &Router, slot: &WorkerSlot) -> usize {
        self.new_fanout = None;
        if let Some(i) = self
            .fanouts
            .iter()
            .position(|f| f.router.id() == router.id())
        {
            return i;
        }
        tracing::info!(room = %self.id, worker = slot.index, "fan-out router added");
        self.fanouts.push(Fanout {
            router: router.clone(),
            slot: slot.clone(),
        });
        self.fanouts.len() - 1
    }

    /// The router and worker of placement `place`.
    pub(super) fn placed(&self, place: Option<usize>) -> (Router, WorkerSlot) {
        match place.and_then(|i| self.fanouts.get(i)) {
            Some(f) => (f.router.clone(), f.slot.clone()),
            None => (self.router.clone(), self.slot.clone()),
        }
    }

    /// The pipe of `producer` to placement `place` (started once).
    pub(super) fn pipe(&mut self, place: Option<usize>, producer: ProducerId) -> Option<Pipe> {
        let index = place?;
        let target = self.fanouts.get(index)?.router.clone();
        let main = self.router.clone();
        Some(
            self.pipes
                .entry((index, producer))
                .or_insert_with(|| fanout::pipe(main, target, producer))
                .clone(),
        )
    }

    /// Who owns `producer`.
    fn owner_of(&self, producer: ProducerId) -> Option<Address> {
        self.members
            .iter()
            .find(|(_, m)| {
                m.media
                    .producer
                    .as_ref()
                    .is_some_and(|p| p.id() == producer)
            })
            .map(|(w, _)| w.clone())
    }

    /// Brings an observer's finding into the room: speaking time, then
    /// events to the members when who is audible or dominant changed.
    pub(super) fn apply_finding(&mut self, finding: Finding) {
        match finding {
            Finding::Heard { at, producers } => {
                let heard = self
                    .last_levels
                    .replace(at)
                    .map_or(INTERVAL, |last| at.duration_since(last).min(2 * INTERVAL))
                    .as_secs_f64();
                let mut audible = Vec::new();
                for producer in producers {
                    if let Some(wallet) = self.owner_of(producer) {
                        self.rules.add_speaking_time(&wallet, heard);
                        audible.push(wallet);
                    }
                }
                if self.audible.report(at, audible) {
                    self.announce_audible();
                }
            }
            Finding::Silence => self.last_levels = None,
            Finding::Dominant(producer) => {
                let Some(wallet) = self.owner_of(producer) else {
                    return;
                };
                if self.active_speaker.as_ref() == Some(&wallet) {
                    return;
                }
                self.active_speaker = Some(wallet.clone());
                self.broadcast(&event(&ServerEvent::ActiveSpeaker {
                    wallet_address: wallet,
                }));
            }
        }
    }

    /// Time passed: the quiet leave the audible set (silence sends no
    /// report). Returns when to look again.
    pub(super) fn expire_audible(&mut self, now: Instant) -> Option<Instant> {
        if self.audible.expire(now) {
            self.announce_audible();
        }
        self.audible.next_expiry()
    }

    /// Tells every member who is audible now.
    fn announce_audible(&self) {
        let wallet_addresses = self.audible.members();
        self.broadcast(&event(&ServerEvent::Speaking { wallet_addresses }));
    }

    /// What the room holds now.
    pub(super) fn snapshot(&self) -> RoomSnapshot {
        let mut counts = RoomCounts {
            members: self.members.len(),
            ..Default::default()
        };
        for m in self.members.values() {
            counts.transports += m.media.transports.len();
            counts.producers += usize::from(m.media.producer.is_some());
            counts.consumers += m.media.consumers.len();
        }
        let reservations = self.rules.reservation_expiries(Utc::now());
        RoomSnapshot {
            counts,
            participants: self.rules.len(),
            speakers: self.rules.speaker_count(),
            created_at: self.rules.created_at(),
            reservations,
        }
    }

    /// The room's routers: the main one and its fan-out routers.
    pub(super) fn routers(&self) -> Vec<Router> {
        let mut routers = vec![self.router.clone()];
        routers.extend(self.fanouts.iter().map(|f| f.router.clone()));
        routers
    }
}
