//! Which node owns a room: the registry, this node's identity in it, and
//! the choice of a node for a new room. The hub calls these; nothing here
//! knows the hub.

use std::sync::Arc;

use super::errors::JoinError;
use crate::address::Address;
use crate::registry::{NodeLoad, Registry, RegistryError, RoomOwner};

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

    /// The live node other than this one that owns `market`'s room
    /// according to the registry: where calls about the room go. A dead
    /// owner's record (until a heartbeat reaps it) names nobody.
    pub async fn owner_elsewhere(
        &self,
        market: &Address,
    ) -> Result<Option<RoomOwner>, RegistryError> {
        let owner = self.registry.room_owner(market).await?;
        match owner.filter(|o| o.node_id != self.me.node_id) {
            Some(owner) if self.registry.is_live(&owner.node_id).await? => Ok(Some(owner)),
            _ => Ok(None),
        }
    }

    /// The node a new room should go to: the least-loaded live node below
    /// the CPU threshold (this one, whose load is `mine`, on a tie), one
    /// that is not draining while there is one.
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
            .min_by_key(|n| (n.draining, n.users, n.rooms, n.node_id != me.node_id))
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
}
