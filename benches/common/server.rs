//! Our server as its own process for a benchmark, in a scratch folder with
//! its markets file and embedded store, an RTC port range wide enough for
//! every client, and placement's CPU threshold out of the way (the
//! generator loads the machine on purpose).

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Value};

use crate::support::process::NodeProcess;

/// Bound of one `/health` call.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// A running server; killed, and its folder removed, when dropped.
pub struct BenchServer {
    /// The server's process id (from `/health`).
    pub pid: u64,
    node: Option<NodeProcess>,
    dir: PathBuf,
}

impl BenchServer {
    /// Starts `pnl-voice` with `markets` (entries of the markets file, docs/protocol.md)
    /// and `config`, TOML after the base settings (top-level keys first,
    /// then tables).
    pub async fn start(markets: &[Value], config: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("pnl-voice-bench-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let markets_file = dir.join("markets.json");
        std::fs::write(&markets_file, json!({ "markets": markets }).to_string()).unwrap();
        let node = NodeProcess::start(&format!(
            "markets_file = {:?}\ndata_dir = {:?}\nregistry_cpu_threshold_percent = 10000.0\n{config}",
            markets_file.display().to_string(),
            dir.display().to_string()
        ))
        .await;
        let mut server = Self {
            pid: 0,
            node: Some(node),
            dir,
        };
        server.pid = server.health("").await["pid"]
            .as_u64()
            .expect("/health names the pid");
        server
    }

    /// The server process.
    pub fn node(&self) -> &NodeProcess {
        self.node.as_ref().expect("running until dropped")
    }

    /// `GET /health{query}`, e.g. `?resources=1`; `null` if it did not answer.
    pub async fn health(&self, query: &str) -> Value {
        let answer = async {
            reqwest::Client::builder()
                .timeout(HTTP_TIMEOUT)
                .build()?
                .get(format!("{}/health{query}", self.node().http()))
                .send()
                .await?
                .json()
                .await
        };
        answer.await.unwrap_or(Value::Null)
    }
}

impl Drop for BenchServer {
    fn drop(&mut self) {
        drop(self.node.take());
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
