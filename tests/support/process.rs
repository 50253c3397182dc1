//! A `pnl-voice` server as its own process (for signals and restarts).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::ports::free_rtc_ports;
use super::signal::SignalClient;
use super::wallet::TestWallet;

/// heaptrack's preload library in Debian's `heaptrack` package.
const HEAPTRACK_PRELOAD: &str = "/usr/lib/heaptrack/libheaptrack_preload.so";

/// A server process; killed when dropped.
pub struct NodeProcess {
    /// Its HTTP port on 127.0.0.1.
    pub port: u16,
    /// Its worker's RTC port (UDP), the same across restarts.
    pub rtc_port: u16,
    config: PathBuf,
    child: Option<Child>,
}

impl NodeProcess {
    /// Starts `pnl-voice --config <toml>` where the TOML is `config` with
    /// `http_listen` on a free loopback port and dev mode prepended, and
    /// waits for /health.
    pub async fn start(config: &str) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let path =
            std::env::temp_dir().join(format!("pnl-voice-node-{}.toml", rand::random::<u64>()));
        std::fs::write(
            &path,
            format!("http_listen = \"127.0.0.1:{port}\"\nworkers = 1\ndev = true\n{config}"),
        )
        .unwrap();
        let mut node = Self {
            port,
            rtc_port: free_rtc_ports(1),
            config: path,
            child: None,
        };
        node.restart().await;
        node
    }

    /// Starts the process (again, with the same config) and waits for /health.
    pub async fn restart(&mut self) {
        assert!(self.child.is_none(), "still running");
        // PNL_VOICE_BIN runs another build of the server (a benchmark of a
        // copied binary while the target folder is rebuilt meanwhile).
        let binary = std::env::var("PNL_VOICE_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_pnl-voice").to_owned());
        let mut command = Command::new(binary);
        // Leak hunting (benches/README.md, "Soak"): every allocation of the
        // server process traced by Debian's heaptrack into this file.
        if let Ok(trace) = std::env::var("PNL_VOICE_HEAPTRACK") {
            command
                .env("LD_PRELOAD", HEAPTRACK_PRELOAD)
                .env("DUMP_HEAPTRACK_OUTPUT", trace);
        }
        let child = command
            .arg("--config")
            .arg(&self.config)
            .env("MEDIASOUP_LISTEN_IP", "127.0.0.1")
            .env("MEDIASOUP_WEBRTC_SERVER_PORT", self.rtc_port.to_string())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("pnl-voice starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = reqwest::get(format!("{}/health", self.http())).await {
                if r.status().is_success() {
                    return;
                }
            }
            assert!(Instant::now() < deadline, "the node never became healthy");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `http://127.0.0.1:port`.
    pub fn http(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `ws://127.0.0.1:port/ws`.
    pub fn ws(&self) -> String {
        format!("ws://127.0.0.1:{}/ws", self.port)
    }

    /// Logs `wallet` in and opens its signaling socket; returns the socket
    /// and the JWT.
    pub async fn connect(&self, wallet: &TestWallet) -> (SignalClient, String) {
        let token = wallet.login(&self.http()).await.expect("login");
        let client = SignalClient::connect(&format!("{}?token={token}", self.ws()))
            .await
            .expect("socket opens");
        (client, token)
    }

    /// Sends `signal` and waits (bounded) for the process to exit.
    pub async fn signal_and_wait(&mut self, signal: libc::c_int, within: Duration) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        // SAFETY: signalling our own child process.
        unsafe { libc::kill(child.id() as libc::pid_t, signal) };
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the node did not exit within {within:?} of signal {signal}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_file(&self.config);
    }
}
