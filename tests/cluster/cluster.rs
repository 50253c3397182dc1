//! `pnl-voice cluster`: one node process per core sharing Redis. A child
//! killed with SIGKILL leaves the rooms of the others forwarding audio, is
//! started again, and its rooms come back on the next join.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pnl_voice_testkit::flows::{start_call, Call, T};
use pnl_voice_testkit::frames::numbered_frame;
use pnl_voice_testkit::node::random_address;
use pnl_voice_testkit::ports::free_rtc_ports;
use pnl_voice_testkit::redis::RedisServer;
use pnl_voice_testkit::signal::SignalClient;
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

/// A `pnl-voice cluster --processes 2` (node ids `t-0`, `t-1`); stopped
/// with SIGTERM when dropped.
pub(crate) struct Cluster {
    parent: Child,
    /// The first child's HTTP port (the second's is the next one).
    pub(crate) base: u16,
}

impl Cluster {
    fn start(redis: &RedisServer) -> Self {
        Self::start_with(redis, &[])
    }

    /// Starts it with `env` set for the parent (and so its children).
    pub(crate) fn start_with(redis: &RedisServer, env: &[(&str, &str)]) -> Self {
        // The HTTP ports of the cluster's two nodes (free for TCP too).
        let base = free_rtc_ports(2);
        let dir = std::env::temp_dir().join(format!("pnl-voice-cluster-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let config = dir.join("cluster.toml");
        std::fs::write(
            &config,
            format!(
                "http_listen = \"127.0.0.1:{base}\"\nnode_id = \"t\"\nredis_url = \"{}\"\n\
                 jwt_secret = \"a shared secret of at least thirty-two bytes\"\n\
                 registry_heartbeat_secs = 1\nregistry_node_ttl_secs = 3\n\
                 registry_cpu_threshold_percent = 10000.0\n[rooms]\ndestroy_after_minutes = 0\n",
                redis.url()
            ),
        )
        .unwrap();
        let parent = Command::new(env!("CARGO_BIN_EXE_pnl-voice"))
            .arg("--config")
            .arg(&config)
            .args(["cluster", "--processes", "2"])
            .env("MEDIASOUP_LISTEN_IP", "127.0.0.1")
            .env(
                "MEDIASOUP_WEBRTC_SERVER_PORT",
                free_rtc_ports(2).to_string(),
            )
            // The children stop at once when the test ends.
            .env("PNL_VOICE_SHUTDOWN_DELAY_SECS", "0")
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cluster starts");
        Self { parent, base }
    }

    fn http(&self, child: u16) -> String {
        format!("http://127.0.0.1:{}", self.base + child)
    }

    /// The pid a child's /health reports, once it answers.
    async fn pid(&self, child: u16) -> Option<u64> {
        let response = reqwest::get(format!("{}/health", self.http(child)))
            .await
            .ok()?;
        let body: Value = response.json().await.ok()?;
        body["pid"].as_u64()
    }

    /// Waits (bounded) for `child` to answer, with a pid other than `not`.
    pub(crate) async fn wait_pid(&self, child: u16, not: Option<u64>) -> u64 {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(pid) = self.pid(child).await.filter(|p| Some(*p) != not) {
                return pid;
            }
            assert!(Instant::now() < deadline, "child {child} never answered");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn connect(&self, child: u16, wallet: &TestWallet) -> SignalClient {
        let token = wallet.login(&self.http(child)).await.unwrap();
        SignalClient::connect(&format!(
            "ws://127.0.0.1:{}/ws?token={token}",
            self.base + child
        ))
        .await
        .unwrap()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // SAFETY: signalling our own child process.
        unsafe { libc::kill(self.parent.id() as libc::pid_t, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.parent.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.parent.kill();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_child_is_restarted_and_the_others_keep_forwarding_audio() {
    let redis = RedisServer::start();
    let cluster = Cluster::start(&redis);
    cluster.wait_pid(0, None).await;
    let doomed = cluster.wait_pid(1, None).await;

    let (speaker, listener) = (TestWallet::new(), TestWallet::new());
    let market = random_address();
    let mut s = cluster.connect(0, &speaker).await;
    let mut l = cluster.connect(0, &listener).await;
    let Call { send, recv, .. } = start_call(&mut s, &mut l, &market).await;

    let elsewhere = random_address();
    let mut other = cluster.connect(1, &TestWallet::new()).await;
    other
        .request("voice:join", json!({"marketAddress": elsewhere}))
        .await
        .unwrap();

    // SAFETY: killing the child process the cluster started (a crash).
    assert_eq!(
        unsafe { libc::kill(doomed as libc::pid_t, libc::SIGKILL) },
        0
    );
    send.send_frames(20, Duration::from_millis(20), |n| numbered_frame(n, 60))
        .await
        .unwrap();
    recv.wait_received(15, T)
        .await
        .expect("the other child keeps forwarding audio");

    let reborn = cluster.wait_pid(1, Some(doomed)).await;
    assert_ne!(reborn, doomed, "the dead child was started again");

    let guest = TestWallet::new();
    let token = guest.login(&cluster.http(0)).await.unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/api/voice/join", cluster.http(0)))
        .bearer_auth(token)
        .json(&json!({"marketAddress": elsewhere, "walletAddress": guest.address()}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["nodeId"], "t-1",
        "the room is back on the restarted child"
    );
    assert_eq!(
        body["data"]["participants"],
        json!([]),
        "the crashed room's members are gone"
    );
    send.close().await;
    recv.close().await;
}
