//! Ops endpoints: `GET /health` (200 when workers run, 503 otherwise),
//! the orchestrators' probes `GET /health/live` (the process answers) and
//! `GET /health/ready` (it should get new traffic: [`crate::readiness`]),
//! and `GET /metrics` (Prometheus text format).

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::App;
use crate::readiness;

/// `GET /health` options.
#[derive(Deserialize)]
pub struct HealthQuery {
    /// `1` or `true`: add the node's resource counts (asks every worker and
    /// router for a dump, so it is not free).
    resources: Option<String>,
}

/// Readiness with worker and room counts, and with `?resources=1` what the
/// node holds (see [`crate::hub::Resources`]) plus its open sockets.
pub async fn health(app: web::Data<App>, query: web::Query<HealthQuery>) -> HttpResponse {
    let workers = app.hub.pool().workers().len();
    let totals = app.hub.totals();
    let mut body = json!({
        "status": if workers > 0 { "ok" } else { "unavailable" },
        "workers": workers,
        "rooms": totals.rooms,
        "participants": totals.counts.members,
        "nodeId": app.node_id,
        "pid": std::process::id(),
        "store": {
            "kind": app.hub.recorder().store().kind(),
            "queue": app.hub.recorder().stats(),
        },
        "version": env!("CARGO_PKG_VERSION"),
    });
    if matches!(query.resources.as_deref(), Some("1" | "true")) {
        body["resources"] = match app.hub.resources().await {
            Ok(counts) => {
                let mut counts = json!(counts);
                counts["sockets"] = json!(app.sockets.open());
                counts
            }
            Err(e) => json!({ "error": e.to_string() }),
        };
    }
    if workers > 0 {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

/// What `GET /health/live` says: the only answer a live process gives.
#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
enum Liveness {
    /// The process answers requests.
    Live,
}

/// `GET /health/live`'s body.
#[derive(Debug, Serialize)]
struct Live {
    status: Liveness,
}

/// 200 `{"status":"live"}` while the process answers: a liveness probe
/// restarts the node only when this stops, never while it drains.
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Live {
        status: Liveness::Live,
    })
}

/// 200 when the node should get new traffic, 503 (with the failing
/// checks) when not; also sets `voice_ready` to the answer.
pub async fn ready(app: web::Data<App>) -> HttpResponse {
    let readiness = readiness::probe(&app.hub).await;
    crate::telemetry::set_ready(readiness.is_ready());
    if readiness.is_ready() {
        HttpResponse::Ok().json(readiness)
    } else {
        HttpResponse::ServiceUnavailable().json(readiness)
    }
}

/// The node's metrics in Prometheus text format.
pub async fn metrics(app: web::Data<App>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(app.metrics.render())
}
