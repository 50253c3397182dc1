//! The server over time: its resident memory, its resource counts
//! (`GET /health?resources=1`, read from mediasoup) and the registry's keys
//! in Redis, by prefix.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use deadpool_redis::redis::{self, aio::MultiplexedConnection};
use parking_lot::Mutex;
use serde_json::{json, Value};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::churn::Churn;
use crate::common::measure::Usage;

/// Bound of one `/health` or Redis call.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// Registry keys that belong to the node itself and stay while it runs,
/// and the moderation ledger's, which expire by themselves (a churn record
/// a minute after the wallet's last join, a ban when it ends).
const NODE_KEYS: [&str; 6] = ["node", "worker", "nodes", "ban", "churn", "join-rate"];
/// Resource counts that stay while the node runs.
const PERMANENT: [&str; 1] = ["webrtcServers"];
/// Pause between the samples taken while waiting for the counts to settle.
const SETTLE_STEP: Duration = Duration::from_secs(1);
/// How long the counts must stay at zero to count as settled (two
/// registry heartbeats and more).
const SETTLED_FOR: Duration = Duration::from_secs(5);

/// One look at the server.
#[derive(Clone)]
pub struct Sample {
    /// Seconds since the run began.
    pub t: f64,
    /// The run's phase then.
    pub phase: String,
    /// The server's resident memory.
    pub rss_mib: f64,
    /// `/health?resources=1`'s `resources`, or `null` when it did not answer.
    pub resources: Value,
    /// Registry keys by prefix (`room`, `user`, `queue`, `node`, …).
    pub keys: BTreeMap<String, u64>,
}

impl Sample {
    /// What should be gone once every client has left: every non-zero
    /// resource count but the permanent ones, and every registry key but
    /// the node's own.
    pub fn leftovers(&self) -> Vec<(String, u64)> {
        let Some(resources) = self.resources.as_object() else {
            return vec![("resources unreadable".into(), 1)];
        };
        let counts = resources
            .iter()
            .filter(|(name, _)| !PERMANENT.contains(&name.as_str()))
            .map(|(name, n)| (name.clone(), n.as_u64().unwrap_or(1)));
        let keys = self
            .keys
            .iter()
            .filter(|(prefix, _)| !NODE_KEYS.contains(&prefix.as_str()))
            .map(|(prefix, n)| (format!("{prefix}:* keys"), *n));
        counts.chain(keys).filter(|(_, n)| *n > 0).collect()
    }

    /// The count `name` of the resources (0 if absent).
    pub fn count(&self, name: &str) -> u64 {
        self.resources[name].as_u64().unwrap_or(0)
    }

    /// As JSON.
    pub fn to_json(&self) -> Value {
        json!({
            "t": self.t, "phase": self.phase, "rssMiB": self.rss_mib,
            "resources": self.resources, "registryKeys": self.keys,
        })
    }
}

/// Samples of one server, kept in order.
pub struct Series {
    pid: u64,
    health: String,
    http: reqwest::Client,
    redis: MultiplexedConnection,
    started: Instant,
    phase: Mutex<String>,
    samples: Mutex<Vec<Sample>>,
    /// Whether the server's threads were dumped (see [`Series::dump_threads_once`]).
    dumped: Mutex<bool>,
}

impl Series {
    /// Samples of the server process `pid` answering at `http`, with its
    /// registry at `redis_url`.
    pub async fn new(pid: u64, http: &str, redis_url: &str) -> Arc<Self> {
        let redis = redis::Client::open(redis_url)
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap();
        Arc::new(Self {
            pid,
            health: format!("{http}/health?resources=1"),
            http: reqwest::Client::builder()
                .timeout(CALL_TIMEOUT)
                .build()
                .unwrap(),
            redis,
            started: Instant::now(),
            phase: Mutex::new("start".into()),
            samples: Mutex::new(Vec::new()),
            dumped: Mutex::new(false),
        })
    }

    /// Names the phase the next samples belong to.
    pub fn set_phase(&self, phase: &str) {
        *self.phase.lock() = phase.into();
    }

    /// Takes a sample and keeps it.
    pub async fn take(&self) -> Sample {
        let resources = async {
            self.http
                .get(&self.health)
                .send()
                .await?
                .json::<Value>()
                .await
        };
        let resources = resources
            .await
            .map_or(Value::Null, |h| h["resources"].clone());
        let mut redis = self.redis.clone();
        let keys = tokio::time::timeout(
            CALL_TIMEOUT,
            redis::cmd("KEYS")
                .arg("*")
                .query_async::<Vec<String>>(&mut redis),
        )
        .await;
        let mut by_prefix = BTreeMap::new();
        for key in keys.ok().and_then(Result::ok).unwrap_or_default() {
            let prefix = key.split(':').next().unwrap_or(&key).to_string();
            *by_prefix.entry(prefix).or_default() += 1;
        }
        let sample = Sample {
            t: self.started.elapsed().as_secs_f64(),
            phase: self.phase.lock().clone(),
            rss_mib: Usage::of(self.pid).rss_mib(),
            resources,
            keys: by_prefix,
        };
        if sample.resources.is_null() {
            self.dump_threads_once().await;
        }
        self.samples.lock().push(sample.clone());
        sample
    }

    /// The first time the server does not answer, writes the backtraces of
    /// all its threads (gdb, when installed) to `soak-hang-backtraces.txt`
    /// in the output folder, to show where a stuck server is stuck.
    async fn dump_threads_once(&self) {
        if std::mem::replace(&mut *self.dumped.lock(), true) {
            return;
        }
        let pid = self.pid.to_string();
        let path = crate::common::report::out_dir().join("soak-hang-backtraces.txt");
        let dumped = tokio::task::spawn_blocking(move || {
            let out = std::process::Command::new("gdb")
                .args(["-p", &pid, "-batch", "-ex", "thread apply all bt"])
                .output()?;
            std::fs::create_dir_all(path.parent().expect("a file in a folder"))?;
            std::fs::write(&path, [out.stdout, out.stderr].concat())?;
            Ok::<_, std::io::Error>(path)
        })
        .await
        .expect("the dump does not panic");
        match dumped {
            Ok(path) => println!(
                "server not answering: thread backtraces in {}",
                path.display()
            ),
            Err(e) => println!("server not answering; no backtraces (gdb: {e})"),
        }
    }

    /// Every sample so far.
    pub fn samples(&self) -> Vec<Sample> {
        self.samples.lock().clone()
    }

    /// Samples every `every` until `stop` turns true.
    pub async fn run(self: Arc<Self>, every: Duration, mut stop: watch::Receiver<bool>) {
        let mut tick = tokio::time::interval(every);
        loop {
            tokio::select! {
                _ = stop.changed() => return,
                _ = tick.tick() => {
                    self.take().await;
                }
            }
        }
    }

    /// Waits until nothing is left over for [`SETTLED_FOR`], or `within`
    /// has passed; returns the last sample and how long it took.
    pub async fn settle(&self, churn: &Churn, within: Duration) -> (Sample, Duration) {
        let started = Instant::now();
        let mut clean_since: Option<Instant> = None;
        loop {
            churn.reap_silent(false);
            let sample = self.take().await;
            let clean = sample.leftovers().is_empty();
            clean_since = if clean {
                clean_since.or(Some(Instant::now()))
            } else {
                None
            };
            let settled = clean_since.is_some_and(|t| t.elapsed() >= SETTLED_FOR);
            if settled || started.elapsed() >= within {
                return (sample, started.elapsed());
            }
            tokio::time::sleep(SETTLE_STEP).await;
        }
    }
}
