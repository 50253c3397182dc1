//! A room that is running: its rules state, its router and each member's
//! media objects. Members' transports, producers and consumers are owned
//! here, so removing a member closes all of them at once.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use mediasoup::prelude::*;
use parking_lot::{Mutex, MutexGuard};

use super::member_media::MemberMedia;
use super::outbox::{Outbox, SessionId};
use crate::address::Address;
use crate::config::MediaConfig;
use crate::error::{ApiError, ErrorCode};
use crate::media::{WorkerPool, WorkerSlot};
use crate::protocol::{event, ProducerInfo, ServerEvent};
use crate::rooms::{Participant, ParticipantView, Profile, Room, RoomEvent, RoomSettings};
use crate::store::{ParticipationRecord, Recorder, Write};

pub(super) struct Member {
    pub(super) outbox: Outbox,
    pub(super) media: MemberMedia,
    /// The id of this stay's participation record.
    pub(super) participation: uuid::Uuid,
}

pub(super) struct Inner {
    pub(super) rules: Room,
    pub(super) members: HashMap<Address, Member>,
    pub(super) reservations: HashMap<Address, DateTime<Utc>>,
    pub(super) closed: bool,
    pub(super) epoch: u64,
    /// The current dominant speaker.
    pub(super) active_speaker: Option<Address>,
    /// When the last audio levels were reported.
    pub(super) last_levels: Option<std::time::Instant>,
    /// Who is audible now, as members were last told (`voice:speaking`).
    pub(super) audible: super::audible::Audible<Address>,
    /// Routers beside the main one, for listeners past the fan-out threshold.
    pub(super) fanouts: Vec<super::fanout::Fanout>,
    /// Producers piped to fan-out routers, as (fan-out index, producer).
    pub(super) piped: HashSet<(usize, ProducerId)>,
}

impl Inner {
    pub(super) fn member(&mut self, wallet: &Address) -> Result<&mut Member, ApiError> {
        self.members
            .get_mut(wallet)
            .ok_or_else(|| ApiError::new(ErrorCode::NotInRoom, "not in this room"))
    }

    /// Sends each event to every member, `_actor` (who acted) included, so
    /// clients apply only the server's events and hold no copy of the rules
    /// (docs/protocol.md, "Server events"). A kick goes to the kicked member
    /// alone, and is delivered by whoever closes its session.
    pub(super) fn publish(&self, _actor: Option<&Address>, events: &[RoomEvent]) {
        for e in events {
            if matches!(e, RoomEvent::Kicked { .. }) {
                continue;
            }
            let frame = event(&ServerEvent::from(e));
            for m in self.members.values() {
                m.outbox.send(frame.clone());
            }
        }
    }

    /// Drops every consumer of `producer` and tells everyone but its owner.
    pub(super) fn producer_gone(&mut self, owner: &Address, producer: ProducerId) {
        let frame = event(&ServerEvent::ProducerClosed(ProducerInfo {
            producer_id: crate::media::wire::id(producer),
            wallet_address: owner.clone(),
        }));
        self.piped.retain(|(_, p)| *p != producer);
        for (wallet, m) in self.members.iter_mut() {
            m.media.consumers.retain(|_, c| c.producer_id() != producer);
            if wallet != owner {
                m.outbox.send(frame.clone());
            }
        }
    }

    /// Places held by reservations of others than `wallet`, dropping stale ones.
    fn reserved_by_others(&mut self, wallet: &Address, now: DateTime<Utc>) -> usize {
        self.reservations.retain(|_, until| *until > now);
        self.reservations.keys().filter(|w| *w != wallet).count()
    }
}

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

/// What leaving took out of the room, dropped outside the lock.
pub struct Departure {
    /// The member's media, closed when dropped.
    pub media: MemberMedia,
    /// Its session's outbox.
    pub outbox: Outbox,
    /// The room's epoch after the departure, when it left no member (places
    /// may still be reserved).
    pub empty_at_epoch: Option<u64>,
}

/// What [`LiveRoom::close_if_idle`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idle {
    /// The room was empty and is closed now.
    Closed,
    /// Someone joined, reserved or closed it since: nothing to do.
    InUse,
    /// Only reservations hold it, the last one until then: look again then.
    ReservedUntil(DateTime<Utc>),
}

/// What a member gets back from joining (or reserving).
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
}

/// A running room.
pub struct LiveRoom {
    /// The market address.
    pub id: Address,
    /// The room's router.
    pub router: Router,
    /// The worker the router runs on.
    pub slot: WorkerSlot,
    pub(super) media_config: MediaConfig,
    pub(super) pool: Arc<WorkerPool>,
    pub(super) fanout_threshold: usize,
    pub(super) fanout_lock: tokio::sync::Mutex<()>,
    pub(super) observers: super::speaking::Observers,
    pub(super) recorder: Recorder,
    inner: Mutex<Inner>,
}

impl LiveRoom {
    /// A room around `router` with the given rules state.
    pub(super) fn new(
        rules: Room,
        router: Router,
        slot: WorkerSlot,
        pool: Arc<WorkerPool>,
        fanout_threshold: usize,
        observers: super::speaking::Observers,
        recorder: Recorder,
    ) -> Self {
        Self {
            id: rules.id().clone(),
            router,
            slot,
            media_config: pool.config().clone(),
            pool,
            fanout_threshold,
            fanout_lock: tokio::sync::Mutex::new(()),
            observers,
            recorder,
            inner: Mutex::new(Inner {
                rules,
                members: HashMap::new(),
                reservations: HashMap::new(),
                closed: false,
                epoch: 0,
                active_speaker: None,
                last_levels: None,
                audible: super::audible::Audible::new(super::audible::HOLD),
                fanouts: Vec::new(),
                piped: HashSet::new(),
            }),
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock()
    }

    /// Admits `wallet`; `Ok(None)` when the room closed meanwhile (retry).
    pub fn admit(
        &self,
        wallet: &Address,
        profile: Profile,
        outbox: Outbox,
    ) -> Result<Option<Admission>, ApiError> {
        let now = Utc::now();
        let mut inner = self.lock();
        if inner.closed {
            return Ok(None);
        }
        let reserved = inner.reserved_by_others(wallet, now);
        let (you, events) = inner.rules.join(wallet, profile, reserved, now)?;
        inner.reservations.remove(wallet);
        inner.epoch += 1;
        inner.publish(Some(wallet), &events);
        let participation = uuid::Uuid::new_v4();
        let p = inner.rules.get(wallet).expect("just joined");
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
            participants: inner.rules.len() as u64,
        });
        inner.members.insert(
            wallet.clone(),
            Member {
                outbox,
                media: MemberMedia::default(),
                participation,
            },
        );
        Ok(Some(Self::admission(&inner, you)))
    }

    /// Holds a place for `wallet` for `hold`, for its socket's `voice:join`;
    /// returns what the join would show. `Ok(None)`: the room closed.
    pub fn reserve(
        &self,
        wallet: &Address,
        profile: Profile,
        hold: Duration,
    ) -> Result<Option<Admission>, ApiError> {
        let now = Utc::now();
        let mut inner = self.lock();
        if inner.closed {
            return Ok(None);
        }
        if inner.members.contains_key(wallet) {
            inner.reservations.insert(wallet.clone(), now + hold);
            let you = inner.rules.view_of(wallet).expect("member has a view");
            return Ok(Some(Self::admission(&inner, you)));
        }
        let reserved = inner.reserved_by_others(wallet, now);
        inner.rules.check_admission(wallet, reserved, now)?;
        inner.reservations.insert(wallet.clone(), now + hold);
        inner.epoch += 1;
        let mut preview = inner.rules.clone();
        let (you, _) = preview
            .join(wallet, profile, 0, now)
            .map_err(ApiError::from)?;
        Ok(Some(Self::admission(&inner, you)))
    }

    fn admission(inner: &Inner, you: ParticipantView) -> Admission {
        Admission {
            you,
            participants: inner.rules.views(),
            speaker_queue: inner.rules.speaker_queue(),
            settings: inner.rules.settings().clone(),
            active_speaker: inner.active_speaker.clone(),
        }
    }

    /// Removes `wallet` if its member belongs to `session` (any session when
    /// `None`): others get `voice:producer_closed` for its producer, then
    /// `voice:user_left`.
    pub fn remove(
        &self,
        wallet: &Address,
        session: Option<SessionId>,
    ) -> Option<(Participant, Departure)> {
        let mut inner = self.lock();
        let member = inner.members.get(wallet)?;
        if session.is_some_and(|s| s != member.outbox.session()) {
            return None;
        }
        let (participant, events) = inner.rules.leave(wallet).ok()?;
        let departure = self.depart(&mut inner, &participant, &events, false);
        Some((participant, departure))
    }

    /// Takes `participant`'s member out after the rules removed it,
    /// publishing `events` and closing its participation record.
    pub(super) fn depart(
        &self,
        inner: &mut Inner,
        participant: &Participant,
        events: &[RoomEvent],
        kicked: bool,
    ) -> Departure {
        let wallet = &participant.wallet;
        let member = inner
            .members
            .remove(wallet)
            .expect("rules and members agree");
        self.record_left(&member, participant, kicked);
        if let Some(producer) = &member.media.producer {
            inner.producer_gone(wallet, producer.id());
        }
        inner.publish(Some(wallet), events);
        let empty_at_epoch = inner.members.is_empty().then_some(inner.epoch);
        Departure {
            media: member.media,
            outbox: member.outbox,
            empty_at_epoch,
        }
    }

    fn record_left(&self, member: &Member, participant: &Participant, kicked: bool) {
        let now = Utc::now();
        crate::telemetry::user_left((now - participant.joined_at).to_std().unwrap_or_default());
        self.recorder.record(Write::Left {
            id: member.participation,
            market: self.id.clone(),
            joined_at: participant.joined_at,
            left_at: now,
            speaking_secs: participant.speaking_secs,
            was_kicked: kicked,
        });
    }

    /// Closes the room: every member gets `frame` and is disconnected.
    /// Returns the members' wallets, sessions and media (closed when dropped).
    pub fn close(
        &self,
        frame: &str,
        reason: &'static str,
    ) -> Vec<(Address, SessionId, MemberMedia)> {
        let mut inner = self.lock();
        inner.closed = true;
        inner.reservations.clear();
        let members: Vec<_> = inner.members.drain().collect();
        members
            .into_iter()
            .map(|(wallet, m)| {
                if let Ok((participant, _)) = inner.rules.leave(&wallet) {
                    self.record_left(&m, &participant, false);
                }
                m.outbox.close(frame.to_string(), reason);
                (wallet, m.outbox.session(), m.media)
            })
            .collect()
    }

    /// Marks the room closed if it is still empty at `epoch` and no place
    /// in it is reserved any more.
    pub fn close_if_idle(&self, epoch: u64) -> Idle {
        let mut inner = self.lock();
        let now = Utc::now();
        inner.reservations.retain(|_, until| *until > now);
        if inner.closed || !inner.members.is_empty() || inner.epoch != epoch {
            return Idle::InUse;
        }
        if let Some(last) = inner.reservations.values().max() {
            return Idle::ReservedUntil(*last);
        }
        inner.closed = true;
        Idle::Closed
    }

    /// Whether `wallet` holds a live reservation.
    pub fn has_reservation(&self, wallet: &Address) -> bool {
        let now = Utc::now();
        self.lock()
            .reservations
            .get(wallet)
            .is_some_and(|until| *until > now)
    }

    /// The current epoch (bumped by every join and reservation).
    pub fn epoch(&self) -> u64 {
        self.lock().epoch
    }

    /// Whether the room has been closed.
    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }

    /// Whether the member `wallet` still belongs to `session`.
    pub fn has_member(&self, wallet: &Address, session: SessionId) -> bool {
        self.lock()
            .members
            .get(wallet)
            .is_some_and(|m| m.outbox.session() == session)
    }

    /// Participant and speaker counts and creation time.
    pub fn summary(&self) -> (usize, usize, DateTime<Utc>) {
        let inner = self.lock();
        (
            inner.rules.len(),
            inner.rules.speaker_count(),
            inner.rules.created_at(),
        )
    }

    /// Whether empty rooms are destroyed, and after how long.
    pub fn destroy_policy(&self) -> (bool, u32) {
        let inner = self.lock();
        let s = inner.rules.settings();
        (s.auto_destroy, s.destroy_after_minutes)
    }

    /// The founder's wallet, if the market has one.
    pub fn founder(&self) -> Option<Address> {
        self.lock().rules.founder().cloned()
    }

    /// Whether `wallet` is in the room.
    pub fn is_participant(&self, wallet: &Address) -> bool {
        self.lock().rules.get(wallet).is_some()
    }

    /// The raise-hand queue.
    pub fn speaker_queue(&self) -> Vec<Address> {
        self.lock().rules.speaker_queue()
    }

    /// Current participants.
    pub fn participants(&self) -> Vec<ParticipantView> {
        self.lock().rules.views()
    }

    /// The room's producers and consumers (handles, for sampling stats).
    pub fn streams(&self) -> (Vec<Producer>, Vec<Consumer>) {
        let inner = self.lock();
        let producers = inner
            .members
            .values()
            .filter_map(|m| m.media.producer.as_deref().cloned())
            .collect();
        let consumers = inner
            .members
            .values()
            .flat_map(|m| m.media.consumers.values().cloned())
            .collect();
        (producers, consumers)
    }

    /// What the room holds.
    pub fn counts(&self) -> RoomCounts {
        let inner = self.lock();
        let mut counts = RoomCounts {
            members: inner.members.len(),
            ..Default::default()
        };
        for m in inner.members.values() {
            counts.transports += m.media.transports.len();
            counts.producers += usize::from(m.media.producer.is_some());
            counts.consumers += m.media.consumers.len();
        }
        counts
    }

    /// Runs `f` on the state if `wallet` is a member.
    pub(super) fn with_member<T>(
        &self,
        wallet: &Address,
        f: impl FnOnce(&mut Inner) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut inner = self.lock();
        if !inner.members.contains_key(wallet) {
            return Err(ApiError::new(ErrorCode::NotInRoom, "not in this room"));
        }
        f(&mut inner)
    }
}
