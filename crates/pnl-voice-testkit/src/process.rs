//! A `pnl-voice` server as its own process (for signals and restarts).

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::ports::free_rtc_ports;
use crate::signal::SignalClient;
use crate::wallet::TestWallet;

use seccompiler::{BpfProgram, SeccompAction, SeccompFilter};

/// heaptrack's preload library in Debian's `heaptrack` package.
const HEAPTRACK_PRELOAD: &str = "/usr/lib/heaptrack/libheaptrack_preload.so";

/// The `pnl-voice` binary to start: `PNL_VOICE_BIN` when set (a benchmark
/// of a copied binary while the target folder is rebuilt meanwhile), else
/// the one Cargo built beside the running test or benchmark, which lives in
/// `<target>/<profile>/deps/` (`CARGO_BIN_EXE_pnl-voice` names it only to
/// the server crate's own test targets, not to this crate).
pub fn server_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("PNL_VOICE_BIN") {
        return bin.into();
    }
    let exe = std::env::current_exe().expect("the path of the running binary");
    let profile = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("a test binary lives in <target>/<profile>/deps");
    let binary = profile.join(format!("pnl-voice{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is missing: Cargo builds it before running the server crate's tests and benchmarks",
        binary.display()
    );
    binary
}

/// A server process; killed when dropped.
pub struct NodeProcess {
    /// Its HTTP port on 127.0.0.1.
    pub port: u16,
    /// Its worker's RTC port (UDP), the same across restarts.
    pub rtc_port: u16,
    config: PathBuf,
    /// `PNL_VOICE_SHUTDOWN_DELAY_SECS` of the process.
    shutdown_delay_secs: u64,
    /// A seccomp filter the process runs under (inherited across `exec`).
    seccomp: Option<BpfProgram>,
    child: Option<Child>,
}

impl NodeProcess {
    /// Starts `pnl-voice --config <toml>` where the TOML is `config` with
    /// `http_listen` on a free loopback port and dev mode prepended, and
    /// waits for /health. It shuts down without the delay of
    /// `PNL_VOICE_SHUTDOWN_DELAY_SECS` (so a test's SIGTERM is not slowed
    /// down); [`NodeProcess::start_with_shutdown_delay`] gives it one.
    pub async fn start(config: &str) -> Self {
        Self::start_with_shutdown_delay(config, 0).await
    }

    /// As [`NodeProcess::start`], serving on, not ready, for `delay_secs`
    /// after its first SIGTERM.
    pub async fn start_with_shutdown_delay(config: &str, delay_secs: u64) -> Self {
        Self::launch(config, delay_secs, None).await
    }

    /// As [`NodeProcess::start`], in a process where `io_uring_setup` fails
    /// with `EPERM`, as under Docker's default seccomp profile.
    pub async fn start_without_io_uring(config: &str) -> Self {
        Self::launch(config, 0, Some(io_uring_denied())).await
    }

    async fn launch(config: &str, delay_secs: u64, seccomp: Option<BpfProgram>) -> Self {
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
            shutdown_delay_secs: delay_secs,
            seccomp,
            child: None,
        };
        node.restart().await;
        node
    }

    /// Starts the process (again, with the same config) and waits for /health.
    pub async fn restart(&mut self) {
        assert!(self.child.is_none(), "still running");
        let mut command = Command::new(server_binary());
        // Leak hunting (benches/README.md, "Soak"): every allocation of the
        // server process traced by Debian's heaptrack into this file.
        if let Ok(trace) = std::env::var("PNL_VOICE_HEAPTRACK") {
            command
                .env("LD_PRELOAD", HEAPTRACK_PRELOAD)
                .env("DUMP_HEAPTRACK_OUTPUT", trace);
        }
        if let Some(program) = self.seccomp.clone() {
            // SAFETY: between fork and exec the closure only makes the
            // prctl and seccomp system calls, on a program built beforehand.
            unsafe {
                command.pre_exec(move || {
                    seccompiler::apply_filter(&program).map_err(std::io::Error::other)
                });
            }
        }
        let child = command
            .arg("--config")
            .arg(&self.config)
            .env("MEDIASOUP_LISTEN_IP", "127.0.0.1")
            .env("MEDIASOUP_WEBRTC_SERVER_PORT", self.rtc_port.to_string())
            .env(
                "PNL_VOICE_SHUTDOWN_DELAY_SECS",
                self.shutdown_delay_secs.to_string(),
            )
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
        self.signal(signal);
        self.wait_exit(within).await
    }

    /// Sends `signal` to the running process.
    pub fn signal(&self, signal: libc::c_int) {
        let child = self.child.as_ref().expect("running");
        // SAFETY: signalling our own child process.
        unsafe { libc::kill(child.id() as libc::pid_t, signal) };
    }

    /// Waits (bounded) for the process to exit; kills it and panics past
    /// `within`.
    pub async fn wait_exit(&mut self, within: Duration) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the node did not exit within {within:?}");
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

/// A seccomp filter that fails `io_uring_setup` with `EPERM` and allows
/// every other system call.
fn io_uring_denied() -> BpfProgram {
    SeccompFilter::new(
        [(libc::SYS_io_uring_setup, vec![])].into_iter().collect(),
        SeccompAction::Allow,
        SeccompAction::Errno(libc::EPERM as u32),
        std::env::consts::ARCH
            .try_into()
            .expect("seccompiler knows this architecture"),
    )
    .and_then(BpfProgram::try_from)
    .expect("the io_uring filter compiles")
}
