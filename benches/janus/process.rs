//! Janus (Debian's `janus` 1.1.2) as its own process, with a configuration
//! of its own: VideoRoom only, WebSocket API on a free loopback port, one
//! event loop for all media, and the `loopback_only.c` shim preloaded so
//! that its ICE candidates are 127.0.0.1 (see `benches/README.md`); on the
//! libsrtp build asked for ([`Srtp`]).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::srtp::Srtp;

/// Where Debian installs Janus's plugins.
const PLUGIN_DIR: &str = "/usr/lib/x86_64-linux-gnu/janus";
/// The shim's source.
const SHIM_SOURCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/janus/loopback_only.c");
/// How long Janus gets to open its WebSocket port.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// Janus's RTP/ICE ports: below the kernel's ephemeral range (where the
/// generator's sockets are) and apart from our server's 20000–29999.
const RTP_PORTS: &str = "10000-19999";
/// Plugins left out: all but VideoRoom.
const UNUSED_PLUGINS: [&str; 11] = [
    "audiobridge",
    "duktape",
    "echotest",
    "lua",
    "nosip",
    "recordplay",
    "sip",
    "streaming",
    "textroom",
    "videocall",
    "voicemail",
];
/// Transports left out: all but WebSockets.
const UNUSED_TRANSPORTS: [&str; 5] = ["http", "pfunix", "mqtt", "nanomsg", "rabbitmq"];

/// A running Janus; killed (and its folder removed) when dropped.
pub struct JanusProcess {
    child: Child,
    dir: PathBuf,
    port: u16,
}

impl JanusProcess {
    /// Writes the configuration, builds the shim and starts Janus with it
    /// preloaded, on `srtp`; returns once the WebSocket port accepts
    /// connections and Janus is seen to map that libsrtp.
    /// `PNL_BENCH_JANUS_LOG=<file>` appends Janus's log at debug level 5 there.
    pub async fn start(srtp: Srtp) -> Self {
        let dir = std::env::temp_dir().join(format!("pnl-voice-janus-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::env::var_os("PNL_BENCH_JANUS_LOG");
        write_config(&dir, port, if log.is_some() { 5 } else { 3 });
        let shim = build_shim(&dir);
        let stdout = match &log {
            Some(path) => Stdio::from(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .expect("Janus log file"),
            ),
            None => Stdio::null(),
        };
        let mut command = Command::new("janus");
        command
            .arg("--configs-folder")
            .arg(&dir)
            .arg("--config")
            .arg(dir.join("janus.jcfg"))
            .env("LD_PRELOAD", &shim);
        let inherited = std::env::var("LD_LIBRARY_PATH").ok();
        if let Some(path) = srtp.library_path(inherited.as_deref()) {
            command.env("LD_LIBRARY_PATH", path);
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(Stdio::inherit())
            .spawn()
            .expect("janus is installed (apt install janus)");
        let mut janus = Self { child, dir, port };
        janus.wait_ready().await;
        srtp.check_mapped(janus.child.id());
        janus
    }

    /// Its process id.
    pub fn pid(&self) -> u64 {
        self.child.id().into()
    }

    /// `ws://127.0.0.1:port`, Janus's WebSocket API.
    pub fn ws(&self) -> String {
        format!("ws://127.0.0.1:{}", self.port)
    }

    async fn wait_ready(&mut self) {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("janus exited at start: {status}");
            }
            assert!(Instant::now() < deadline, "janus did not open its port");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for JanusProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Compiles `loopback_only.c` into `dir`; returns the library's path.
fn build_shim(dir: &Path) -> PathBuf {
    let shim = dir.join("libloopback.so");
    let status = Command::new("cc")
        .args(["-shared", "-fPIC", "-O2", "-Wall", "-o"])
        .arg(&shim)
        .arg(SHIM_SOURCE)
        .arg("-ldl")
        .status()
        .expect("a C compiler (cc)");
    assert!(status.success(), "building {SHIM_SOURCE} failed");
    shim
}

/// Janus's own configuration files in `dir`: audio rooms only need the
/// defaults, except that all media share one event loop (one thread, like
/// our one mediasoup worker) and logs stay at warnings (ours run at `warn`).
fn write_config(dir: &Path, port: u16, debug_level: u8) {
    let list = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("libjanus_{n}.so"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let general = format!(
        "general: {{\n configs_folder = \"{dir}\"\n plugins_folder = \"{PLUGIN_DIR}/plugins\"\n \
         transports_folder = \"{PLUGIN_DIR}/transports\"\n events_folder = \"{PLUGIN_DIR}/events\"\n \
         loggers_folder = \"{PLUGIN_DIR}/loggers\"\n debug_level = {debug_level}\n \
         interface = \"127.0.0.1\"\n session_timeout = 0\n event_loops = 1\n}}\n",
        dir = dir.display()
    );
    let rest = format!(
        "media: {{\n rtp_port_range = \"{RTP_PORTS}\"\n}}\nnat: {{\n ignore_mdns = true\n}}\n\
         plugins: {{\n disable = \"{}\"\n}}\ntransports: {{\n disable = \"{}\"\n}}\n\
         loggers: {{\n disable = \"libjanus_jsonlog.so\"\n}}\nevents: {{\n broadcast = false\n}}\n",
        list(&UNUSED_PLUGINS),
        list(&UNUSED_TRANSPORTS)
    );
    std::fs::write(dir.join("janus.jcfg"), general + &rest).unwrap();
    std::fs::write(
        dir.join("janus.transport.websockets.jcfg"),
        format!(
            "general: {{\n json = \"compact\"\n ws = true\n ws_port = {port}\n ws_ip = \"127.0.0.1\"\n wss = false\n}}\n\
             admin: {{\n admin_ws = false\n admin_wss = false\n}}\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("janus.plugin.videoroom.jcfg"), "general: {\n}\n").unwrap();
}
