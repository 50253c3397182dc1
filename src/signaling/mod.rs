//! One task per WebSocket: decode a request, have the hub and the room act
//! on it, reply; forward the room's events; release everything on close.

mod dispatch;
mod rate_limit;
mod session;
mod sockets;

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::Utc;

pub use rate_limit::TokenBucket;
pub use session::run;
pub use sockets::{Sockets, Ticket};

use crate::address::Address;
use crate::config::Limits;
use crate::error::ApiError;
use crate::hub::{Admission, Hub, NodeInfo, RoomHandle, SessionId};
use crate::limits::ActionLimits;
use crate::protocol::JoinData;
use crate::turn::IceServers;

/// What a signaling session needs of the node, and nothing more: the hub
/// (its only way into rooms), the socket limits, and what a join reply
/// names (this node, its ICE servers). Built once by `App`; sessions hold
/// it instead of the whole application.
pub struct SignalingContext {
    /// The rooms of this node.
    pub hub: Arc<Hub>,
    /// Frame sizes, rates and timeouts of sockets.
    pub limits: Limits,
    /// STUN/TURN for join replies.
    pub ice: IceServers,
    /// This node's WebSocket URL (join replies' `workerUrl`).
    pub ws_url: String,
    /// New rooms per wallet and address, reports per member (REST uses
    /// them too, through the app's context).
    pub actions: ActionLimits,
    next_session: AtomicU64,
}

impl SignalingContext {
    /// A context over `hub`.
    pub fn new(hub: Arc<Hub>, limits: Limits, ice: IceServers, ws_url: String) -> Self {
        Self {
            hub,
            actions: ActionLimits::new(&limits),
            limits,
            ice,
            ws_url,
            next_session: AtomicU64::new(1),
        }
    }

    /// Whether `wallet`, from `client`, may join `market`: always when its
    /// room runs here or on another live node (the registry names its
    /// owner), else within the limits on new rooms.
    pub async fn may_start_room(
        &self,
        wallet: &Address,
        market: &Address,
        client: Option<IpAddr>,
    ) -> Result<(), ApiError> {
        if self.hub.room_runs(market).await? {
            return Ok(());
        }
        self.actions.start_room(wallet, client)
    }

    /// A fresh session id.
    pub fn next_session_id(&self) -> SessionId {
        self.next_session.fetch_add(1, Ordering::Relaxed)
    }

    /// What joining `room` gives `wallet` (the `voice:join` reply, and
    /// `POST /api/voice/join`'s data).
    pub fn join_data(&self, room: &RoomHandle, admission: Admission, wallet: &Address) -> JoinData {
        crate::hub::join_data(
            room,
            admission,
            NodeInfo {
                node_id: self.hub.node_id(),
                worker_url: self.ws_url.clone(),
            },
            self.ice.for_wallet(wallet, Utc::now()),
        )
    }
}
