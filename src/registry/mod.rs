//! Where rooms live: which node (and worker) owns each room, and which
//! nodes are alive with what load. In memory for one node; in Redis (one
//! Redis or a Redis Cluster; every key name is built in [`keys`]) for many.

mod connection;
pub mod keys;
mod memory;
mod redis;

pub use connection::{cluster_urls, RedisConnection};
pub use memory::MemoryRegistry;
pub use redis::RedisRegistry;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::address::Address;
use crate::error::{ApiError, ErrorCode};

/// The node and worker that own a room, and how clients reach it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomOwner {
    /// The owning node.
    pub node_id: String,
    /// The mediasoup worker of the room's router.
    pub worker_id: String,
    /// The node's WebSocket URL (`workerUrl`).
    pub ws_url: String,
    /// The node's HTTP base URL.
    pub http_url: String,
}

/// A node's load, published with every heartbeat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeLoad {
    /// The node.
    pub node_id: String,
    /// Its WebSocket URL.
    pub ws_url: String,
    /// Its HTTP base URL.
    pub http_url: String,
    /// Rooms it runs.
    pub rooms: usize,
    /// Participants in them.
    pub users: usize,
    /// CPU use in percent of its workers' cores.
    pub cpu: f32,
    /// Per worker: id, rooms, users.
    pub workers: Vec<WorkerLoad>,
    /// The node is shutting down (`GET /health/ready` answers 503): it
    /// serves its rooms until it stops, but new rooms go to other nodes
    /// while there are any. Absent in loads of nodes from before the field.
    #[serde(default)]
    pub draining: bool,
}

/// One worker's load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkerLoad {
    /// The worker.
    pub worker_id: String,
    /// Rooms on it.
    pub rooms: usize,
    /// Participants in them.
    pub users: usize,
}

/// One running room as the room directory (`GET /api/voice/rooms`) and
/// previews show it: the owner's live view, or what the owner last wrote
/// to the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomSummary {
    /// The market (= room).
    pub id: Address,
    /// Participants.
    pub participants: usize,
    /// Of whom may speak.
    pub speakers: usize,
    /// When the room was created.
    pub created_at: DateTime<Utc>,
}

/// A message for the node that owns a room (its channel: [`keys::room_channel`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RoomMessage {
    /// The wallet joined elsewhere: end its session in this room.
    Replace {
        /// The wallet.
        wallet: Address,
        /// The node it joined.
        by_node: String,
    },
}

/// Where a wallet is connected ([`keys::user_key`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSession {
    /// The room.
    pub room_id: Address,
    /// The node holding its socket.
    pub node_id: String,
}

/// The registry cannot be reached or answered nonsense.
#[derive(Debug, thiserror::Error)]
#[error("room registry unavailable: {0}")]
pub struct RegistryError(pub String);

impl From<RegistryError> for ApiError {
    fn from(e: RegistryError) -> Self {
        ApiError::new(
            ErrorCode::Capacity,
            "the room registry is unavailable; try again shortly",
        )
        .with_cause(e)
    }
}

/// A room registry shared by the nodes of a deployment.
#[async_trait]
pub trait Registry: Send + Sync {
    /// Makes `me` the owner of `room` unless a live node owns it already;
    /// returns the owner. Atomic: two nodes racing agree on one owner.
    async fn claim_room(
        &self,
        room: &Address,
        me: &RoomOwner,
        founder: Option<&Address>,
    ) -> Result<RoomOwner, RegistryError>;

    /// The current owner of `room`, if any.
    async fn room_owner(&self, room: &Address) -> Result<Option<RoomOwner>, RegistryError>;

    /// Forgets `room` if `node_id` owns it.
    async fn release_room(&self, room: &Address, node_id: &str) -> Result<(), RegistryError>;

    /// Records the counts, creation time and speaker queue of a room
    /// `node_id` owns.
    async fn set_room_state(
        &self,
        room: &RoomSummary,
        node_id: &str,
        queue: &[Address],
    ) -> Result<(), RegistryError>;

    /// The rooms of every live node, as their owners last recorded them
    /// (the room directory of the deployment).
    async fn rooms(&self) -> Result<Vec<RoomSummary>, RegistryError>;

    /// Whether `node_id` is alive (its heartbeat has not expired).
    async fn is_live(&self, node_id: &str) -> Result<bool, RegistryError>;

    /// Publishes the node's load; it counts as alive for `ttl_secs`.
    async fn heartbeat(&self, load: &NodeLoad, ttl_secs: u64) -> Result<(), RegistryError>;

    /// The live nodes.
    async fn live_nodes(&self) -> Result<Vec<NodeLoad>, RegistryError>;

    /// Answers when the registry can be reached (`GET /health/ready`);
    /// bounded like every call.
    async fn ping(&self) -> Result<(), RegistryError>;

    /// Removes the node's own records (graceful shutdown).
    async fn deregister(&self, node_id: &str) -> Result<(), RegistryError>;

    /// Records where `wallet` is connected.
    async fn set_user(&self, wallet: &Address, session: &UserSession) -> Result<(), RegistryError>;

    /// Where `wallet` is connected, if anywhere.
    async fn user(&self, wallet: &Address) -> Result<Option<UserSession>, RegistryError>;

    /// Forgets `wallet`'s session if it is the one on `node_id` in `room`.
    async fn clear_user(
        &self,
        wallet: &Address,
        session: &UserSession,
    ) -> Result<(), RegistryError>;

    /// Sends `message` to the node owning `room`; returns how many nodes listened.
    async fn publish(&self, room: &Address, message: &RoomMessage) -> Result<usize, RegistryError>;

    /// Messages for rooms, as `(room, message)`; `None` when there are no
    /// other nodes to hear from.
    fn subscribe(&self) -> Option<tokio::sync::mpsc::Receiver<(Address, RoomMessage)>>;
}
