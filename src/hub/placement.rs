//! Which node owns a room: claims and releases in the registry, the
//! heartbeat that keeps this node alive there, and `WRONG_NODE` answers.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use super::Hub;
use crate::address::Address;
use crate::error::{ApiError, ErrorCode};
use crate::registry::{NodeLoad, Registry, RoomOwner, WorkerLoad};

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

    /// `WRONG_NODE` pointing at `owner`.
    pub fn wrong_node(owner: &RoomOwner) -> ApiError {
        ApiError {
            code: ErrorCode::WrongNode,
            message: format!("this room runs on node {}", owner.node_id),
            worker_url: Some(owner.ws_url.clone()),
        }
    }
}

impl Hub {
    /// The node that owns `market`'s room according to the registry.
    pub async fn owner_of(&self, market: &Address) -> Result<Option<RoomOwner>, ApiError> {
        Ok(self.placement.registry.room_owner(market).await?)
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
            users: rooms.iter().map(|r| r.summary().0).sum(),
            workers,
        }
    }

    /// Heartbeats every `interval` (alive for `ttl`), re-claiming this node's
    /// rooms each time so that they are registered again after an outage.
    pub fn start_heartbeat(self: &Arc<Self>, interval: Duration, ttl: Duration) {
        let weak: Weak<Self> = Arc::downgrade(self);
        self.runtime.spawn(async move {
            let mut tick = tokio::time::interval(interval);
            let mut healthy = true;
            loop {
                tick.tick().await;
                let Some(hub) = weak.upgrade() else { break };
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

    async fn beat(&self, ttl_secs: u64) -> Result<(), ApiError> {
        let registry = &self.placement.registry;
        registry.heartbeat(&self.load(), ttl_secs).await?;
        for room in self.running_rooms() {
            let me = self.placement.owner(room.slot.worker.id().to_string());
            let founder = room.founder();
            let owner = registry.claim_room(&room.id, &me, founder.as_ref()).await?;
            if owner.node_id != me.node_id {
                tracing::warn!(room = %room.id, owner = %owner.node_id, "another node took this room over");
            }
            registry
                .set_participants(&room.id, &me.node_id, room.summary().0)
                .await?;
        }
        Ok(())
    }

    /// Removes this node's records from the registry (graceful shutdown).
    pub async fn deregister(&self) {
        for room in self.running_rooms() {
            let _ = self
                .placement
                .registry
                .release_room(&room.id, &self.placement.me.node_id)
                .await;
        }
        if let Err(e) = self
            .placement
            .registry
            .deregister(&self.placement.me.node_id)
            .await
        {
            tracing::warn!(error = %e, "cannot deregister from the registry");
        }
    }
}
