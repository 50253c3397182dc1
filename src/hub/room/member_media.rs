//! One member's media objects, owned by its room's task.

use std::collections::{HashMap, HashSet};

use mediasoup::prelude::*;

use super::speaking::Watched;
use crate::hub::errors::MediaOpError;
use crate::protocol::{ConsumerId, Direction, TransportId};

/// A member's transports, producer and consumers. The room's task takes it
/// apart when the member goes ([`super::state::RoomState::discard`]):
/// transports and consumers are dropped there, the producer is retired.
#[derive(Default)]
pub(super) struct MemberMedia {
    pub(super) transports: HashMap<TransportId, (Direction, WebRtcTransport)>,
    pub(super) producer: Option<Watched>,
    pub(super) consumers: HashMap<ConsumerId, Consumer>,
    /// The producers a consume is under way of (made, not committed yet).
    pub(super) consuming: HashSet<ProducerId>,
    /// The fan-out router its receive transport is on (None: the main one).
    pub(super) fanout: Option<usize>,
}

impl MemberMedia {
    /// The transport `id` if it goes in `direction`.
    pub(super) fn transport(
        &self,
        id: &TransportId,
        direction: Direction,
    ) -> Result<WebRtcTransport, MediaOpError> {
        match self.transports.get(id) {
            Some((d, t)) if *d == direction => Ok(t.clone()),
            Some(_) => Err(MediaOpError::BadRequest(format!(
                "transport {id} is not a {} transport",
                if direction == Direction::Send {
                    "send"
                } else {
                    "recv"
                }
            ))),
            None => Err(MediaOpError::NotFound(format!("no transport {id}"))),
        }
    }

    /// Whether one more consumer of `producer` may be made: none of it
    /// exists or is under way (one per producer), and the member's receive
    /// transport holds fewer than `cap` (made and under way).
    pub(super) fn may_consume(&self, producer: ProducerId, cap: usize) -> Result<(), MediaOpError> {
        if self.consuming.contains(&producer)
            || self.consumers.values().any(|c| c.producer_id() == producer)
        {
            return Err(MediaOpError::Conflict("already consuming this producer"));
        }
        if self.consumers.len() + self.consuming.len() >= cap {
            return Err(MediaOpError::Conflict(
                "the receive transport has as many consumers as allowed",
            ));
        }
        Ok(())
    }

    /// Whether a transport of `direction` exists.
    pub(super) fn has_direction(&self, direction: Direction) -> bool {
        self.transports.values().any(|(d, _)| *d == direction)
    }

    /// Takes the producer and the send transports out.
    pub(super) fn take_sending(&mut self) -> MemberMedia {
        let send_ids: Vec<TransportId> = self
            .transports
            .iter()
            .filter(|(_, (d, _))| *d == Direction::Send)
            .map(|(id, _)| id.clone())
            .collect();
        MemberMedia {
            transports: send_ids
                .into_iter()
                .filter_map(|id| self.transports.remove_entry(&id))
                .collect(),
            producer: self.producer.take(),
            consumers: HashMap::new(),
            consuming: HashSet::new(),
            fanout: None,
        }
    }
}
