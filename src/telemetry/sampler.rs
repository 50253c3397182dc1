//! Levels sampled every few seconds: rooms, users, sockets, the store's
//! queue, each worker's rooms, users and CPU, the process's memory, and call
//! quality (loss and round-trip time) from mediasoup's stream stats.

use std::collections::HashMap;
use std::sync::Weak;
use std::time::Duration;

use futures_util::future::BoxFuture;
use metrics::{gauge, histogram};

use super::names;
use crate::cpu::{self, CpuMeter};

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
}

/// One stream's quality, from its RTCP stats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StreamQuality {
    /// Fraction lost, out of 256.
    pub fraction_lost: u8,
    /// Round-trip time in milliseconds, if known.
    pub round_trip_ms: Option<f32>,
}

/// Samples `node` every `every` on `runtime` until the node is dropped.
pub fn start(node: Weak<dyn Sampled>, every: Duration, runtime: &tokio::runtime::Handle) {
    runtime.spawn(async move {
        let mut meters: HashMap<i32, CpuMeter> = HashMap::new();
        let mut next_room = 0usize;
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let Some(node) = node.upgrade() else { break };
            record_levels(node.levels(), &mut meters);
            let (streams, next) = node.quality(next_room, MAX_STREAMS_PER_SAMPLE).await;
            for s in streams {
                stream_quality(s.fraction_lost, s.round_trip_ms);
            }
            next_room = next;
        }
    });
}

fn record_levels(levels: Levels, meters: &mut HashMap<i32, CpuMeter>) {
    gauge!(names::ROOMS_ACTIVE).set(levels.rooms as f64);
    gauge!(names::USERS_CONCURRENT).set(levels.users as f64);
    gauge!(names::SOCKETS_OPEN).set(levels.sockets as f64);
    gauge!(names::STORE_QUEUE).set(levels.store_queue as f64);
    if let Some(bytes) = cpu::host_memory_bytes() {
        gauge!(names::HOST_MEMORY).set(bytes as f64);
    }
    let resident = cpu::resident_bytes();
    meters.retain(|tid, _| levels.workers.iter().any(|w| w.thread == Some(*tid)));
    for w in levels.workers {
        let worker = w.index.to_string();
        gauge!(names::WORKER_ROOMS, "worker" => worker.clone()).set(w.rooms as f64);
        gauge!(names::WORKER_USERS, "worker" => worker.clone()).set(w.users as f64);
        if let Some(bytes) = resident {
            gauge!(names::WORKER_MEMORY, "worker" => worker.clone()).set(bytes as f64);
        }
        if let Some(tid) = w.thread {
            let meter = meters.entry(tid).or_insert_with(|| CpuMeter::thread(tid));
            if let Some(percent) = meter.sample(1) {
                gauge!(names::WORKER_CPU, "worker" => worker).set(f64::from(percent));
            }
        }
    }
}

/// Records one stream's loss (RTCP fraction lost, out of 256) and RTT.
fn stream_quality(fraction_lost: u8, round_trip_ms: Option<f32>) {
    histogram!(names::PACKET_LOSS_PERCENT).record(f64::from(fraction_lost) * 100.0 / 256.0);
    if let Some(rtt) = round_trip_ms.filter(|rtt| *rtt > 0.0) {
        histogram!(names::LATENCY_MS).record(f64::from(rtt));
    }
}
