//! Levels sampled every few seconds: rooms, users, sockets, the store's
//! queue, each worker's rooms, users and CPU time, the process's memory and
//! `process_*` series, and call quality (loss and round-trip time) from
//! mediasoup's stream stats. The first sample of levels is taken before
//! [`start`] returns, so the node's first scrape already has them.

use std::sync::Weak;
use std::time::Duration;

use futures_util::future::BoxFuture;
use metrics::{counter, gauge, histogram};
use metrics_process::Collector;

use super::names;
use crate::cpu;

/// Streams whose stats one sample reads at most (the rest wait for later
/// samples), so sampling stays cheap in big rooms.
const MAX_STREAMS_PER_SAMPLE: usize = 1000;

/// What the sampler reads. The node implements it over its rooms, sockets
/// and workers (`app.rs`), so telemetry needs none of those modules and
/// they can all count into telemetry without an import cycle.
pub trait Sampled: Send + Sync + 'static {
    /// The node's levels now.
    fn levels(&self) -> Levels;
    /// Loss and round-trip time of up to `budget` streams, from the room
    /// at `first_room` on; also where the next sample starts.
    fn quality(
        &self,
        first_room: usize,
        budget: usize,
    ) -> BoxFuture<'_, (Vec<StreamQuality>, usize)>;
}

/// One sample of the node's levels.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Levels {
    /// Running rooms.
    pub rooms: usize,
    /// Members in them.
    pub users: usize,
    /// Open signaling sockets.
    pub sockets: usize,
    /// Records waiting for the store.
    pub store_queue: usize,
    /// Each mediasoup worker.
    pub workers: Vec<WorkerLevels>,
}

/// One worker's levels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerLevels {
    /// Its index in the pool (the `worker` label).
    pub index: usize,
    /// Rooms on it.
    pub rooms: usize,
    /// Members of those rooms.
    pub users: usize,
    /// Its thread id, for its CPU time.
    pub thread: Option<i32>,
    /// Whether it sends through io_uring.
    pub io_uring: bool,
}

/// One stream's quality, from its RTCP stats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StreamQuality {
    /// Fraction lost, out of 256.
    pub fraction_lost: u8,
    /// Round-trip time in milliseconds, if known.
    pub round_trip_ms: Option<f32>,
}

/// Samples `node`'s levels once now, then every `every` on `runtime` (with
/// call quality) until the node is dropped.
pub fn start(node: Weak<dyn Sampled>, every: Duration, runtime: &tokio::runtime::Handle) {
    let process = Collector::default();
    process.describe();
    if let Some(node) = node.upgrade() {
        record_levels(node.levels(), &process);
    }
    runtime.spawn(async move {
        let mut next_room = 0usize;
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            tick.tick().await;
            let Some(node) = node.upgrade() else { break };
            record_levels(node.levels(), &process);
            let (streams, next) = node.quality(next_room, MAX_STREAMS_PER_SAMPLE).await;
            for s in streams {
                stream_quality(s.fraction_lost, s.round_trip_ms);
            }
            next_room = next;
        }
    });
}

fn record_levels(levels: Levels, process: &Collector) {
    process.collect();
    gauge!(names::ROOMS_ACTIVE).set(levels.rooms as f64);
    gauge!(names::USERS_CONCURRENT).set(levels.users as f64);
    gauge!(names::SOCKETS_OPEN).set(levels.sockets as f64);
    gauge!(names::STORE_QUEUE).set(levels.store_queue as f64);
    if let Some(bytes) = cpu::host_memory_bytes() {
        gauge!(names::HOST_MEMORY).set(bytes as f64);
    }
    let resident = cpu::resident_bytes();
    for w in levels.workers {
        let worker = w.index.to_string();
        gauge!(names::WORKER_ROOMS, "worker" => worker.clone()).set(w.rooms as f64);
        gauge!(names::WORKER_USERS, "worker" => worker.clone()).set(w.users as f64);
        gauge!(names::WORKER_IO_URING, "worker" => worker.clone())
            .set(f64::from(u8::from(w.io_uring)));
        if let Some(bytes) = resident {
            gauge!(names::WORKER_MEMORY, "worker" => worker.clone()).set(bytes as f64);
        }
        if let Some(seconds) = w.thread.and_then(cpu::thread_cpu_seconds) {
            // Counters hold whole numbers: the CPU time in whole seconds.
            counter!(names::WORKER_CPU_SECONDS, "worker" => worker).absolute(seconds as u64);
        }
    }
}

/// Records one stream's loss (RTCP fraction lost, out of 256) as a ratio
/// and its RTT in seconds.
fn stream_quality(fraction_lost: u8, round_trip_ms: Option<f32>) {
    histogram!(names::PACKET_LOSS_RATIO).record(f64::from(fraction_lost) / 256.0);
    if let Some(rtt) = round_trip_ms.filter(|rtt| *rtt > 0.0) {
        histogram!(names::RTT_SECONDS).record(f64::from(rtt) / 1000.0);
    }
}
