//! Whether the node should be sent new traffic (`GET /health/ready`, the
//! `voice_ready` gauge): a live mediasoup worker, the registry and the
//! store answering a ping within [`PING_WITHIN`], and the node not
//! shutting down. The decision ([`Readiness::from`]) is pure; [`probe`]
//! gathers the checks.

use std::sync::Weak;
use std::time::Duration;

use serde::{Serialize, Serializer};

use crate::hub::Hub;

/// Longest wait for the registry's or the store's answer to a ping.
pub const PING_WITHIN: Duration = Duration::from_secs(1);

/// Why one check does not pass.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotReady {
    /// Every mediasoup worker is dead (the pool replaces them).
    #[error("no live mediasoup worker")]
    NoWorker,
    /// The ping got no answer in time.
    #[error("no answer within {} ms", .0.as_millis())]
    TimedOut(Duration),
    /// The ping failed; the error says why.
    #[error("{0}")]
    Failed(String),
    /// The node was told to stop and serves only until it does.
    #[error("shutting down")]
    Draining,
}

/// One check: passed, or why not.
pub type Check = Result<(), NotReady>;

/// Every check of readiness, as `GET /health/ready` lists them: each is
/// `"ok"` or the reason it fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checks {
    /// At least one mediasoup worker is alive.
    #[serde(serialize_with = "check")]
    pub workers: Check,
    /// The registry (Redis, when `REDIS_URL` is set) answers a ping.
    #[serde(serialize_with = "check")]
    pub registry: Check,
    /// The record store (SQLite or MongoDB) answers a ping.
    #[serde(serialize_with = "check")]
    pub store: Check,
    /// The node is not shutting down.
    #[serde(serialize_with = "check")]
    pub draining: Check,
}

/// `"ok"`, or the reason.
fn check<S: Serializer>(check: &Check, s: S) -> Result<S::Ok, S::Error> {
    match check {
        Ok(()) => s.serialize_str("ok"),
        Err(reason) => s.collect_str(reason),
    }
}

/// The node's readiness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every check passes: send it traffic.
    Ready,
    /// Some check fails: send new traffic elsewhere.
    NotReady,
}

/// The body of `GET /health/ready` (200 when ready, 503 otherwise).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Readiness {
    /// Ready or not.
    pub status: Status,
    /// What was checked.
    pub checks: Checks,
}

impl From<Checks> for Readiness {
    /// Ready exactly when every check passes.
    fn from(checks: Checks) -> Self {
        let all = [
            &checks.workers,
            &checks.registry,
            &checks.store,
            &checks.draining,
        ];
        let status = if all.iter().all(|c| c.is_ok()) {
            Status::Ready
        } else {
            Status::NotReady
        };
        Self { status, checks }
    }
}

impl Readiness {
    /// Whether every check passed.
    pub fn is_ready(&self) -> bool {
        self.status == Status::Ready
    }
}

/// Checks `hub`'s node now: the registry and the store are pinged at
/// once, each bounded by [`PING_WITHIN`].
pub async fn probe(hub: &Hub) -> Readiness {
    let workers = if hub.pool().workers().is_empty() {
        Err(NotReady::NoWorker)
    } else {
        Ok(())
    };
    let draining = if hub.is_draining() {
        Err(NotReady::Draining)
    } else {
        Ok(())
    };
    let (registry, store) = tokio::join!(
        within(PING_WITHIN, hub.registry().ping()),
        within(PING_WITHIN, hub.recorder().store().ping()),
    );
    Readiness::from(Checks {
        workers,
        registry,
        store,
        draining,
    })
}

/// `ping`'s outcome, or [`NotReady::TimedOut`] past `limit`.
async fn within<E: std::fmt::Display>(
    limit: Duration,
    ping: impl std::future::Future<Output = Result<(), E>>,
) -> Check {
    match tokio::time::timeout(limit, ping).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(NotReady::Failed(e.to_string())),
        Err(_) => Err(NotReady::TimedOut(limit)),
    }
}

/// Keeps `voice_ready` current for nodes nobody probes: checks the node
/// every `every` (from the start) until the hub is gone.
pub fn watch(hub: Weak<Hub>, every: Duration, runtime: &tokio::runtime::Handle) {
    runtime.spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let Some(hub) = hub.upgrade() else { break };
            crate::telemetry::set_ready(probe(&hub).await.is_ready());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn healthy() -> Checks {
        Checks {
            workers: Ok(()),
            registry: Ok(()),
            store: Ok(()),
            draining: Ok(()),
        }
    }

    #[test]
    fn ready_exactly_when_every_check_passes() {
        assert!(Readiness::from(healthy()).is_ready());
        let failures: [fn(&mut Checks); 4] = [
            |c| c.workers = Err(NotReady::NoWorker),
            |c| c.registry = Err(NotReady::TimedOut(PING_WITHIN)),
            |c| c.store = Err(NotReady::Failed("disk I/O error".into())),
            |c| c.draining = Err(NotReady::Draining),
        ];
        for fail in failures {
            let mut checks = healthy();
            fail(&mut checks);
            let readiness = Readiness::from(checks);
            assert_eq!(readiness.status, Status::NotReady, "{readiness:?}");
        }
    }

    #[test]
    fn the_body_says_ok_or_why_not() {
        let mut checks = healthy();
        checks.registry = Err(NotReady::TimedOut(PING_WITHIN));
        checks.draining = Err(NotReady::Draining);
        let body = serde_json::to_value(Readiness::from(checks)).unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "status": "not_ready",
                "checks": {
                    "workers": "ok",
                    "registry": "no answer within 1000 ms",
                    "store": "ok",
                    "draining": "shutting down",
                },
            })
        );
        let body = serde_json::to_value(Readiness::from(healthy())).unwrap();
        assert_eq!(body["status"], "ready");
    }
}
