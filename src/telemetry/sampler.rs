//! Levels sampled every few seconds: rooms, users, sockets, the store's
//! queue, each worker's rooms, users and CPU, the process's memory, and call
//! quality (loss and round-trip time) from mediasoup's stream stats.

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

use metrics::{gauge, histogram};

use super::names;
use crate::app::App;
use crate::cpu::{self, CpuMeter};

/// Streams whose stats one sample reads at most (the rest wait for later
/// samples), so sampling stays cheap in big rooms.
const MAX_STREAMS_PER_SAMPLE: usize = 1000;

/// Samples `app` every `every` on `runtime` until the app is dropped.
pub fn start(app: &Arc<App>, every: Duration, runtime: &tokio::runtime::Handle) {
    let app: Weak<App> = Arc::downgrade(app);
    runtime.spawn(async move {
        let mut meters: HashMap<i32, CpuMeter> = HashMap::new();
        let mut next_room = 0usize;
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let Some(app) = app.upgrade() else { break };
            levels(&app, &mut meters);
            next_room = quality(&app, next_room).await;
        }
    });
}

fn levels(app: &App, meters: &mut HashMap<i32, CpuMeter>) {
    let totals = app.hub.totals();
    gauge!(names::ROOMS_ACTIVE).set(totals.rooms as f64);
    gauge!(names::USERS_CONCURRENT).set(totals.counts.members as f64);
    gauge!(names::SOCKETS_OPEN).set(app.sockets.open() as f64);
    gauge!(names::STORE_QUEUE).set(app.hub.recorder().stats().queued as f64);
    if let Some(bytes) = cpu::host_memory_bytes() {
        gauge!(names::HOST_MEMORY).set(bytes as f64);
    }
    let resident = cpu::resident_bytes();
    let workers = app.hub.pool().workers();
    meters.retain(|tid, _| workers.iter().any(|w| w.thread == Some(*tid)));
    for slot in workers {
        let worker = slot.index.to_string();
        let rooms = slot.rooms.load(std::sync::atomic::Ordering::Relaxed);
        let users = slot.participants.load(std::sync::atomic::Ordering::Relaxed);
        gauge!(names::WORKER_ROOMS, "worker" => worker.clone()).set(rooms as f64);
        gauge!(names::WORKER_USERS, "worker" => worker.clone()).set(users as f64);
        if let Some(bytes) = resident {
            gauge!(names::WORKER_MEMORY, "worker" => worker.clone()).set(bytes as f64);
        }
        if let Some(tid) = slot.thread {
            let meter = meters.entry(tid).or_insert_with(|| CpuMeter::thread(tid));
            if let Some(percent) = meter.sample(1) {
                gauge!(names::WORKER_CPU, "worker" => worker).set(f64::from(percent));
            }
        }
    }
}

/// Reads stream stats of rooms from `first_room` on, up to the per-sample
/// budget (each room's task reads its own); returns where the next sample
/// starts.
async fn quality(app: &App, first_room: usize) -> usize {
    let (streams, next) = app.hub.quality(first_room, MAX_STREAMS_PER_SAMPLE).await;
    for s in streams {
        stream_quality(s.fraction_lost, s.round_trip_ms);
    }
    next
}

/// Records one stream's loss (RTCP fraction lost, out of 256) and RTT.
fn stream_quality(fraction_lost: u8, round_trip_ms: Option<f32>) {
    histogram!(names::PACKET_LOSS_PERCENT).record(f64::from(fraction_lost) * 100.0 / 256.0);
    if let Some(rtt) = round_trip_ms.filter(|rtt| *rtt > 0.0) {
        histogram!(names::LATENCY_MS).record(f64::from(rtt));
    }
}
