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

use futures_util::future::try_join_all;
use mediasoup::prelude::Router;
use serde::Serialize;

use super::{Hub, LiveRoom};
use crate::media::MediaError;

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

impl LiveRoom {
    /// The room's routers: the main one and its fan-out routers.
    fn routers(&self) -> Vec<Router> {
        let mut routers = vec![self.router.clone()];
        routers.extend(self.lock().fanouts.iter().map(|f| f.router.clone()));
        routers
    }

    /// Reservations not yet expired.
    fn pending_reservations(&self) -> usize {
        let now = chrono::Utc::now();
        self.lock()
            .reservations
            .values()
            .filter(|until| **until > now)
            .count()
    }
}

impl Hub {
    /// Counts what the node holds, asking every worker and room router.
    pub async fn resources(&self) -> Result<Resources, MediaError> {
        let failed = |e: mediasoup::worker::RequestError| MediaError::Worker(e.to_string());
        let workers = self.pool.workers();
        let worker_dumps = try_join_all(workers.iter().map(|slot| slot.worker.dump()))
            .await
            .map_err(failed)?;
        let rooms = self.running_rooms();
        let routers: Vec<Router> = rooms.iter().flat_map(|r| r.routers()).collect();
        let router_dumps = try_join_all(routers.iter().map(Router::dump))
            .await
            .map_err(failed)?;
        let mut counts = Resources {
            rooms: rooms.len(),
            sessions: self.sessions.lock().len(),
            ..Default::default()
        };
        for dump in &worker_dumps {
            counts.routers += dump.router_ids.len();
            counts.webrtc_servers += dump.webrtc_server_ids.len();
        }
        for dump in &router_dumps {
            counts.transports += dump.transport_ids.len();
            counts.producers += dump.map_producer_id_consumer_ids.len();
            counts.consumers += dump.map_consumer_id_producer_id.len();
            counts.data_producers += dump.map_data_producer_id_data_consumer_ids.len();
            counts.data_consumers += dump.map_data_consumer_id_data_producer_id.len();
            counts.rtp_observers += dump.rtp_observer_ids.len();
        }
        for room in &rooms {
            counts.participants += room.counts().members;
            counts.reservations += room.pending_reservations();
        }
        Ok(counts)
    }
}
