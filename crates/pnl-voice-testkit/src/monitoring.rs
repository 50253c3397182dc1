//! Debian's `prometheus` and `prometheus-alertmanager` as processes of the
//! test, each with a folder of its own (its configuration, storage, and
//! what the test adds there) on a free loopback port, killed and removed
//! when dropped. Installed by `scripts/setup-system.sh test`; a missing
//! binary fails the test with that hint.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A running Prometheus.
pub struct Prometheus {
    /// Its HTTP port on 127.0.0.1.
    pub port: u16,
    process: Process,
}

impl Prometheus {
    /// Writes `files` (path, content) into a fresh folder, then starts
    /// `prometheus` on its `prometheus.yml` (relative paths in it, rule
    /// files and `file_sd` patterns, resolve from the folder) with storage
    /// in the folder, and waits until it is ready.
    pub async fn start(files: &[(&str, &str)]) -> Self {
        let port = free_port();
        let dir = folder("prometheus", files);
        let process = Process::spawn(
            "prometheus",
            dir,
            |dir| {
                vec![
                    format!("--config.file={}", dir.join("prometheus.yml").display()),
                    format!("--storage.tsdb.path={}", dir.join("data").display()),
                    format!("--web.listen-address=127.0.0.1:{port}"),
                ]
            },
            port,
        )
        .await;
        Self { port, process }
    }

    /// The folder its files are in.
    pub fn dir(&self) -> &Path {
        &self.process.dir
    }

    /// `http://127.0.0.1:port`.
    pub fn http(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The `data` of `GET /api/v1/{path}`.
    pub async fn api(&self, path: &str) -> Value {
        let body: Value = reqwest::get(format!("{}/api/v1/{path}", self.http()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["status"], "success", "{path}: {body}");
        body["data"].clone()
    }

    /// The end of its log, for a failure message.
    pub fn log_tail(&self) -> String {
        self.process.log_tail()
    }
}

/// A running Alertmanager, gossip off (a cluster of one).
pub struct Alertmanager {
    /// Its HTTP port on 127.0.0.1.
    pub port: u16,
    process: Process,
}

impl Alertmanager {
    /// Starts `prometheus-alertmanager` on `config` (the text of its
    /// `alertmanager.yml`) with storage in a fresh folder, and waits until
    /// it is ready.
    pub async fn start(config: &str) -> Self {
        let port = free_port();
        let dir = folder("alertmanager", &[("alertmanager.yml", config)]);
        let process = Process::spawn(
            "prometheus-alertmanager",
            dir,
            |dir| {
                vec![
                    format!("--config.file={}", dir.join("alertmanager.yml").display()),
                    format!("--storage.path={}", dir.join("data").display()),
                    format!("--web.listen-address=127.0.0.1:{port}"),
                    // Empty: no gossip listener (the default binds 0.0.0.0:9094).
                    "--cluster.listen-address=".into(),
                ]
            },
            port,
        )
        .await;
        Self { port, process }
    }

    /// `127.0.0.1:port`, as Prometheus's `alerting` block names it.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The end of its log, for a failure message.
    pub fn log_tail(&self) -> String {
        self.process.log_tail()
    }
}

/// A child process logging into `dir/log`, and its folder; both gone on drop.
struct Process {
    dir: PathBuf,
    child: Child,
}

impl Process {
    async fn spawn(
        program: &str,
        dir: PathBuf,
        args: impl FnOnce(&Path) -> Vec<String>,
        port: u16,
    ) -> Self {
        let log = std::fs::File::create(dir.join("log")).unwrap();
        let child = Command::new(program)
            .args(args(&dir))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| {
                let _ = std::fs::remove_dir_all(&dir);
                panic!(
                    "cannot start {program} ({e}): install it with `scripts/setup-system.sh test`"
                )
            });
        let mut process = Self { dir, child };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = reqwest::get(format!("http://127.0.0.1:{port}/-/ready")).await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return process;
            }
            if let Ok(Some(status)) = process.child.try_wait() {
                panic!("{program} exited ({status}):\n{}", process.log_tail());
            }
            assert!(
                Instant::now() < deadline,
                "{program} not ready within 30 s:\n{}",
                process.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("log")).unwrap_or_default();
        let lines: Vec<_> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A fresh folder under the system's temporary one holding `files` (their
/// names may have folders: `targets/.gitignore`).
fn folder(kind: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pnl-voice-{kind}-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, content) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
