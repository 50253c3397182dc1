//! Which node owns a room: the registry, this node's identity in it, and
//! the choice of a node for a new room. The hub calls these; nothing here
//! knows the hub.

use std::sync::Arc;

use super::errors::{JoinError, ModerateError};
use crate::address::Address;
use crate::positions::MarketSource;
use crate::protocol::ModerationAction;
use crate::registry::{NodeLoad, Registry, RegistryError, RoomMessage, RoomOwner};

/// This node as the registry knows it.
#[derive(Debug, Clone)]
pub struct NodeIdentity {
    /// Node id.
    pub node_id: String,
    /// WebSocket URL clients connect to.
    pub ws_url: String,
    /// HTTP base URL.
    pub http_url: String,
}

/// The registry and this node's place in it.
pub struct Placement {
    /// The registry.
    pub registry: Arc<dyn Registry>,
    /// This node.
    pub me: NodeIdentity,
    /// A node at or above this CPU use (percent) takes no new room.
    pub cpu_threshold: f32,
    /// This node's CPU use at the last heartbeat.
    pub cpu: parking_lot::Mutex<(crate::cpu::CpuMeter, f32)>,
}

impl Placement {
    /// This node as the owner of a room on `worker_id`.
    pub fn owner(&self, worker_id: String) -> RoomOwner {
        RoomOwner {
            node_id: self.me.node_id.clone(),
            worker_id,
            ws_url: self.me.ws_url.clone(),
            http_url: self.me.http_url.clone(),
        }
    }

    /// The node that owns `market`'s room according to the registry.
    pub async fn owner_of(&self, market: &Address) -> Result<Option<RoomOwner>, RegistryError> {
        self.registry.room_owner(market).await
    }

    /// The node a new room should go to: the least-loaded live node below
    /// the CPU threshold (this one, whose load is `mine`, on a tie).
    pub async fn choose_owner(
        &self,
        me: &RoomOwner,
        mine: NodeLoad,
    ) -> Result<RoomOwner, JoinError> {
        let mut nodes = self.registry.live_nodes().await?;
        if !nodes.iter().any(|n| n.node_id == me.node_id) {
            nodes.push(mine);
        }
        let best = nodes
            .into_iter()
            .filter(|n| n.cpu < self.cpu_threshold)
            .min_by_key(|n| (n.users, n.rooms, n.node_id != me.node_id))
            .ok_or(JoinError::NoCapacity)?;
        if best.node_id == me.node_id {
            return Ok(me.clone());
        }
        Ok(RoomOwner {
            node_id: best.node_id,
            worker_id: String::new(),
            ws_url: best.ws_url,
            http_url: best.http_url,
        })
    }

    /// A founder's moderation of a room another node owns, sent through
    /// the registry; `markets` names the market's founder.
    pub async fn moderate_remotely(
        &self,
        market: &Address,
        actor: &Address,
        action: ModerationAction,
        target: Option<&Address>,
        markets: &dyn MarketSource,
    ) -> Result<(), ModerateError> {
        let owner = self
            .owner_of(market)
            .await?
            .filter(|o| o.node_id != self.me.node_id)
            .ok_or(ModerateError::NoRoom)?;
        if markets.founder(market).await.as_ref() != Some(actor) {
            return Err(ModerateError::NotFounder);
        }
        let message = RoomMessage::Moderate {
            actor: actor.clone(),
            action,
            target: target.cloned(),
        };
        let heard = self.registry.publish(market, &message).await?;
        if heard == 0 {
            return Err(ModerateError::NotListening(owner.node_id));
        }
        Ok(())
    }
}
