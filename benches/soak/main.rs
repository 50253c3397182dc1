//! Soak run: the real server (its own process, one mediasoup worker, a
//! Redis registry) under churn for a bounded time, then a check that what
//! it holds returns to zero and its memory near its baseline.
//!
//! Rooms come and go: each has a speaker (the market's founder every
//! other time, else the first member of a market without founder) sending
//! 80-byte frames at 50 packets/s, and listeners that join, consume, count
//! what arrives and go: with `voice:leave`, by closing, by dropping the
//! socket, or silently (the connection stays open unread until the
//! server's idle timeout); some drop everything once and come back, some
//! raise a hand, and some places are reserved over REST and never taken.
//!
//! Phases: a warm-up of the same churn, a wait until the server holds
//! nothing (its baseline memory), the soak proper, and a last wait. The
//! server's resource counts (routers, transports, producers, consumers from
//! mediasoup's dumps; rooms, participants, sessions, reservations,
//! sockets) and the registry's room, queue and user keys must be zero after
//! both waits, or the run exits with status 1. The RSS after the soak is
//! compared with the baseline and reported (see `RSS_TOLERANCE_*`).
//!
//! Sizes (environment): `PNL_SOAK_SECS` (90), `PNL_SOAK_WARMUP_SECS` (20),
//! `PNL_SOAK_ROOMS` rooms at once (4), `PNL_SOAK_LISTENERS` per room (3),
//! `PNL_SOAK_DESTROY_MINUTES` empty-room grace (0), `PNL_SOAK_SAMPLE_SECS`
//! (5). Results: stdout, `soak.json` and `soak.svg` in `benches/results`
//! (or `PNL_BENCH_OUT`).

// Each benchmark uses part of what the benchmarks share.
#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;
use pnl_voice_testkit as support;

mod churn;
mod report;
mod sample;
mod tally;

use std::time::Duration;

use serde_json::json;
use tokio::time::Instant;

use churn::{Churn, Plan};
use common::server::BenchServer;
use report::Report;
use sample::Series;
use support::redis::RedisServer;

/// Seconds a reservation is held (the server's `rooms.reservation_secs`).
const RESERVATION_SECS: u64 = 10;
/// The server's idle timeout; more than its 15 s ping interval, or quiet
/// clients would be closed.
const IDLE_SECS: u64 = 20;
/// The server's ping interval (the idle check runs on it).
const PING_SECS: u64 = 15;
/// Extra time allowed for settling, beyond the server's timers.
const SETTLE_MARGIN_SECS: u64 = 30;
/// The final RSS counts as near the baseline within the larger of these.
const RSS_TOLERANCE_MIB: f64 = 8.0;
const RSS_TOLERANCE_SHARE: f64 = 0.10;

/// The run's sizes.
struct Settings {
    secs: u64,
    warmup_secs: u64,
    plan: Plan,
    destroy_minutes: u64,
    sample_secs: u64,
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

impl Settings {
    fn from_env() -> Self {
        Self {
            secs: env_or("PNL_SOAK_SECS", 90),
            warmup_secs: env_or("PNL_SOAK_WARMUP_SECS", 20),
            plan: Plan {
                rooms: env_or("PNL_SOAK_ROOMS", 4) as usize,
                listeners: env_or("PNL_SOAK_LISTENERS", 3) as usize,
            },
            destroy_minutes: env_or("PNL_SOAK_DESTROY_MINUTES", 0),
            sample_secs: env_or("PNL_SOAK_SAMPLE_SECS", 5).max(1),
        }
    }

    /// The server's settings beyond the benchmark defaults.
    fn server_config(&self, redis_url: &str) -> String {
        format!(
            "redis_url = {redis_url:?}\njwt_secret = \"pnl-voice-soak-signing-key-0123456789\"\n\
             [rooms]\nmax_participants = 1000\ndestroy_after_minutes = {}\nreservation_secs = {RESERVATION_SECS}\n\
             [limits]\nws_idle_timeout_secs = {IDLE_SECS}\n\
             ws_connections_per_ip = 0\nrest_requests_per_sec = 0\n\
             challenges_per_ip = 1000000\nrooms_per_minute_per_ip = 0\n\
             rooms_per_minute_per_wallet = 0\n",
            self.destroy_minutes
        )
    }

    /// The longest the server may take to release everything once the
    /// clients are gone: a silent client's idle timeout, an empty room's
    /// grace, a reservation's hold, and a margin.
    fn settle_bound(&self) -> Duration {
        Duration::from_secs(
            IDLE_SECS
                + 2 * PING_SECS
                + self.destroy_minutes * 60
                + RESERVATION_SECS
                + SETTLE_MARGIN_SECS,
        )
    }

    fn to_json(&self) -> serde_json::Value {
        json!({
            "soakSecs": self.secs, "warmupSecs": self.warmup_secs,
            "rooms": self.plan.rooms, "listenersPerRoom": self.plan.listeners,
            "destroyAfterMinutes": self.destroy_minutes, "reservationSecs": RESERVATION_SECS,
            "idleTimeoutSecs": IDLE_SECS, "sampleSecs": self.sample_secs,
        })
    }
}

async fn run(settings: Settings) -> Report {
    let redis = RedisServer::start();
    let founders = churn::founded_markets(settings.plan);
    let markets: Vec<_> = founders
        .iter()
        .map(|(market, founder)| {
            json!({ "marketAddress": market, "founderWallet": founder.address(), "holdings": {} })
        })
        .collect();
    let server = BenchServer::start(&markets, &settings.server_config(&redis.url())).await;
    let http = server.node().http();
    let series = Series::new(server.pid, &http, &redis.url()).await;
    let fresh = series.take().await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let sampler = tokio::spawn(
        series
            .clone()
            .run(Duration::from_secs(settings.sample_secs), stopped),
    );

    let mut tallies = Vec::new();
    let mut settled = Vec::new();
    for (phase, secs) in [("warm-up", settings.warmup_secs), ("soak", settings.secs)] {
        series.set_phase(phase);
        println!("{phase}: {secs} s of churn");
        let churn = Churn::new(http.clone(), settings.plan, founders.clone());
        churn.run(Instant::now() + Duration::from_secs(secs)).await;
        series.set_phase(&format!("settle after {phase}"));
        settled.push(series.settle(&churn, settings.settle_bound()).await);
        churn.reap_silent(true);
        tallies.push(churn.tally.to_json());
    }
    stop.send_replace(true);
    let _ = sampler.await;
    let end = settled.pop().expect("soak settled");
    let baseline = settled.pop().expect("warm-up settled");
    let soak = tallies.pop().expect("soak tally");
    Report {
        settings: settings.to_json(),
        warmup: tallies.pop().expect("warm-up tally"),
        soak,
        rss_tolerance_mib: RSS_TOLERANCE_MIB.max(baseline.0.rss_mib * RSS_TOLERANCE_SHARE),
        fresh,
        baseline,
        end,
        samples: series.samples(),
    }
}

fn main() {
    let settings = Settings::from_env();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let report = runtime.block_on(run(settings));
    report.print();
    report.write(&common::report::out_dir());
    if !report.clean() {
        std::process::exit(1);
    }
}
