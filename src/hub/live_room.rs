//! A room that is running: its rules state, its router and each member's
//! media objects. Members' transports, producers and consumers are owned
//! here, so removing a member closes all of them at once.

use std::collections::HashMap;

use chrono::Utc;
use mediasoup::prelude::*;
use parking_lot::Mutex;
use serde_json::{json, Value};

use super::outbox::{Outbox, SessionId};
use crate::address::Address;
use crate::config::MediaConfig;
use crate::error::{ApiError, ErrorCode};
use crate::media::{self, MediaError, WorkerSlot};
use crate::protocol::{event, Direction};
use crate::rooms::{Participant, ParticipantView, Profile, Room};

/// One member's media objects.
#[derive(Default)]
pub struct MemberMedia {
    transports: HashMap<String, (Direction, WebRtcTransport)>,
    producer: Option<Producer>,
    consumers: HashMap<String, Consumer>,
}

impl MemberMedia {
    fn transport(&self, id: &str, direction: Direction) -> Result<WebRtcTransport, ApiError> {
        match self.transports.get(id) {
            Some((d, t)) if *d == direction => Ok(t.clone()),
            Some(_) => Err(ApiError::bad_request(format!(
                "transport {id} is not a {} transport",
                if direction == Direction::Send {
                    "send"
                } else {
                    "recv"
                }
            ))),
            None => Err(ApiError::not_found(format!("no transport {id}"))),
        }
    }
}

struct Member {
    outbox: Outbox,
    media: MemberMedia,
}

struct Inner {
    rules: Room,
    members: HashMap<Address, Member>,
    closed: bool,
    epoch: u64,
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
    /// The room's epoch after the departure, when it left the room empty.
    pub empty_at_epoch: Option<u64>,
}

/// A running room.
pub struct LiveRoom {
    /// The market address.
    pub id: Address,
    /// The room's router.
    pub router: Router,
    /// The worker the router runs on.
    pub slot: WorkerSlot,
    media_config: MediaConfig,
    inner: Mutex<Inner>,
}

/// What a member gets back from joining.
pub struct Admission {
    /// Its own view.
    pub you: ParticipantView,
    /// Everyone, itself included.
    pub participants: Vec<ParticipantView>,
    /// The raise-hand queue.
    pub speaker_queue: Vec<Address>,
    /// Room settings.
    pub settings: crate::rooms::RoomSettings,
}

impl LiveRoom {
    /// A room around `router` with the given rules state.
    pub fn new(rules: Room, router: Router, slot: WorkerSlot, media_config: MediaConfig) -> Self {
        Self {
            id: rules.id().clone(),
            router,
            slot,
            media_config,
            inner: Mutex::new(Inner {
                rules,
                members: HashMap::new(),
                closed: false,
                epoch: 0,
            }),
        }
    }

    /// Admits `wallet`; `Ok(None)` when the room closed meanwhile (retry).
    pub fn admit(
        &self,
        wallet: &Address,
        profile: Profile,
        outbox: Outbox,
    ) -> Result<Option<Admission>, ApiError> {
        let mut inner = self.inner.lock();
        if inner.closed {
            return Ok(None);
        }
        let you = inner.rules.join(wallet, profile, Utc::now())?;
        inner.epoch += 1;
        let frame = event("voice:user_joined", json!({ "user": you }));
        for member in inner.members.values() {
            member.outbox.send(frame.clone());
        }
        inner.members.insert(
            wallet.clone(),
            Member {
                outbox,
                media: MemberMedia::default(),
            },
        );
        Ok(Some(Admission {
            you,
            participants: inner.rules.views(),
            speaker_queue: inner.rules.speaker_queue(),
            settings: inner.rules.settings().clone(),
        }))
    }

    /// Removes `wallet` if its member belongs to `session` (any session when
    /// `None`), telling the others: `voice:producer_closed` for its producer,
    /// then `voice:user_left`.
    pub fn remove(
        &self,
        wallet: &Address,
        session: Option<SessionId>,
    ) -> Option<(Participant, Departure)> {
        let mut inner = self.inner.lock();
        let member = inner.members.get(wallet)?;
        if session.is_some_and(|s| s != member.outbox.session()) {
            return None;
        }
        let member = inner.members.remove(wallet)?;
        let participant = inner.rules.leave(wallet).ok()?;
        if let Some(producer) = &member.media.producer {
            Self::producer_gone(&mut inner, wallet, producer.id());
        }
        let frame = event("voice:user_left", json!({ "walletAddress": wallet }));
        for m in inner.members.values() {
            m.outbox.send(frame.clone());
        }
        let empty_at_epoch = inner.members.is_empty().then_some(inner.epoch);
        Some((
            participant,
            Departure {
                media: member.media,
                empty_at_epoch,
            },
        ))
    }

    /// Drops every consumer of `producer` and tells the others it closed.
    fn producer_gone(inner: &mut Inner, owner: &Address, producer: ProducerId) {
        let frame = event(
            "voice:producer_closed",
            json!({ "producerId": producer.to_string(), "walletAddress": owner }),
        );
        for (wallet, m) in inner.members.iter_mut() {
            m.media.consumers.retain(|_, c| c.producer_id() != producer);
            if wallet != owner {
                m.outbox.send(frame.clone());
            }
        }
    }

    /// Closes the room: every member gets `frame` and is disconnected.
    /// Returns the members' media (closed when dropped) and wallets.
    pub fn close(
        &self,
        frame: &str,
        reason: &'static str,
    ) -> Vec<(Address, SessionId, MemberMedia)> {
        let mut inner = self.inner.lock();
        inner.closed = true;
        let members: Vec<_> = inner.members.drain().collect();
        members
            .into_iter()
            .map(|(wallet, m)| {
                let _ = inner.rules.leave(&wallet);
                m.outbox.close(frame.to_string(), reason);
                (wallet, m.outbox.session(), m.media)
            })
            .collect()
    }

    /// Marks the room closed if it is still empty at `epoch`.
    pub fn close_if_idle(&self, epoch: u64) -> bool {
        let mut inner = self.inner.lock();
        if inner.closed || !inner.members.is_empty() || inner.epoch != epoch {
            return false;
        }
        inner.closed = true;
        true
    }

    /// Whether the room has been closed.
    pub fn is_closed(&self) -> bool {
        self.inner.lock().closed
    }

    /// Whether the member `wallet` still belongs to `session`.
    pub fn has_member(&self, wallet: &Address, session: SessionId) -> bool {
        self.inner
            .lock()
            .members
            .get(wallet)
            .is_some_and(|m| m.outbox.session() == session)
    }

    /// Participant and speaker counts and creation time.
    pub fn summary(&self) -> (usize, usize, chrono::DateTime<Utc>) {
        let inner = self.inner.lock();
        (
            inner.rules.len(),
            inner.rules.speaker_count(),
            inner.rules.created_at(),
        )
    }

    /// Whether empty rooms are destroyed, and after how long.
    pub fn destroy_policy(&self) -> (bool, u32) {
        let inner = self.inner.lock();
        let s = inner.rules.settings();
        (s.auto_destroy, s.destroy_after_minutes)
    }

    /// Current participants.
    pub fn participants(&self) -> Vec<ParticipantView> {
        self.inner.lock().rules.views()
    }

    /// What the room holds.
    pub fn counts(&self) -> RoomCounts {
        let inner = self.inner.lock();
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

    fn with_member<T>(
        &self,
        wallet: &Address,
        f: impl FnOnce(&mut Inner) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut inner = self.inner.lock();
        if !inner.members.contains_key(wallet) {
            return Err(ApiError::new(ErrorCode::NotInRoom, "not in this room"));
        }
        f(&mut inner)
    }

    fn member<'a>(inner: &'a mut Inner, wallet: &Address) -> Result<&'a mut Member, ApiError> {
        inner
            .members
            .get_mut(wallet)
            .ok_or_else(|| ApiError::new(ErrorCode::NotInRoom, "not in this room"))
    }

    /// `createTransport`.
    pub async fn create_transport(
        &self,
        wallet: &Address,
        direction: Direction,
    ) -> Result<Value, ApiError> {
        self.with_member(wallet, |inner| {
            if direction == Direction::Send {
                inner.rules.may_produce(wallet)?;
            }
            let m = Self::member(inner, wallet)?;
            if m.media.transports.values().any(|(d, _)| *d == direction) {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    "a transport of this direction exists",
                ));
            }
            Ok(())
        })?;
        let transport =
            media::create_webrtc_transport(&self.router, &self.slot, &self.media_config).await?;
        let reply = media::transport_json(&transport);
        self.with_member(wallet, |inner| {
            let m = Self::member(inner, wallet)?;
            if m.media.transports.values().any(|(d, _)| *d == direction) {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    "a transport of this direction exists",
                ));
            }
            m.media
                .transports
                .insert(transport.id().to_string(), (direction, transport));
            Ok(reply)
        })
    }

    fn any_transport(&self, wallet: &Address, id: &str) -> Result<WebRtcTransport, ApiError> {
        self.with_member(wallet, |inner| {
            let m = Self::member(inner, wallet)?;
            m.media
                .transports
                .get(id)
                .map(|(_, t)| t.clone())
                .ok_or_else(|| ApiError::not_found(format!("no transport {id}")))
        })
    }

    /// `connectTransport`.
    pub async fn connect_transport(
        &self,
        wallet: &Address,
        id: &str,
        dtls: DtlsParameters,
    ) -> Result<(), ApiError> {
        let transport = self.any_transport(wallet, id)?;
        transport
            .connect(WebRtcTransportRemoteParameters {
                dtls_parameters: dtls,
            })
            .await
            .map_err(|e| MediaError::BadDtlsParameters(e.to_string()).into())
    }

    /// `restartIce`.
    pub async fn restart_ice(&self, wallet: &Address, id: &str) -> Result<Value, ApiError> {
        let transport = self.any_transport(wallet, id)?;
        let ice = transport
            .restart_ice()
            .await
            .map_err(|e| ApiError::from(MediaError::Worker(e.to_string())))?;
        Ok(json!({ "iceParameters": ice }))
    }

    /// `produce`: the member's one audio producer, paused while it is muted.
    pub async fn produce(
        &self,
        wallet: &Address,
        transport_id: &str,
        rtp: RtpParameters,
    ) -> Result<Value, ApiError> {
        let (transport, muted) = self.with_member(wallet, |inner| {
            inner.rules.may_produce(wallet)?;
            let muted = inner.rules.is_muted(wallet)?;
            let m = Self::member(inner, wallet)?;
            if m.media.producer.is_some() {
                return Err(ApiError::new(ErrorCode::Conflict, "already producing"));
            }
            Ok((m.media.transport(transport_id, Direction::Send)?, muted))
        })?;
        let mut options = ProducerOptions::new(MediaKind::Audio, rtp);
        options.paused = muted;
        let producer = transport.produce(options).await.map_err(MediaError::from)?;
        let id = producer.id();
        self.with_member(wallet, |inner| {
            inner.rules.may_produce(wallet)?;
            let m = Self::member(inner, wallet)?;
            if m.media.producer.is_some() {
                return Err(ApiError::new(ErrorCode::Conflict, "already producing"));
            }
            m.media.producer = Some(producer);
            let frame = event(
                "voice:new_producer",
                json!({ "producerId": id.to_string(), "walletAddress": wallet }),
            );
            for (w, other) in inner.members.iter() {
                if w != wallet {
                    other.outbox.send(frame.clone());
                }
            }
            Ok(json!({ "id": id.to_string() }))
        })
    }

    /// `closeProducer`.
    pub fn close_producer(
        &self,
        wallet: &Address,
        producer_id: &str,
    ) -> Result<Option<Producer>, ApiError> {
        self.with_member(wallet, |inner| {
            let m = Self::member(inner, wallet)?;
            match &m.media.producer {
                Some(p) if p.id().to_string() == producer_id => {}
                _ => {
                    return Err(ApiError::not_found(format!(
                        "no producer {producer_id} of yours"
                    )))
                }
            }
            let producer = m.media.producer.take();
            if let Some(p) = &producer {
                Self::producer_gone(inner, wallet, p.id());
            }
            Ok(producer)
        })
    }

    /// `consume`: a paused consumer of another member's producer.
    pub async fn consume(
        &self,
        wallet: &Address,
        transport_id: &str,
        producer_id: &str,
        caps: RtpCapabilities,
    ) -> Result<Value, ApiError> {
        let (transport, producer) = self.with_member(wallet, |inner| {
            let producer = inner
                .members
                .iter()
                .filter(|(w, _)| *w != wallet)
                .find_map(|(_, m)| {
                    m.media
                        .producer
                        .as_ref()
                        .filter(|p| p.id().to_string() == producer_id)
                })
                .map(|p| p.id())
                .ok_or_else(|| {
                    ApiError::not_found(format!("no producer {producer_id} in this room"))
                })?;
            let m = Self::member(inner, wallet)?;
            Ok((m.media.transport(transport_id, Direction::Recv)?, producer))
        })?;
        if !self.router.can_consume(&producer, &caps) {
            return Err(MediaError::CannotConsume(
                "rtpCapabilities cannot receive this producer".into(),
            )
            .into());
        }
        let mut options = ConsumerOptions::new(producer, caps);
        options.paused = true;
        let consumer = transport.consume(options).await.map_err(MediaError::from)?;
        let reply = json!({
            "id": consumer.id().to_string(),
            "producerId": producer.to_string(),
            "kind": consumer.kind(),
            "rtpParameters": consumer.rtp_parameters(),
            "type": consumer.r#type(),
            "producerPaused": consumer.producer_paused(),
        });
        self.with_member(wallet, |inner| {
            if consumer.closed() {
                return Err(ApiError::not_found("the producer closed"));
            }
            let m = Self::member(inner, wallet)?;
            m.media
                .consumers
                .insert(consumer.id().to_string(), consumer);
            Ok(reply)
        })
    }

    fn consumer(&self, wallet: &Address, id: &str) -> Result<Consumer, ApiError> {
        self.with_member(wallet, |inner| {
            let m = Self::member(inner, wallet)?;
            m.media
                .consumers
                .get(id)
                .cloned()
                .ok_or_else(|| ApiError::not_found(format!("no consumer {id}")))
        })
    }

    /// `resumeConsumer`.
    pub async fn resume_consumer(&self, wallet: &Address, id: &str) -> Result<(), ApiError> {
        let consumer = self.consumer(wallet, id)?;
        consumer
            .resume()
            .await
            .map_err(|e| MediaError::Worker(e.to_string()).into())
    }

    /// `pauseConsumer`.
    pub async fn pause_consumer(&self, wallet: &Address, id: &str) -> Result<(), ApiError> {
        let consumer = self.consumer(wallet, id)?;
        consumer
            .pause()
            .await
            .map_err(|e| MediaError::Worker(e.to_string()).into())
    }

    /// `voice:mute`: pauses or resumes the member's producer and tells the others.
    pub async fn set_muted(&self, wallet: &Address, muted: bool) -> Result<(), ApiError> {
        let producer = self.with_member(wallet, |inner| {
            let changed = inner.rules.set_muted(wallet, muted)?;
            if changed {
                let frame = event(
                    "voice:user_muted",
                    json!({ "walletAddress": wallet, "muted": muted }),
                );
                for (w, m) in inner.members.iter() {
                    if w != wallet {
                        m.outbox.send(frame.clone());
                    }
                }
            }
            Ok(Self::member(inner, wallet)?.media.producer.clone())
        })?;
        if let Some(producer) = producer {
            let result = if muted {
                producer.pause().await
            } else {
                producer.resume().await
            };
            result.map_err(|e| ApiError::from(MediaError::Worker(e.to_string())))?;
        }
        Ok(())
    }

    /// `voice:producers`: every audio source in the room but the caller's.
    pub fn producers(&self, wallet: &Address) -> Result<Value, ApiError> {
        self.with_member(wallet, |inner| {
            let list: Vec<Value> = inner
                .members
                .iter()
                .filter(|(w, _)| *w != wallet)
                .filter_map(|(w, m)| {
                    m.media
                        .producer
                        .as_ref()
                        .map(|p| json!({ "producerId": p.id().to_string(), "walletAddress": w }))
                })
                .collect();
            Ok(json!({ "producers": list }))
        })
    }
}
