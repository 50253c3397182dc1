//! Ops endpoints: `GET /health` (200 when workers run, 503 otherwise) and
//! `GET /metrics` (Prometheus text format).

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::app::App;

/// Readiness with worker and room counts.
pub async fn health(app: web::Data<App>) -> HttpResponse {
    let workers = app.hub.pool().workers().len();
    let totals = app.hub.totals();
    let body = json!({
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
    if workers > 0 {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

/// The node's metrics in Prometheus text format.
pub async fn metrics(app: web::Data<App>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(app.metrics.render())
}
