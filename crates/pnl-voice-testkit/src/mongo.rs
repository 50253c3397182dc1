//! A MongoDB-wire server for the store's tests: `MONGODB_URI` when set (a
//! real mongod), otherwise SecantusDB (PyPI `secantusdb`, installed by
//! `make test-deps` into the Python named by `PNL_VOICE_MONGO_PYTHON`) on a
//! free loopback port. Neither is a loud failure, never a skip.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A server the MongoDB store can use; a spawned one is killed when dropped.
pub struct MongoServer {
    base: String,
    child: Option<Child>,
}

impl MongoServer {
    /// Starts (or finds) the server and waits until it accepts connections.
    pub fn start() -> Self {
        if let Ok(uri) = std::env::var("MONGODB_URI") {
            return Self {
                base: uri.trim_end_matches('/').to_string(),
                child: None,
            };
        }
        let python = std::env::var("PNL_VOICE_MONGO_PYTHON").expect(
            "no MongoDB server for the store tests: set MONGODB_URI, or run `make test-deps` \
             and set PNL_VOICE_MONGO_PYTHON (make test does both)",
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut server = Self {
            base: format!("mongodb://127.0.0.1:{port}"),
            child: None,
        };
        server.spawn(&python, port);
        server
    }

    fn spawn(&mut self, python: &str, port: u16) {
        let child = Command::new(python)
            .args(["-m", "secantus", "--host", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .args(["--storage-path", ":memory:", "--cache-size", "256M"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the MongoDB-wire server starts (make test-deps)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "the MongoDB-wire server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A URI for a fresh database of its own (one per test).
    pub fn fresh_uri(&self) -> String {
        let db = format!("pnl_voice_test_{}", rand::random::<u32>());
        let (hosts, params) = match self.base.split_once('?') {
            Some((hosts, params)) => (hosts, params.to_string()),
            None if self.child.is_some() => (self.base.as_str(), "directConnection=true".into()),
            None => (self.base.as_str(), String::new()),
        };
        let scheme_end = hosts.find("://").map_or(0, |i| i + 3);
        let hosts = match hosts[scheme_end..].find('/') {
            Some(slash) => &hosts[..scheme_end + slash],
            None => hosts,
        };
        if params.is_empty() {
            format!("{hosts}/{db}")
        } else {
            format!("{hosts}/{db}?{params}")
        }
    }
}

impl Drop for MongoServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
