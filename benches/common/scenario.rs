//! The four scenarios, written once against [`Sfu`] so that our server and
//! the peer get exactly the same load and are measured the same way.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use futures_util::{stream, StreamExt};
use serde_json::{json, Value};

use super::measure::{percentile, Usage};
use super::profile::Profile;
use crate::support::flows::T;
use crate::support::frames::numbered_frame;
use crate::support::rtc::RtcTransport;

/// Listeners of a room set up at once (scenarios 1 and 2).
pub const SETUP_CONCURRENCY: usize = 16;
/// Rooms set up at once.
const ROOM_CONCURRENCY: usize = 4;
/// Listeners per room in scenario 2 (with the speaker, rooms of five).
const SMALL_ROOM_LISTENERS: usize = 4;
/// Every frame is Opus-sized.
const FRAME_BYTES: usize = 80;
/// One frame every 20 ms: 50 packets/s.
const FRAME_INTERVAL: Duration = Duration::from_millis(20);
/// How much later than the speakers' counters the listeners' are read, at
/// both ends of the window: frames in flight then count at neither end, so
/// expected and received frames cover windows of the same length.
const ARRIVAL_DELAY: Duration = Duration::from_millis(300);
/// How long the speakers are silent before the samples of counting
/// listeners are read: str0m holds a sample that follows a gap for up to
/// its audio reordering timeout (1 s) before it releases the frame.
const SAMPLE_SETTLE: Duration = Duration::from_millis(1500);

/// An SFU under load, driven through its own signaling.
#[allow(async_fn_in_trait)]
pub trait Sfu {
    /// A client's signaling connection, open while it is in a room.
    type Client;
    /// What a listener needs to reach a room's speaker.
    type Room;
    /// The server process, for its CPU and RSS.
    fn pid(&self) -> u64;
    /// Opens a new room with a speaker whose send transport is connected.
    async fn speaker(&self) -> (Self::Room, Self::Client, RtcTransport);
    /// A listener joins `room` and consumes its speaker; returns once the
    /// first frame has arrived, or why none did in time.
    async fn listener(&self, room: &Self::Room) -> Result<Listener<Self::Client>, String>;
    /// Scenario 4: a new member of the one signaling room.
    async fn member(&self) -> Self::Client;
    /// Scenario 4: one change of the member's state that the room tells
    /// every other member about (`up`: hand raised); whether it was answered.
    async fn toggle(client: &mut Self::Client, up: bool) -> bool;
    /// Closes a client's signaling connection.
    async fn close(client: Self::Client);
}

/// A listener in a room.
pub struct Listener<C> {
    /// Its signaling connection.
    pub client: C,
    /// Its receive transport.
    pub recv: RtcTransport,
    /// Round trip of the join request, ms.
    pub join_ms: f64,
    /// From the first transport request to the first frame received, ms.
    pub first_audio_ms: f64,
}

impl<C> Listener<C> {
    /// Waits (bounded) for `recv`'s first frame; `started` is when the
    /// listener asked for its transport, after its join was answered. Then
    /// the transport goes on in counting mode unless the run says otherwise
    /// ([`counting_listeners`]). A server too busy to get audio to the
    /// listener in time fails the listener, not the run.
    pub async fn after_first_audio(
        client: C,
        recv: RtcTransport,
        join_ms: f64,
        started: Instant,
    ) -> Result<Self, String> {
        if let Err(e) = recv.wait_received(1, T).await {
            let connected = if recv.is_connected() {
                "connected"
            } else {
                "never connected"
            };
            recv.close().await;
            return Err(format!("first audio: {e}; the transport {connected}"));
        }
        let first_audio_ms = started.elapsed().as_secs_f64() * 1000.0;
        if counting_listeners() {
            recv.count_cheaply().await.expect("counting mode");
        }
        Ok(Self {
            client,
            recv,
            join_ms,
            first_audio_ms,
        })
    }
}

/// Whether listeners count their packets with `recvmmsg` after the first
/// frame (`RtcTransport::count_cheaply`), so that one generator core serves
/// thousands; `PNL_BENCH_LISTENER_MODE=str0m` keeps every packet going
/// through str0m (decrypted and depacketized) instead.
pub fn counting_listeners() -> bool {
    static COUNTING: OnceLock<bool> = OnceLock::new();
    *COUNTING.get_or_init(|| {
        std::env::var("PNL_BENCH_LISTENER_MODE").map_or(true, |mode| mode != "str0m")
    })
}

/// One step of a scenario.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Its name in the tables, e.g. `1: one room`.
    pub scenario: &'static str,
    /// Rooms, each with one speaker.
    pub rooms: usize,
    /// Listeners per room.
    pub listeners: usize,
    /// Listeners of a room set up at once.
    pub concurrency: usize,
}

/// What one run measures, from the environment (small sizes by default).
pub struct Sizes {
    /// Scenarios 1–3: `PNL_BENCH_LISTENERS`, `PNL_BENCH_ROOMS` and
    /// `PNL_BENCH_STORM` (comma-separated sizes).
    pub plans: Vec<Plan>,
    /// Scenario 4's member counts (`PNL_BENCH_SIGNALING_CLIENTS`).
    pub signaling_clients: Vec<usize>,
    /// The steady window (`PNL_BENCH_SECS`, 10 s by default).
    pub window: Duration,
}

impl Sizes {
    /// Reads the sizes from the environment.
    pub fn from_env() -> Self {
        let plan = |scenario, rooms, listeners, concurrency| Plan {
            scenario,
            rooms,
            listeners,
            concurrency,
        };
        let mut plans = Vec::new();
        for n in sizes("PNL_BENCH_LISTENERS", "10,50,100") {
            plans.push(plan("1: one room", 1, n, SETUP_CONCURRENCY));
        }
        for r in sizes("PNL_BENCH_ROOMS", "10,20") {
            plans.push(plan(
                "2: small rooms",
                r,
                SMALL_ROOM_LISTENERS,
                SETUP_CONCURRENCY,
            ));
        }
        for m in sizes("PNL_BENCH_STORM", "100") {
            plans.push(plan("3: join storm", 1, m, m));
        }
        Self {
            plans,
            signaling_clients: sizes("PNL_BENCH_SIGNALING_CLIENTS", "20"),
            window: Duration::from_secs(
                std::env::var("PNL_BENCH_SECS")
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(10),
            ),
        }
    }
}

/// Longest life of a benchmark's transports: a step of thousands of
/// listeners takes minutes to set up on a saturated server.
const TRANSPORT_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// The generator's runtime: all clients on one worker thread. Transports
/// opened on it live up to [`TRANSPORT_LIFETIME`].
pub fn runtime() -> tokio::runtime::Runtime {
    crate::support::flows::set_lifetime(TRANSPORT_LIFETIME);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn sizes(name: &str, default: &str) -> Vec<usize> {
    std::env::var(name)
        .unwrap_or_else(|_| default.into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// The figures of one step.
#[derive(Clone, Debug)]
pub struct Step {
    /// What was run.
    pub plan: Plan,
    /// Listeners in all rooms that heard audio.
    pub listeners: usize,
    /// Listeners that did not hear audio in time, with the first reason.
    pub failed: (usize, Option<String>),
    /// Until every listener had heard audio, s.
    pub setup_s: f64,
    /// Frames all listeners received per second of the window.
    pub forwarded_per_sec: f64,
    /// Frames the listeners should have received in the window but did not, %.
    pub loss_percent: f64,
    /// The server's CPU over the window, % of one core.
    pub cpu_percent: f64,
    /// The generator's CPU over the window, % of one core.
    pub generator_cpu_percent: f64,
    /// The server's RSS at the end of the window, MiB.
    pub rss_mib: f64,
    /// Join latency p50 and p99, ms.
    pub join_ms: [f64; 2],
    /// First-audio latency p50 and p99, ms.
    pub first_audio_ms: [f64; 2],
    /// Packets the listeners' counting mode handed to str0m to authenticate.
    pub samples: u64,
    /// Of those, the ones str0m decrypted.
    pub samples_authenticated: u64,
}

impl Step {
    /// The run-data record of this step.
    pub fn json(&self) -> Value {
        json!({
            "scenario": self.plan.scenario, "rooms": self.plan.rooms, "listeners": self.listeners,
            "setupSecs": self.setup_s, "forwardedPerSec": self.forwarded_per_sec,
            "lossPercent": self.loss_percent, "cpuPercent": self.cpu_percent,
            "generatorCpuPercent": self.generator_cpu_percent, "rssMiB": self.rss_mib,
            "joinMsP50": self.join_ms[0], "joinMsP99": self.join_ms[1],
            "firstAudioMsP50": self.first_audio_ms[0], "firstAudioMsP99": self.first_audio_ms[1],
            "serverUsPerPacket": self.server_us_per_packet(),
            "samples": self.samples, "samplesAuthenticated": self.samples_authenticated,
            "failedListeners": self.failed.0,
        })
    }

    /// The server's CPU time per forwarded packet over the window, µs.
    pub fn server_us_per_packet(&self) -> f64 {
        self.cpu_percent / 100.0 * 1e6 / self.forwarded_per_sec.max(1.0)
    }

    /// [`Step::server_us_per_packet`] as a percentage of the UDP limit's
    /// cost per packet sent, `udp_send_us`.
    pub fn percent_of_udp_limit(&self, udp_send_us: f64) -> f64 {
        100.0 * self.server_us_per_packet() / udp_send_us.max(0.001)
    }

    /// Markdown cells: set-up s, forwarded pkt/s, loss %, server CPU %,
    /// generator CPU %, RSS MiB, join p50/p99 ms, first audio p50/p99 ms.
    pub fn cells(&self) -> String {
        format!(
            "{:.1} | {:.0} | {:.2} | {:.1} | {:.1} | {:.1} | {:.1} / {:.1} | {:.1} / {:.1}",
            self.setup_s,
            self.forwarded_per_sec,
            self.loss_percent,
            self.cpu_percent,
            self.generator_cpu_percent,
            self.rss_mib,
            self.join_ms[0],
            self.join_ms[1],
            self.first_audio_ms[0],
            self.first_audio_ms[1],
        )
    }
}

/// One room in a call: a speaker sending all the time and its listeners.
struct Call<C> {
    speaker: C,
    send: Arc<RtcTransport>,
    talking: tokio::task::JoinHandle<()>,
    joined: Vec<Listener<C>>,
    /// Listeners that heard no audio in time, and the first one's reason.
    failed: (usize, Option<String>),
}

async fn call<S: Sfu>(sfu: &S, listeners: usize, concurrency: usize) -> Call<S::Client> {
    let (room, speaker, send) = sfu.speaker().await;
    let send = Arc::new(send);
    let talking = {
        let send = send.clone();
        tokio::spawn(async move {
            let _ = send
                .send_frames(u32::MAX, FRAME_INTERVAL, |n| numbered_frame(n, FRAME_BYTES))
                .await;
        })
    };
    let room = &room;
    let outcomes: Vec<_> = stream::iter(0..listeners)
        .map(|_| sfu.listener(room))
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let (mut joined, mut failed) = (Vec::new(), (0, None));
    for outcome in outcomes {
        match outcome {
            Ok(listener) => joined.push(listener),
            Err(e) => {
                failed.0 += 1;
                failed.1.get_or_insert(e);
            }
        }
    }
    Call {
        speaker,
        send,
        talking,
        joined,
        failed,
    }
}

fn received<C>(calls: &[Call<C>]) -> u64 {
    calls
        .iter()
        .flat_map(|c| c.joined.iter())
        .map(|l| l.recv.stats().frames_received)
        .sum()
}

/// Samples the listeners' counting mode handed to str0m, and how many of
/// them str0m decrypted.
fn samples<C>(calls: &[Call<C>]) -> (u64, u64) {
    calls
        .iter()
        .flat_map(|c| c.joined.iter())
        .map(|l| l.recv.stats())
        .fold((0, 0), |(n, ok), s| {
            (n + s.samples, ok + s.samples_authenticated)
        })
}

/// Frames each call's listeners should get: sent frames times listeners,
/// those that never heard audio included (they lose everything).
fn expected<C>(calls: &[Call<C>]) -> u64 {
    calls
        .iter()
        .map(|c| c.send.stats().frames_sent * (c.joined.len() + c.failed.0) as u64)
        .sum()
}

/// Sets up `plan`'s rooms, measures the steady `window`, then leaves.
pub async fn step<S: Sfu>(sfu: &S, plan: Plan, window: Duration) -> Step {
    let setup = Instant::now();
    let calls: Vec<Call<S::Client>> = stream::iter(0..plan.rooms)
        .map(|_| call(sfu, plan.listeners, plan.concurrency))
        .buffer_unordered(ROOM_CONCURRENCY)
        .collect()
        .await;
    let setup_s = setup.elapsed().as_secs_f64();
    let expected_before = expected(&calls);
    let (server_before, own_before) = (Usage::of(sfu.pid()), Usage::own());
    let clock = Instant::now();
    let profile = Profile::start(
        sfu.pid(),
        window,
        &format!("{}-{}", plan.rooms, plan.listeners),
    );
    tokio::time::sleep(ARRIVAL_DELAY).await;
    let received_before = received(&calls);
    tokio::time::sleep_until((clock + window).into()).await;
    let (server_after, own_after) = (Usage::of(sfu.pid()), Usage::own());
    let elapsed = clock.elapsed().as_secs_f64();
    let expected = expected(&calls) - expected_before;
    tokio::time::sleep(ARRIVAL_DELAY).await;
    let received = received(&calls) - received_before;
    if let Some(profile) = profile {
        profile.finish();
    }
    let latencies = |pick: fn(&Listener<S::Client>) -> f64| {
        let mut values: Vec<f64> = calls
            .iter()
            .flat_map(|c| c.joined.iter())
            .map(pick)
            .collect();
        [percentile(&mut values, 0.5), percentile(&mut values, 0.99)]
    };
    for call in &calls {
        call.talking.abort();
    }
    if counting_listeners() {
        tokio::time::sleep(SAMPLE_SETTLE).await;
    }
    let (samples, samples_authenticated) = samples(&calls);
    let result = Step {
        plan,
        listeners: calls.iter().map(|c| c.joined.len()).sum(),
        failed: calls.iter().fold((0, None), |(n, first), c| {
            (n + c.failed.0, first.or_else(|| c.failed.1.clone()))
        }),
        setup_s,
        forwarded_per_sec: received as f64 / window.as_secs_f64(),
        loss_percent: (100.0 * (1.0 - received as f64 / expected.max(1) as f64)).max(0.0),
        cpu_percent: server_after.cpu_percent_since(&server_before, elapsed),
        generator_cpu_percent: own_after.cpu_percent_since(&own_before, elapsed),
        rss_mib: server_after.rss_mib(),
        join_ms: latencies(|l| l.join_ms),
        first_audio_ms: latencies(|l| l.first_audio_ms),
        samples,
        samples_authenticated,
    };
    for call in calls {
        for listener in call.joined {
            listener.recv.close().await;
            S::close(listener.client).await;
        }
        if let Ok(send) = Arc::try_unwrap(call.send) {
            send.close().await;
        }
        S::close(call.speaker).await;
    }
    result
}

/// Scenario 4's figures.
#[derive(Clone, Copy, Debug)]
pub struct Signaling {
    /// Members of the room.
    pub clients: usize,
    /// Answered state changes per second, all members together.
    pub requests_per_sec: f64,
    /// The server's CPU meanwhile, % of one core.
    pub cpu_percent: f64,
}

impl Signaling {
    /// Requests per second per core of server CPU time.
    pub fn per_core(&self) -> f64 {
        self.requests_per_sec * 100.0 / self.cpu_percent.max(0.1)
    }
}

/// Scenario 4: `clients` members of one room change their state (raise and
/// lower their hands) as fast as the answers come back, for `window`.
pub async fn signaling<S: Sfu>(sfu: &S, clients: usize, window: Duration) -> Signaling {
    let mut members = Vec::new();
    for _ in 0..clients {
        members.push(sfu.member().await);
    }
    let before = Usage::of(sfu.pid());
    let clock = Instant::now();
    let deadline = clock + window;
    let counts = futures_util::future::join_all(members.iter_mut().map(|client| async move {
        let mut done = 0u64;
        while Instant::now() < deadline {
            for up in [true, false] {
                if S::toggle(client, up).await {
                    done += 1;
                }
            }
        }
        done
    }))
    .await;
    let elapsed = clock.elapsed().as_secs_f64();
    let cpu_percent = Usage::of(sfu.pid()).cpu_percent_since(&before, elapsed);
    for client in members {
        S::close(client).await;
    }
    Signaling {
        clients,
        requests_per_sec: counts.iter().sum::<u64>() as f64 / elapsed,
        cpu_percent,
    }
}
