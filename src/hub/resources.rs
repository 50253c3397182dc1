//! What the node holds, counted for leak checks (`GET /health?resources=1`).
//!
//! Media objects are counted by mediasoup itself, not by the hub's own
//! bookkeeping: routers from each worker's dump, and transports, producers,
//! consumers, data producers/consumers and RTP observers from the dumps of
//! the routers the rooms hold. A router no room holds any more still shows
//! in `routers` (the workers' truth), so when `routers` is zero nothing of
//! the media side is left. Beside them: the hub's running rooms,
//! participants, wallet sessions and pending reservations.
//!
//! Dumping asks every worker and router once, so it is done on request only.

use mediasoup::router::RouterDump;
use mediasoup::worker::WorkerDump;
use serde::Serialize;

/// The node's resource counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Resources {
    /// Routers on all workers (worker dumps).
    pub routers: usize,
    /// WebRtcServers on all workers (one per worker in single-port mode).
    pub webrtc_servers: usize,
    /// Transports, WebRTC and pipe (router dumps).
    pub transports: usize,
    /// Producers, piped ones included (router dumps).
    pub producers: usize,
    /// Consumers, pipe consumers included (router dumps).
    pub consumers: usize,
    /// Data producers (router dumps).
    pub data_producers: usize,
    /// Data consumers (router dumps).
    pub data_consumers: usize,
    /// Audio-level and active-speaker observers (router dumps).
    pub rtp_observers: usize,
    /// Running rooms.
    pub rooms: usize,
    /// Members of the running rooms.
    pub participants: usize,
    /// Wallets the hub holds a session for.
    pub sessions: usize,
    /// Places held by `POST /api/voice/join` and not yet expired or taken.
    pub reservations: usize,
}

impl Resources {
    /// Adds what a worker's dump lists.
    pub fn add_worker(&mut self, dump: &WorkerDump) {
        self.routers += dump.router_ids.len();
        self.webrtc_servers += dump.webrtc_server_ids.len();
    }

    /// Adds what a router's dump lists.
    pub fn add_router(&mut self, dump: &RouterDump) {
        self.transports += dump.transport_ids.len();
        self.producers += dump.map_producer_id_consumer_ids.len();
        self.consumers += dump.map_consumer_id_producer_id.len();
        self.data_producers += dump.map_data_producer_id_data_consumer_ids.len();
        self.data_consumers += dump.map_data_consumer_id_data_producer_id.len();
        self.rtp_observers += dump.rtp_observer_ids.len();
    }
}
