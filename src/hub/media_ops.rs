//! The signaling methods that act on a member's media.

use mediasoup::data_structures::DtlsState;
use mediasoup::prelude::*;

use super::live_room::LiveRoom;
use crate::address::Address;
use crate::error::{ApiError, ErrorCode};
use crate::media::{self, wire, MediaError};
use crate::protocol::{
    event, ConsumerData, Direction, ProduceReply, ProducerInfo, ProducersReply, RestartIceReply,
    ServerEvent, TransportData,
};

fn worker_error(e: impl std::fmt::Display) -> ApiError {
    MediaError::Worker(e.to_string()).into()
}

impl LiveRoom {
    /// `createTransport`: one per direction; `send` only for speakers.
    pub async fn create_transport(
        &self,
        wallet: &Address,
        direction: Direction,
    ) -> Result<TransportData, ApiError> {
        let check = |inner: &mut super::live_room::Inner| {
            if direction == Direction::Send {
                inner.rules.may_produce(wallet)?;
            }
            if inner.member(wallet)?.media.has_direction(direction) {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    "a transport of this direction exists",
                ));
            }
            Ok(())
        };
        self.with_member(wallet, check)?;
        let place = match direction {
            Direction::Recv => self.recv_placement().await?,
            Direction::Send => None,
        };
        let (router, slot) = self.placed(place);
        let transport = media::create_webrtc_transport(&router, &slot, &self.media_config).await?;
        let reply = media::transport_data(&transport);
        let outbox = self.with_member(wallet, |inner| Ok(inner.member(wallet)?.outbox.clone()))?;
        let id = transport.id();
        transport
            .on_dtls_state_change(move |state| {
                if state == DtlsState::Failed {
                    let message = format!("DTLS failed on transport {id}: check dtlsParameters");
                    outbox.send(event(&ServerEvent::Error(ApiError::bad_request(message))));
                }
            })
            .detach();
        self.with_member(wallet, |inner| {
            check(inner)?;
            let media = &mut inner.member(wallet)?.media;
            if direction == Direction::Recv {
                media.fanout = place;
            }
            media
                .transports
                .insert(transport.id().to_string(), (direction, transport));
            Ok(reply)
        })
    }

    fn any_transport(&self, wallet: &Address, id: &str) -> Result<WebRtcTransport, ApiError> {
        self.with_member(wallet, |inner| {
            inner
                .member(wallet)?
                .media
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
    pub async fn restart_ice(
        &self,
        wallet: &Address,
        id: &str,
    ) -> Result<RestartIceReply, ApiError> {
        let transport = self.any_transport(wallet, id)?;
        let ice_parameters = transport.restart_ice().await.map_err(worker_error)?;
        Ok(RestartIceReply {
            ice_parameters: wire::json(&ice_parameters),
        })
    }

    /// `produce`: the member's one audio producer, paused while it is muted.
    pub async fn produce(
        &self,
        wallet: &Address,
        transport_id: &str,
        rtp: RtpParameters,
    ) -> Result<ProduceReply, ApiError> {
        let (transport, muted) = self.with_member(wallet, |inner| {
            inner.rules.may_produce(wallet)?;
            let muted = inner.rules.is_muted(wallet)?;
            let m = inner.member(wallet)?;
            if m.media.producer.is_some() {
                return Err(ApiError::new(ErrorCode::Conflict, "already producing"));
            }
            Ok((m.media.transport(transport_id, Direction::Send)?, muted))
        })?;
        let mut options = ProducerOptions::new(MediaKind::Audio, rtp);
        options.paused = muted;
        let producer = transport.produce(options).await.map_err(MediaError::from)?;
        let producer = self.observers.watch(producer).await;
        let id = producer.id();
        self.with_member(wallet, |inner| {
            inner.rules.may_produce(wallet)?;
            let m = inner.member(wallet)?;
            if m.media.producer.is_some() {
                return Err(ApiError::new(ErrorCode::Conflict, "already producing"));
            }
            if !m.media.transports.contains_key(transport_id) {
                return Err(ApiError::not_found("the send transport was closed"));
            }
            m.media.producer = Some(producer);
            let frame = event(&ServerEvent::NewProducer(ProducerInfo {
                producer_id: wire::id(id),
                wallet_address: wallet.clone(),
            }));
            for (w, other) in inner.members.iter() {
                if w != wallet {
                    other.outbox.send(frame.clone());
                }
            }
            Ok(ProduceReply { id: wire::id(id) })
        })
    }

    /// `closeProducer`: only one's own.
    pub fn close_producer(&self, wallet: &Address, producer_id: &str) -> Result<(), ApiError> {
        let producer = self.with_member(wallet, |inner| {
            let m = inner.member(wallet)?;
            match &m.media.producer {
                Some(p) if p.id().to_string() == producer_id => {}
                _ => {
                    return Err(ApiError::not_found(format!(
                        "no producer {producer_id} of yours"
                    )))
                }
            }
            let producer = m.media.producer.take().expect("matched above");
            inner.producer_gone(wallet, producer.id());
            Ok(producer)
        })?;
        drop(producer);
        Ok(())
    }

    /// `consume`: a paused consumer of another member's producer.
    pub async fn consume(
        &self,
        wallet: &Address,
        transport_id: &str,
        producer_id: &str,
        caps: RtpCapabilities,
    ) -> Result<ConsumerData, ApiError> {
        let (transport, producer, place) = self.with_member(wallet, |inner| {
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
            let media = &inner.member(wallet)?.media;
            Ok((
                media.transport(transport_id, Direction::Recv)?,
                producer,
                media.fanout,
            ))
        })?;
        self.ensure_piped(place, producer).await?;
        if !self.placed(place).0.can_consume(&producer, &caps) {
            return Err(MediaError::CannotConsume(
                "rtpCapabilities cannot receive this producer".into(),
            )
            .into());
        }
        let mut options = ConsumerOptions::new(producer, caps);
        options.paused = true;
        let consumer = transport.consume(options).await.map_err(MediaError::from)?;
        let reply = ConsumerData {
            id: wire::id(consumer.id()),
            producer_id: wire::id(producer),
            kind: wire::media_kind(consumer.kind()),
            rtp_parameters: wire::json(consumer.rtp_parameters()),
            consumer_type: wire::consumer_type(consumer.r#type()),
            producer_paused: consumer.producer_paused(),
        };
        self.with_member(wallet, |inner| {
            if consumer.closed() {
                return Err(ApiError::not_found("the producer closed"));
            }
            let m = inner.member(wallet)?;
            if !m.media.transports.contains_key(transport_id) {
                return Err(ApiError::not_found("the receive transport was closed"));
            }
            m.media
                .consumers
                .insert(consumer.id().to_string(), consumer);
            Ok(reply)
        })
    }

    fn consumer(&self, wallet: &Address, id: &str) -> Result<Consumer, ApiError> {
        self.with_member(wallet, |inner| {
            inner
                .member(wallet)?
                .media
                .consumers
                .get(id)
                .cloned()
                .ok_or_else(|| ApiError::not_found(format!("no consumer {id}")))
        })
    }

    /// `resumeConsumer`.
    pub async fn resume_consumer(&self, wallet: &Address, id: &str) -> Result<(), ApiError> {
        self.consumer(wallet, id)?
            .resume()
            .await
            .map_err(worker_error)
    }

    /// `pauseConsumer`.
    pub async fn pause_consumer(&self, wallet: &Address, id: &str) -> Result<(), ApiError> {
        self.consumer(wallet, id)?
            .pause()
            .await
            .map_err(worker_error)
    }

    /// `voice:mute`: pauses or resumes the member's producer and tells the others.
    pub async fn set_muted(&self, wallet: &Address, muted: bool) -> Result<(), ApiError> {
        let producer = self.with_member(wallet, |inner| {
            let events = inner.rules.set_muted(wallet, muted)?;
            inner.publish(Some(wallet), &events);
            Ok(inner.member(wallet)?.media.producer.as_deref().cloned())
        })?;
        if let Some(producer) = producer {
            apply_mute(&producer, muted).await?;
        }
        Ok(())
    }

    /// `voice:producers`: every audio source in the room but the caller's.
    pub fn producers(&self, wallet: &Address) -> Result<ProducersReply, ApiError> {
        self.with_member(wallet, |inner| {
            let producers = inner
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
            Ok(ProducersReply { producers })
        })
    }
}

/// Pauses (muted) or resumes a producer.
pub(super) async fn apply_mute(producer: &Producer, muted: bool) -> Result<(), ApiError> {
    let result = if muted {
        producer.pause().await
    } else {
        producer.resume().await
    };
    result.map_err(worker_error)
}
