//! Which node owns a room: claims and releases in the registry, the
//! heartbeat that keeps this node alive there, and `WRONG_NODE` answers.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use super::Hub;
use crate::address::Address;
use crate::error::{ApiError, ErrorCode};
use crate::protocol::ModerationAction;
use crate::registry::{NodeLoad, Registry, RoomOwner, WorkerLoad};
use crate::registry::{RoomMessage, UserSession};
use tokio::sync::mpsc;

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

    /// `WRONG_NODE` pointing at `owner`.
    pub fn wrong_node(owner: &RoomOwner) -> ApiError {
        ApiError::new(
            ErrorCode::WrongNode,
            format!("this room runs on node {}", owner.node_id),
        )
        .with_worker_url(owner.ws_url.clone())
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
            cpu: self.placement.cpu.lock().1,
            workers,
        }
    }

    /// The node a new room should go to: the least-loaded live node below
    /// the CPU threshold (this one on a tie); `CAPACITY` when none is.
    pub(super) async fn choose_owner(&self, me: &RoomOwner) -> Result<RoomOwner, ApiError> {
        let mut nodes = self.placement.registry.live_nodes().await?;
        if !nodes.iter().any(|n| n.node_id == me.node_id) {
            nodes.push(self.load());
        }
        let best = nodes
            .into_iter()
            .filter(|n| n.cpu < self.placement.cpu_threshold)
            .min_by_key(|n| (n.users, n.rooms, n.node_id != me.node_id))
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::Capacity,
                    "every node is at capacity; try again later",
                )
            })?;
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
                hub.forget_old_times();
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
        {
            let mut cpu = self.placement.cpu.lock();
            if let Some(percent) = cpu.0.sample(self.pool.workers().len()) {
                cpu.1 = percent;
            }
        }
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
                .set_room_state(
                    &room.id,
                    &me.node_id,
                    room.summary().0,
                    &room.speaker_queue(),
                )
                .await?;
            // Destroyed (and released) since this beat listed it: the claim
            // above wrote its record again, which would outlive it.
            if room.is_closed() && self.running_room(&room.id).is_none() {
                registry.release_room(&room.id, &me.node_id).await?;
            }
        }
        Ok(())
    }

    /// Handles messages other nodes send to this node's rooms.
    pub(super) fn listen(self: &Arc<Self>, mut messages: mpsc::Receiver<(Address, RoomMessage)>) {
        let weak = Arc::downgrade(self);
        self.runtime.spawn(async move {
            while let Some((room, message)) = messages.recv().await {
                let Some(hub) = weak.upgrade() else { break };
                if hub.running_room(&room).is_none() {
                    continue;
                }
                match message {
                    RoomMessage::Moderate {
                        actor,
                        action,
                        target,
                    } => {
                        if let Err(e) = hub.moderate(&room, &actor, action, target.as_ref()).await {
                            tracing::info!(%room, code = ?e.code, "remote moderation refused");
                        }
                    }
                    RoomMessage::Replace { wallet, by_node }
                        if by_node != hub.placement.me.node_id =>
                    {
                        hub.end_session_where(&wallet, "replaced", |_, market| market == &room);
                    }
                    RoomMessage::Replace { .. } => {}
                }
            }
        });
    }

    /// A founder's moderation of a room another node owns, sent through the registry.
    pub(super) async fn moderate_remotely(
        &self,
        market: &Address,
        actor: &Address,
        action: ModerationAction,
        target: Option<&Address>,
    ) -> Result<(), ApiError> {
        let owner = self
            .owner_of(market)
            .await?
            .filter(|o| o.node_id != self.placement.me.node_id)
            .ok_or_else(|| ApiError::not_found("no running room for this market"))?;
        if self.markets.founder(market).await.as_ref() != Some(actor) {
            return Err(ApiError::forbidden(
                "only the market's founder may moderate",
            ));
        }
        let message = RoomMessage::Moderate {
            actor: actor.clone(),
            action,
            target: target.cloned(),
        };
        let heard = self.placement.registry.publish(market, &message).await?;
        if heard == 0 {
            return Err(ApiError::new(
                ErrorCode::Capacity,
                format!("node {} is not listening", owner.node_id),
            ));
        }
        Ok(())
    }

    /// Records in the registry where `wallet` now is; a session of it on
    /// another node is told to end.
    pub(super) fn record_session(self: &Arc<Self>, wallet: &Address, market: &Address) {
        let hub = self.clone();
        let (wallet, market) = (wallet.clone(), market.clone());
        self.runtime.spawn(async move {
            let registry = &hub.placement.registry;
            let me = hub.placement.me.node_id.clone();
            if let Ok(Some(old)) = registry.user(&wallet).await {
                if old.node_id != me {
                    let replace = RoomMessage::Replace {
                        wallet: wallet.clone(),
                        by_node: me.clone(),
                    };
                    let _ = registry.publish(&old.room_id, &replace).await;
                }
            }
            let session = UserSession {
                room_id: market,
                node_id: me,
            };
            if let Err(e) = registry.set_user(&wallet, &session).await {
                tracing::warn!(%wallet, error = %e, "cannot record the session");
            }
        });
    }

    /// Forgets in the registry that `wallet` is in `market` on this node.
    pub(super) fn forget_session(&self, wallet: &Address, market: &Address) {
        self.last_left
            .lock()
            .insert(wallet.clone(), std::time::Instant::now());
        let registry = self.placement.registry.clone();
        let session = UserSession {
            room_id: market.clone(),
            node_id: self.placement.me.node_id.clone(),
        };
        let wallet = wallet.clone();
        self.runtime.spawn(async move {
            let _ = registry.clear_user(&wallet, &session).await;
        });
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
