//! A real server node (real mediasoup worker) started in-process on loopback.

use std::path::PathBuf;
use std::time::Duration;

use mediasoup::worker::WorkerDump;
use pnl_voice::config::Config;
use pnl_voice::hub::Totals;
use pnl_voice::server::Background;
use serde_json::{json, Value};

use crate::ports::free_rtc_ports;
use crate::signal::SignalClient;
use crate::wallet::TestWallet;

/// A running test node and the files it was given.
pub struct TestNode {
    /// The node.
    pub server: Background,
    markets_file: Option<PathBuf>,
}

/// A market whose founder is `founder`.
pub fn market_with_founder(market: &str, founder: &str) -> Value {
    json!({ "marketAddress": market, "founderWallet": founder, "holdings": {} })
}

/// A fresh random Solana-style address.
pub fn random_address() -> String {
    TestWallet::new().address()
}

impl TestNode {
    /// A node with one worker on 127.0.0.1, RTC ports of its own, empty rooms
    /// destroyed at once, per-address limits sized for a test's load, the
    /// given markets, and `tweak` applied to the config last (a tweak that sets more workers gets ports for them too).
    pub fn start(markets: Vec<Value>, tweak: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config {
            http_listen: "127.0.0.1:0".parse().unwrap(),
            workers: Some(1),
            ..Config::default()
        };
        config.media.listen_ip = "127.0.0.1".parse().unwrap();
        config.media.log_level = "error".into();
        config.media.enable_tcp = false;
        config.rooms.destroy_after_minutes = 0;
        config.dev = true;
        // Nodes in one test process share its CPU time, so a node's CPU
        // figure says nothing here: keep the placement threshold out of the way.
        config.registry_cpu_threshold_percent = 10_000.0;
        // Every client of a test comes from 127.0.0.1: the per-address
        // limits stay on, sized for a test's load (the abuse tests set
        // their own).
        config.limits.rest_requests_per_sec = 1_000;
        config.limits.rest_burst = 2_000;
        config.limits.rooms_per_minute_per_ip = 1_000;
        config.limits.rooms_per_minute_per_wallet = 100;
        let markets_file = (!markets.is_empty()).then(|| {
            let path = std::env::temp_dir()
                .join(format!("pnl-voice-markets-{}.json", rand::random::<u64>()));
            std::fs::write(&path, json!({ "markets": markets }).to_string()).unwrap();
            path
        });
        config.markets_file = markets_file.clone();
        config.data_dir =
            std::env::temp_dir().join(format!("pnl-voice-data-{}", rand::random::<u64>()));
        let default_port = config.media.webrtc_server_port;
        tweak(&mut config);
        if config.media.webrtc_server_port == default_port {
            let workers = u16::try_from(config.worker_count()).unwrap();
            config.media.webrtc_server_port = Some(free_rtc_ports(workers));
        }
        let server = Background::spawn(config).expect("server starts");
        Self {
            server,
            markets_file,
        }
    }

    /// `http://127.0.0.1:port`.
    pub fn http(&self) -> String {
        self.server.http_url()
    }

    /// `ws://127.0.0.1:port/ws`.
    pub fn ws(&self) -> String {
        format!("ws://{}/ws", self.server.addr)
    }

    /// Logs `wallet` in and opens its signaling socket.
    pub async fn connect(&self, wallet: &TestWallet) -> SignalClient {
        let token = wallet.login(&self.http()).await.expect("login");
        SignalClient::connect(&format!("{}?token={token}", self.ws()))
            .await
            .expect("socket opens")
    }

    /// Logs `wallet` in, opens its socket and asks to join `market`: the
    /// socket, and the error code when the join is refused.
    pub async fn try_join(
        &self,
        wallet: &TestWallet,
        market: &str,
    ) -> (SignalClient, Option<String>) {
        let mut ws = self.connect(wallet).await;
        let code = ws
            .request("voice:join", json!({"marketAddress": market}))
            .await
            .err()
            .map(|e| e.code().unwrap_or("?").to_string());
        (ws, code)
    }

    /// Waits (bounded) until the node holds nothing: no room, member,
    /// transport, producer, consumer or session; returns the last totals.
    pub async fn wait_idle(&self, within: Duration) -> Totals {
        self.wait_totals(within, |t| *t == Totals::default()).await
    }

    /// Waits (bounded) until the node's totals satisfy `done`; returns the
    /// last totals. A room publishes its counts after the events and replies
    /// of the step that changed them, so a test that has just read an event
    /// may still see the counts of before.
    pub async fn wait_totals(&self, within: Duration, done: impl Fn(&Totals) -> bool) -> Totals {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let totals = self.server.app.hub.totals();
            if done(&totals) || tokio::time::Instant::now() >= deadline {
                return totals;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits (bounded) until mediasoup reports no router on any worker;
    /// returns the routers and transports it last reported.
    pub async fn wait_worker_empty(&self, within: Duration) -> (usize, usize) {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let counts = self.worker_dump_counts().await;
            if counts == (0, 0) || tokio::time::Instant::now() >= deadline {
                return counts;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// What each worker reports of itself, io_uring included.
    pub async fn worker_dumps(&self) -> Vec<WorkerDump> {
        let mut dumps = Vec::new();
        for slot in self.server.app.hub.pool().workers() {
            dumps.push(slot.worker.dump().await.expect("worker dump"));
        }
        dumps
    }

    /// Routers and transports mediasoup itself reports on every worker.
    pub async fn worker_dump_counts(&self) -> (usize, usize) {
        let mut routers = 0;
        let mut transports = 0;
        for slot in self.server.app.hub.pool().workers() {
            let dump = slot.worker.dump().await.expect("worker dump");
            routers += dump.router_ids.len();
        }
        for room in self.server.app.hub.running_rooms() {
            transports += room.dump().await.expect("router dump").transport_ids.len();
        }
        (routers, transports)
    }
}

impl Drop for TestNode {
    fn drop(&mut self) {
        if let Some(path) = &self.markets_file {
            let _ = std::fs::remove_file(path);
        }
    }
}
