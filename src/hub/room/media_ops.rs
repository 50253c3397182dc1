//! The member requests that act on media. Each has the same shape: a
//! **check** on the state (on the task), then the slow mediasoup call as a
//! child future that the task polls beside its other messages (so a long
//! call never holds the room up), then a **commit** back on the task that
//! checks again (the member may have left meanwhile) and stores the new
//! object, or drops it right there. Replies always come from the task.

use futures_util::FutureExt;
use mediasoup::prelude::*;
use mediasoup::types::data_structures::DtlsState;

use super::messages::{MemberOp, Reply};
use super::state::{Child, Commit, Place, RoomState};
use crate::address::Address;
use crate::hub::errors::MediaOpError;
use crate::hub::outbox::SessionId;
use crate::media::{self, wire, MediaError};
use crate::protocol::{
    event, ConsumerData, Direction, Empty, ProduceReply, ProducerInfo, ProducersReply,
    RaiseHandReply, RestartIceReply, ServerEvent,
};
use crate::protocol::{ConsumerId, ProducerId, TransportId};

/// A child whose commit only replies with what the call returned.
fn answer<T: Send + 'static>(
    reply: Reply<Result<T, MediaOpError>>,
    call: impl std::future::Future<Output = Result<T, MediaOpError>> + Send + 'static,
) -> Child {
    async move {
        let result = call.await;
        Box::new(move |_: &mut RoomState| {
            let _ = reply.send(result);
        }) as Commit
    }
    .boxed()
}

/// Pauses (muted) or resumes a producer.
pub(super) async fn apply_mute(producer: Producer, muted: bool) -> Result<(), MediaError> {
    let result = if muted {
        producer.pause().await
    } else {
        producer.resume().await
    };
    result.map_err(MediaError::request(if muted {
        "pause producer"
    } else {
        "resume producer"
    }))
}

impl RoomState {
    /// Runs member `wallet`'s request `op` (its session must be `session`
    /// when given): answered now, or by the commit of the returned child.
    pub(super) fn member_op(
        &mut self,
        wallet: &Address,
        session: Option<SessionId>,
        op: MemberOp,
    ) -> Option<Child> {
        if let Err(e) = self.member(wallet, session) {
            op.fail(e);
            return None;
        }
        match op {
            MemberOp::RtpCapabilities(reply) => {
                let _ = reply.send(Ok(self.router.rtp_capabilities().clone()));
                None
            }
            MemberOp::CreateTransport { direction, reply } => {
                self.create_transport(wallet, session, direction, reply)
            }
            MemberOp::ConnectTransport {
                transport_id,
                dtls,
                reply,
            } => {
                let transport = self.any_transport(wallet, &transport_id);
                Some(answer(reply, async move {
                    transport?
                        .connect(WebRtcTransportRemoteParameters {
                            dtls_parameters: dtls,
                        })
                        .await
                        .map_err(|e| MediaError::BadDtlsParameters(e.to_string()).into())
                }))
            }
            MemberOp::RestartIce {
                transport_id,
                reply,
            } => {
                let transport = self.any_transport(wallet, &transport_id);
                Some(answer(reply, async move {
                    let ice_parameters = transport?
                        .restart_ice()
                        .await
                        .map_err(MediaError::request("restart ICE"))?;
                    Ok(RestartIceReply {
                        ice_parameters: wire::json(&ice_parameters),
                    })
                }))
            }
            MemberOp::Produce {
                transport_id,
                rtp,
                reply,
            } => self.produce(wallet, session, transport_id, rtp, reply),
            MemberOp::CloseProducer { producer_id, reply } => {
                let _ = reply.send(self.close_producer(wallet, &producer_id));
                None
            }
            MemberOp::Consume {
                transport_id,
                producer_id,
                caps,
                reply,
            } => self.consume(wallet, session, transport_id, &producer_id, caps, reply),
            MemberOp::SetConsumer {
                consumer_id,
                resume,
                reply,
            } => {
                let consumer = self.consumer(wallet, &consumer_id);
                Some(answer(reply, async move {
                    let consumer = consumer?;
                    let result = if resume {
                        consumer.resume().await
                    } else {
                        consumer.pause().await
                    };
                    result.map_err(|e| {
                        MediaError::Request {
                            what: if resume {
                                "resume consumer"
                            } else {
                                "pause consumer"
                            },
                            source: e,
                        }
                        .into()
                    })
                }))
            }
            MemberOp::Mute { muted, reply } => {
                let producer = match self.rules.set_muted(wallet, muted) {
                    Ok(events) => {
                        self.publish(&events);
                        self.members[wallet].media.producer.as_deref().cloned()
                    }
                    Err(e) => {
                        let _ = reply.send(Err(e.into()));
                        return None;
                    }
                };
                let Some(producer) = producer else {
                    let _ = reply.send(Ok(()));
                    return None;
                };
                Some(answer(reply, async move {
                    apply_mute(producer, muted).await?;
                    Ok(())
                }))
            }
            MemberOp::Producers(reply) => {
                let producers = self
                    .members
                    .iter()
                    .filter(|(w, _)| *w != wallet)
                    .filter_map(|(w, m)| {
                        m.media.producer.as_ref().map(|p| ProducerInfo {
                            producer_id: wire::id(p.id()),
                            wallet_address: w.clone(),
                        })
                    })
                    .collect();
                let _ = reply.send(Ok(ProducersReply { producers }));
                None
            }
            MemberOp::RaiseHand(reply) => {
                let result = self.rules.raise_hand(wallet).map(|(position, events)| {
                    self.publish(&events);
                    RaiseHandReply { position }
                });
                let _ = reply.send(result.map_err(Into::into));
                None
            }
            MemberOp::React { emoji, reply } => {
                let _ = reply.send(self.react(wallet, emoji).map_err(Into::into));
                None
            }
            MemberOp::InviteResponse { accept, reply } => {
                let _ = reply.send(self.respond_to_invite(wallet, accept).map_err(Into::into));
                None
            }
            MemberOp::LowerHand(reply) => {
                let result = self.rules.lower_hand(wallet).map(|events| {
                    self.publish(&events);
                    Empty {}
                });
                let _ = reply.send(result.map_err(Into::into));
                None
            }
        }
    }

    /// `createTransport`'s check: one per direction; `send` only for speakers.
    fn transport_allowed(
        &mut self,
        wallet: &Address,
        session: Option<SessionId>,
        direction: Direction,
    ) -> Result<(), MediaOpError> {
        if direction == Direction::Send {
            self.rules.may_produce(wallet)?;
        }
        if self.member(wallet, session)?.media.has_direction(direction) {
            return Err(MediaOpError::Conflict(
                "a transport of this direction exists",
            ));
        }
        Ok(())
    }

    /// `createTransport`: check, create on the placed router (a child), commit.
    fn create_transport(
        &mut self,
        wallet: &Address,
        session: Option<SessionId>,
        direction: Direction,
        reply: Reply<Result<crate::protocol::TransportData, MediaOpError>>,
    ) -> Option<Child> {
        if let Err(e) = self.transport_allowed(wallet, session, direction) {
            let _ = reply.send(Err(e));
            return None;
        }
        let place = match direction {
            Direction::Recv => self.recv_placement(),
            Direction::Send => Place::Main,
        };
        let place_index = match &place {
            Place::Fanout(i) => Some(*i),
            Place::Main | Place::New(_) => None,
        };
        let known = match &place {
            Place::Main => Some(self.placed(None)),
            Place::Fanout(i) => Some(self.placed(Some(*i))),
            Place::New(_) => None,
        };
        let outbox = self.members[wallet].outbox.clone();
        let config = self.media_config.clone();
        let wallet = wallet.clone();
        Some(
            async move {
                let (placed, made) = match (known, place) {
                    (Some(placed), _) => (Ok(placed), None),
                    (None, Place::New(pending)) => match pending.await {
                        Ok(made) => (Ok(made.clone()), Some(made)),
                        Err(e) => (Err(e), None),
                    },
                    (None, _) => unreachable!("known unless new"),
                };
                let created = match placed {
                    Ok((router, slot)) => media::create_webrtc_transport(&router, &slot, &config)
                        .await
                        .map_err(MediaOpError::from),
                    Err(e) => Err(MediaError::Shared(e).into()),
                };
                if let Ok(transport) = &created {
                    // The handler only queues a frame (rule 1).
                    let id = transport.id();
                    transport
                        .on_dtls_state_change(move |state| {
                            if state == DtlsState::Failed {
                                let message =
                                    format!("DTLS failed on transport {id}: check dtlsParameters");
                                outbox.send(event(&ServerEvent::Error(
                                    crate::error::ApiError::bad_request(message),
                                )));
                            }
                        })
                        .detach();
                }
                Box::new(move |state: &mut RoomState| {
                    let fanout = made.map(|(router, slot)| state.register_fanout(&router, &slot));
                    let result = created.and_then(|transport| {
                        state.transport_allowed(&wallet, session, direction)?;
                        let reply = media::transport_data(&transport);
                        let media = &mut state.member(&wallet, session)?.media;
                        if direction == Direction::Recv {
                            media.fanout = fanout.or(place_index);
                        }
                        media
                            .transports
                            .insert(wire::id(transport.id()), (direction, transport));
                        Ok(reply)
                    });
                    let _ = reply.send(result);
                }) as Commit
            }
            .boxed(),
        )
    }

    fn any_transport(
        &mut self,
        wallet: &Address,
        id: &TransportId,
    ) -> Result<WebRtcTransport, MediaOpError> {
        self.member(wallet, None)?
            .media
            .transports
            .get(id)
            .map(|(_, t)| t.clone())
            .ok_or_else(|| MediaOpError::NotFound(format!("no transport {id}")))
    }

    fn consumer(&mut self, wallet: &Address, id: &ConsumerId) -> Result<Consumer, MediaOpError> {
        self.member(wallet, None)?
            .media
            .consumers
            .get(id)
            .cloned()
            .ok_or_else(|| MediaOpError::NotFound(format!("no consumer {id}")))
    }

    /// `produce`'s check (and re-check): a speaker with no producer yet.
    fn may_produce(
        &mut self,
        wallet: &Address,
        session: Option<SessionId>,
    ) -> Result<(), MediaOpError> {
        self.rules.may_produce(wallet)?;
        if self.member(wallet, session)?.media.producer.is_some() {
            return Err(MediaOpError::Conflict("already producing"));
        }
        Ok(())
    }

    /// `produce`: the member's one audio producer, paused while it is muted.
    fn produce(
        &mut self,
        wallet: &Address,
        session: Option<SessionId>,
        transport_id: TransportId,
        rtp: RtpParameters,
        reply: Reply<Result<ProduceReply, MediaOpError>>,
    ) -> Option<Child> {
        let checked = self.may_produce(wallet, session).and_then(|()| {
            let muted = self.rules.is_muted(wallet)?;
            let transport = self
                .member(wallet, session)?
                .media
                .transport(&transport_id, Direction::Send)?;
            Ok((transport, muted))
        });
        let (transport, muted) = match checked {
            Ok(checked) => checked,
            Err(e) => {
                let _ = reply.send(Err(e));
                return None;
            }
        };
        let observers = self.observers.clone();
        let wallet = wallet.clone();
        Some(
            async move {
                let mut options = ProducerOptions::new(MediaKind::Audio, rtp);
                options.paused = muted;
                let produced = match transport.produce(options).await {
                    Ok(producer) => Ok(observers.watch(producer).await),
                    Err(e) => Err(MediaError::from(e)),
                };
                Box::new(move |state: &mut RoomState| {
                    let producer = match produced {
                        Ok(producer) => producer,
                        Err(e) => {
                            let _ = reply.send(Err(e.into()));
                            return;
                        }
                    };
                    let stored = state.may_produce(&wallet, session).and_then(|()| {
                        let m = state.member(&wallet, session)?;
                        if !m.media.transports.contains_key(&transport_id) {
                            return Err(MediaOpError::NotFound(
                                "the send transport was closed".into(),
                            ));
                        }
                        Ok(())
                    });
                    if let Err(e) = stored {
                        state.retiring.push(producer);
                        let _ = reply.send(Err(e));
                        return;
                    }
                    let id = producer.id();
                    state
                        .members
                        .get_mut(&wallet)
                        .expect("checked")
                        .media
                        .producer = Some(producer);
                    let frame = event(&ServerEvent::NewProducer(ProducerInfo {
                        producer_id: wire::id(id),
                        wallet_address: wallet.clone(),
                    }));
                    state.tell_others(&wallet, &frame);
                    let _ = reply.send(Ok(ProduceReply { id: wire::id(id) }));
                }) as Commit
            }
            .boxed(),
        )
    }

    /// `closeProducer`: only one's own.
    fn close_producer(
        &mut self,
        wallet: &Address,
        producer_id: &ProducerId,
    ) -> Result<(), MediaOpError> {
        let m = self.member(wallet, None)?;
        match &m.media.producer {
            Some(p) if wire::names(producer_id, p.id()) => {}
            _ => {
                return Err(MediaOpError::NotFound(format!(
                    "no producer {producer_id} of yours"
                )))
            }
        }
        let producer = m.media.producer.take().expect("matched above");
        self.producer_gone(wallet, producer.id());
        self.retiring.push(producer);
        Ok(())
    }

    /// `consume`: a paused consumer of another member's producer, piped to
    /// the member's fan-out router first when it is on one. Checked in
    /// order: the producer, the receive transport, then one consumer per
    /// producer and at most `max_consumers_per_transport` on the transport
    /// (consumes under way count, so a burst of them cannot go past).
    fn consume(
        &mut self,
        wallet: &Address,
        session: Option<SessionId>,
        transport_id: TransportId,
        producer_id: &ProducerId,
        caps: RtpCapabilities,
        reply: Reply<Result<ConsumerData, MediaOpError>>,
    ) -> Option<Child> {
        let checked = (|| {
            let producer = self
                .members
                .iter()
                .filter(|(w, _)| *w != wallet)
                .find_map(|(_, m)| {
                    m.media
                        .producer
                        .as_ref()
                        .filter(|p| wire::names(producer_id, p.id()))
                })
                .map(|p| p.id())
                .ok_or_else(|| {
                    MediaOpError::NotFound(format!("no producer {producer_id} in this room"))
                })?;
            let cap = self.media_config.max_consumers_per_transport;
            let media = &mut self.member(wallet, session)?.media;
            let transport = media.transport(&transport_id, Direction::Recv)?;
            media.may_consume(producer, cap)?;
            media.consuming.insert(producer);
            Ok((transport, producer, media.fanout))
        })();
        let (transport, producer, place) = match checked {
            Ok(checked) => checked,
            Err(e) => {
                let _ = reply.send(Err(e));
                return None;
            }
        };
        let pipe = self.pipe(place, producer);
        let (router, _) = self.placed(place);
        let wallet = wallet.clone();
        Some(
            async move {
                let consumed = async {
                    if let Some(pipe) = pipe {
                        pipe.await.map_err(MediaError::Shared)?;
                    }
                    if !router.can_consume(&producer, &caps) {
                        return Err(MediaError::CannotConsume(
                            "rtpCapabilities cannot receive this producer".into(),
                        ));
                    }
                    let mut options = ConsumerOptions::new(producer, caps);
                    options.paused = true;
                    Ok(transport.consume(options).await?)
                }
                .await;
                Box::new(move |state: &mut RoomState| {
                    if let Some(m) = state.members.get_mut(&wallet) {
                        m.media.consuming.remove(&producer);
                    }
                    let result = consumed.map_err(MediaOpError::from).and_then(|consumer| {
                        if consumer.closed() {
                            return Err(MediaOpError::NotFound("the producer closed".into()));
                        }
                        let m = state.member(&wallet, session)?;
                        if !m.media.transports.contains_key(&transport_id) {
                            return Err(MediaOpError::NotFound(
                                "the receive transport was closed".into(),
                            ));
                        }
                        let data = ConsumerData {
                            id: wire::id(consumer.id()),
                            producer_id: wire::id(producer),
                            kind: wire::media_kind(consumer.kind()),
                            rtp_parameters: wire::json(consumer.rtp_parameters()),
                            consumer_type: wire::consumer_type(consumer.r#type()),
                            producer_paused: consumer.producer_paused(),
                        };
                        m.media.consumers.insert(wire::id(consumer.id()), consumer);
                        Ok(data)
                    });
                    if let Err(MediaOpError::Media(MediaError::Shared(_))) = &result {
                        // A failed pipe is tried again by the next consume.
                        if let Some(index) = place {
                            state.pipes.remove(&(index, producer));
                        }
                    }
                    let _ = reply.send(result);
                }) as Commit
            }
            .boxed(),
        )
    }
}
