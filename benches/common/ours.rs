//! Our server as the SFU under load: the `pnl-voice` process with one
//! mediasoup worker and the embedded store, driven over its WebSocket
//! contract as mediasoup-client would.

use std::time::Instant;

use serde_json::json;

use super::scenario::{Listener, Sfu};
use super::server::BenchServer;
use crate::support::flows::{join_room, start_listening, start_speaking, T};
use crate::support::node::random_address;
use crate::support::rtc::RtcTransport;
use crate::support::signal::SignalClient;
use crate::support::wallet::TestWallet;

/// The limits the load would hit, lifted: room size, per-socket request
/// rate, sockets, REST calls, challenges and new rooms per address (every
/// client comes from 127.0.0.1).
const LIFTED_LIMITS: &str = "[rooms]\nmax_participants = 10000\nfanout_listeners_per_router = 0\n\
    [limits]\nws_requests_per_sec = 1000000\nws_flood_disconnect_after = 1000000\n\
    ws_connections_per_ip = 0\nrest_requests_per_sec = 0\nchallenges_per_ip = 1000000\n\
    rooms_per_minute_per_ip = 0\n";

/// The server process and the market of scenario 4's room.
pub struct Ours {
    server: BenchServer,
    /// A market with a founder, so its members may raise hands.
    founded: String,
}

impl Ours {
    /// Starts the server with the limits lifted that the load would hit.
    pub async fn start() -> Self {
        let founded = random_address();
        let market = json!({
            "marketAddress": founded,
            "founderWallet": random_address(),
            "holdings": {}
        });
        let server = BenchServer::start(&[market], LIFTED_LIMITS).await;
        Self { server, founded }
    }
}

/// A room of ours: its market and the speaker's producer.
pub struct Room {
    market: String,
    producer: String,
}

impl Sfu for Ours {
    type Client = SignalClient;
    type Room = Room;

    fn pid(&self) -> u64 {
        self.server.pid
    }

    async fn speaker(&self) -> (Room, SignalClient, RtcTransport) {
        let market = random_address();
        let (mut speaker, _) = self.server.node().connect(&TestWallet::new()).await;
        let caps = join_room(&mut speaker, &market).await;
        let (send, producer) = start_speaking(&mut speaker, &caps).await;
        send.wait_connected(T).await.unwrap();
        (Room { market, producer }, speaker, send)
    }

    async fn listener(&self, room: &Room) -> Result<Listener<SignalClient>, String> {
        let (mut client, _) = self.server.node().connect(&TestWallet::new()).await;
        let started = Instant::now();
        let caps = join_room(&mut client, &room.market).await;
        let join_ms = started.elapsed().as_secs_f64() * 1000.0;
        let started = Instant::now();
        let (recv, _) = start_listening(&mut client, &caps, &room.producer).await;
        Listener::after_first_audio(client, recv, join_ms, started).await
    }

    async fn member(&self) -> SignalClient {
        let (mut client, _) = self.server.node().connect(&TestWallet::new()).await;
        join_room(&mut client, &self.founded).await;
        client
    }

    async fn toggle(client: &mut SignalClient, up: bool) -> bool {
        let method = if up {
            "voice:raise_hand"
        } else {
            "voice:lower_hand"
        };
        let answered = client.request(method, json!({})).await.is_ok();
        client.clear_buffered();
        answered
    }

    async fn close(client: SignalClient) {
        client.close().await;
    }
}
