//! Metrics for Prometheus (`GET /metrics`): the `voice_*`
//! series, signaling request counts and latency, the store's queue, and the
//! process's own `process_*` series. Names follow Prometheus conventions
//! (base units, `_total` counters; docs/operations.md, "Metrics").
//! Events are counted where they happen; levels (rooms, users, worker CPU,
//! call quality) are sampled by [`sampler`] every few seconds.
//!
//! Every series is there from a fresh node's first scrape: [`install`]
//! registers the counters at 0 and the histograms empty (their buckets at
//! 0), and the sampler takes its first sample before the node serves.

pub mod logging;
pub mod names;
pub mod sampler;

use std::sync::OnceLock;
use std::time::Duration;

use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::error::ErrorCode;
use crate::protocol::Command;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// How often histogram samples are folded into their buckets. The recorder
/// keeps every sample until then, so without this a node nobody scrapes
/// grows by each signaling request it answers.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// Buckets (seconds) of how long rooms and users stay.
const STAY_BUCKETS: &[f64] = &[10.0, 60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0];

/// Buckets (seconds) of streams' round-trip time: the earlier milliseconds
/// buckets in base units, so the recording rules give them back.
const RTT_BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0];

/// Buckets of the fraction of packets lost: the earlier percent buckets as
/// ratios.
const LOSS_BUCKETS: &[f64] = &[0.0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0];

/// Answer code of a successful signaling request.
const OK: &str = "ok";

/// Installs the process's Prometheus recorder (once; later calls return the
/// same handle), starts its upkeep thread and describes every series.
pub fn install() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full(names::SIGNALING_SECONDS.into()),
                    &[
                        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                    ],
                )
                .and_then(|b| {
                    b.set_buckets_for_metric(Matcher::Full(names::RTT_SECONDS.into()), RTT_BUCKETS)
                })
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full(names::PACKET_LOSS_RATIO.into()),
                        LOSS_BUCKETS,
                    )
                })
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full(names::ROOM_DURATION.into()),
                        STAY_BUCKETS,
                    )
                })
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full(names::USER_SESSION_DURATION.into()),
                        STAY_BUCKETS,
                    )
                })
                .expect("bucket lists are not empty")
                .install_recorder()
                .expect("the only metrics recorder of the process");
            let upkeep = handle.clone();
            std::thread::Builder::new()
                .name("metrics-upkeep".into())
                .spawn(move || loop {
                    std::thread::sleep(UPKEEP_INTERVAL);
                    upkeep.run_upkeep();
                })
                .expect("start the metrics upkeep thread");
            names::describe();
            register_series();
            handle
        })
        .clone()
}

/// Makes every series of this module render before its first event:
/// counters at 0, histograms registered empty (the exporter renders a
/// registered histogram with every bucket, its sum and its count at 0; no
/// sample is recorded), the build's labels, and not ready until the
/// health check says so. Signaling series are registered for every method
/// with code `ok`; an error code's series appears with its first error.
fn register_series() {
    for name in [
        names::ROOMS_CREATED,
        names::USERS_JOINED,
        names::RECONNECTIONS,
        names::STORE_DROPPED,
    ] {
        counter!(name).absolute(0);
    }
    for outcome in WEBHOOK_OUTCOMES {
        counter!(names::WEBHOOK_DELIVERIES, "outcome" => outcome).absolute(0);
    }
    for name in [
        names::ROOM_DURATION,
        names::USER_SESSION_DURATION,
        names::RTT_SECONDS,
        names::PACKET_LOSS_RATIO,
    ] {
        drop(histogram!(name));
    }
    for &method in Command::METHODS {
        counter!(names::SIGNALING_REQUESTS, "method" => method, "code" => OK).absolute(0);
        drop(histogram!(names::SIGNALING_SECONDS, "method" => method));
    }
    gauge!(
        names::BUILD_INFO,
        "version" => env!("CARGO_PKG_VERSION"),
        "revision" => env!("PNL_VOICE_REVISION")
    )
    .set(1.0);
    set_ready(false);
}

/// Whether the node is ready for traffic (what `/health/ready` answers):
/// the `voice_ready` gauge, 1 or 0.
pub fn set_ready(ready: bool) {
    gauge!(names::READY).set(if ready { 1.0 } else { 0.0 });
}

/// One signaling request of `method` answered with `code` (`ok` for success)
/// after `elapsed`.
pub fn signaling_request(method: &'static str, code: Option<ErrorCode>, elapsed: Duration) {
    let code = code.map_or(OK, ErrorCode::as_str);
    counter!(names::SIGNALING_REQUESTS, "method" => method, "code" => code).increment(1);
    histogram!(names::SIGNALING_SECONDS, "method" => method).record(elapsed.as_secs_f64());
}

/// A room was created.
pub fn room_created() {
    counter!(names::ROOMS_CREATED).increment(1);
}

/// A room was destroyed after `lived`.
pub fn room_destroyed(lived: Duration) {
    histogram!(names::ROOM_DURATION).record(lived.as_secs_f64());
}

/// A wallet joined a room; `reconnection` when it comes back within moments
/// of leaving, or replaces its own session.
pub fn user_joined(reconnection: bool) {
    counter!(names::USERS_JOINED).increment(1);
    if reconnection {
        counter!(names::RECONNECTIONS).increment(1);
    }
}

/// A wallet left a room after `stayed`.
pub fn user_left(stayed: Duration) {
    histogram!(names::USER_SESSION_DURATION).record(stayed.as_secs_f64());
}

/// Store records dropped because the queue was full.
pub fn store_dropped() {
    counter!(names::STORE_DROPPED).increment(1);
}

/// The outcomes a webhook delivery attempt is counted under.
pub const WEBHOOK_OUTCOMES: [&str; 3] = ["delivered", "retried", "given_up"];

/// A webhook delivery attempt ended in `outcome` (one of [`WEBHOOK_OUTCOMES`]).
pub fn webhook_delivery(outcome: &'static str) {
    counter!(names::WEBHOOK_DELIVERIES, "outcome" => outcome).increment(1);
}
