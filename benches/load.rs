//! Load generator, scenario 1 (one room, one speaker, N listeners) and
//! scenario 2 (R small rooms of one speaker and four listeners): real str0m
//! clients (ICE, DTLS, SRTP) against the real server process. The
//! speaker sends 80-byte Opus-sized frames at 50 packets/s; for each N the
//! run reports join and first-audio latency (p50/p99), loss over a steady
//! window, the server's CPU (user+sys, percent of one core) and its RSS.
//!
//! `cargo bench --bench load` runs the small size (one room of 10, 50, 100
//! listeners, then 10 and 20 rooms of 5, 10 s windows);
//! `PNL_BENCH_LISTENERS=100,200,400 PNL_BENCH_ROOMS=50,100 PNL_BENCH_SECS=30
//! cargo bench --bench load` a bigger one. Results go to stdout as a Markdown table.

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{stream, StreamExt};
use support::flows::{join_room, start_listening, start_speaking, T};
use support::frames::numbered_frame;
use support::node::random_address;
use support::process::NodeProcess;
use support::rtc::RtcTransport;
use support::signal::SignalClient;
use support::wallet::TestWallet;

/// Listeners set up at once.
const SETUP_CONCURRENCY: usize = 16;

/// One step of a scenario.
#[derive(Clone, Copy)]
struct Plan {
    scenario: &'static str,
    rooms: usize,
    /// Listeners per room.
    listeners: usize,
    /// Listeners of a room set up at once.
    concurrency: usize,
}

struct Step {
    plan: Plan,
    setup_ms: f64,
    listeners: usize,
    join_ms: Vec<f64>,
    first_audio_ms: Vec<f64>,
    expected: u64,
    received: u64,
    cpu_percent: f64,
    generator_cpu_percent: f64,
    rss_mib: f64,
}

fn percentile(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    values[((values.len() - 1) as f64 * p).round() as usize]
}

/// User+system ticks and resident pages of `pid`.
fn usage(pid: u64) -> (u64, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let ticks = pnl_voice::cpu::cpu_ticks(&stat).unwrap_or(0);
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).unwrap_or_default();
    let pages = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    (ticks, pages)
}

async fn listener(
    node: &NodeProcess,
    market: &str,
    producer: &str,
) -> (SignalClient, RtcTransport, f64, f64) {
    let (mut client, _) = node.connect(&TestWallet::new()).await;
    let started = Instant::now();
    let caps = join_room(&mut client, market).await;
    let join_ms = started.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    let (recv, _) = start_listening(&mut client, &caps, producer).await;
    recv.wait_received(1, T).await.expect("first audio");
    let first_audio_ms = started.elapsed().as_secs_f64() * 1000.0;
    (client, recv, join_ms, first_audio_ms)
}

/// One room in a call: a speaker sending all the time and its listeners.
struct Call {
    speaker: SignalClient,
    send: Arc<RtcTransport>,
    talking: tokio::task::JoinHandle<()>,
    joined: Vec<(SignalClient, RtcTransport, f64, f64)>,
}

async fn call(node: &NodeProcess, listeners: usize, concurrency: usize) -> Call {
    let market = random_address();
    let (mut speaker, _) = node.connect(&TestWallet::new()).await;
    let caps = join_room(&mut speaker, &market).await;
    let (send, producer) = start_speaking(&mut speaker, &caps).await;
    send.wait_connected(T).await.unwrap();
    let send = Arc::new(send);
    let talking = {
        let send = send.clone();
        tokio::spawn(async move {
            let _ = send
                .send_frames(u32::MAX, Duration::from_millis(20), |n| {
                    numbered_frame(n, 80)
                })
                .await;
        })
    };
    let joined = stream::iter(0..listeners)
        .map(|_| listener(node, &market, &producer))
        .buffer_unordered(concurrency)
        .collect()
        .await;
    Call {
        speaker,
        send,
        talking,
        joined,
    }
}

fn received(calls: &[Call]) -> u64 {
    calls
        .iter()
        .flat_map(|c| c.joined.iter())
        .map(|(_, r, _, _)| r.stats().frames_received)
        .sum()
}

/// Frames each call's listeners should get: sent frames times listeners.
fn expected(calls: &[Call]) -> u64 {
    calls
        .iter()
        .map(|c| c.send.stats().frames_sent * c.joined.len() as u64)
        .sum()
}

async fn step(node: &NodeProcess, pid: u64, plan: Plan, window: Duration) -> Step {
    let setup = Instant::now();
    let calls: Vec<Call> = stream::iter(0..plan.rooms)
        .map(|_| call(node, plan.listeners, plan.concurrency))
        .buffer_unordered(4)
        .collect()
        .await;
    let setup_ms = setup.elapsed().as_secs_f64() * 1000.0;
    let before = received(&calls);
    let expected_before = expected(&calls);
    let (ticks_before, _) = usage(pid);
    let (own_before, _) = usage(std::process::id().into());
    let clock = Instant::now();
    tokio::time::sleep(window).await;
    let (ticks_after, pages) = usage(pid);
    let (own_after, _) = usage(std::process::id().into());
    let elapsed = clock.elapsed().as_secs_f64();
    let expected = expected(&calls) - expected_before;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = received(&calls);
    // SAFETY: sysconf only reads system constants.
    let (hz, page) = unsafe {
        (
            libc::sysconf(libc::_SC_CLK_TCK),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    let all = || calls.iter().flat_map(|c| c.joined.iter());
    let result = Step {
        plan,
        setup_ms,
        listeners: plan.rooms * plan.listeners,
        join_ms: all().map(|j| j.2).collect(),
        first_audio_ms: all().map(|j| j.3).collect(),
        expected,
        received: after - before,
        cpu_percent: 100.0 * (ticks_after - ticks_before) as f64 / hz as f64 / elapsed,
        generator_cpu_percent: 100.0 * (own_after - own_before) as f64 / hz as f64 / elapsed,
        rss_mib: (pages * page as u64) as f64 / (1024.0 * 1024.0),
    };
    for call in calls {
        call.talking.abort();
        for (client, recv, _, _) in call.joined {
            recv.close().await;
            client.close().await;
        }
        if let Ok(send) = Arc::try_unwrap(call.send) {
            send.close().await;
        }
        call.speaker.close().await;
    }
    result
}

/// Scenario 4: `clients` members of one room raise and lower their hands
/// as fast as their replies come back, for `window`. Returns requests/s and
/// the server's CPU.
async fn signaling(
    node: &NodeProcess,
    pid: u64,
    market: &str,
    clients: usize,
    window: Duration,
) -> (f64, f64) {
    let mut members = Vec::new();
    for _ in 0..clients {
        let (mut client, _) = node.connect(&TestWallet::new()).await;
        join_room(&mut client, market).await;
        members.push(client);
    }
    let (ticks_before, _) = usage(pid);
    let clock = Instant::now();
    let deadline = clock + window;
    let counts = futures_util::future::join_all(members.iter_mut().map(|client| async move {
        let mut done = 0u64;
        while Instant::now() < deadline {
            for method in ["voice:raise_hand", "voice:lower_hand"] {
                if client.request(method, serde_json::json!({})).await.is_ok() {
                    done += 1;
                }
            }
            client.clear_buffered();
        }
        done
    }))
    .await;
    let elapsed = clock.elapsed().as_secs_f64();
    let (ticks_after, _) = usage(pid);
    // SAFETY: sysconf only reads a system constant.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    for client in members {
        client.close().await;
    }
    let total: u64 = counts.iter().sum();
    (
        total as f64 / elapsed,
        100.0 * (ticks_after - ticks_before) as f64 / hz / elapsed,
    )
}

/// Pins the server (every thread of `pid`) to the last core and this
/// generator to the others, when the machine has more than one core.
fn pin(pid: u64) {
    let cores = num_cpus::get();
    if cores < 2 {
        return;
    }
    let set = |cpus: &mut dyn Iterator<Item = usize>| {
        // SAFETY: a zeroed cpu_set_t is the empty set; CPU_SET writes within it.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        for cpu in cpus {
            unsafe { libc::CPU_SET(cpu, &mut set) };
        }
        set
    };
    let server = set(&mut std::iter::once(cores - 1));
    let generator = set(&mut (0..cores - 1));
    let size = std::mem::size_of::<libc::cpu_set_t>();
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for tid in tasks
            .flatten()
            .filter_map(|t| t.file_name().to_str()?.parse::<i32>().ok())
        {
            // SAFETY: setting the affinity of a thread of our own child process.
            unsafe { libc::sched_setaffinity(tid, size, &server) };
        }
    }
    // Threads started later inherit this; tokio's are already running, so
    // pin each of ours too.
    for task in std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .flatten()
    {
        if let Some(tid) = task
            .file_name()
            .to_str()
            .and_then(|t| t.parse::<i32>().ok())
        {
            // SAFETY: setting the affinity of a thread of this process.
            unsafe { libc::sched_setaffinity(tid, size, &generator) };
        }
    }
}

/// Where the run data and plots go.
fn out_dir() -> std::path::PathBuf {
    std::env::var("PNL_BENCH_OUT")
        .map(Into::into)
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/benches/results").into())
}

/// An SVG of loss and server CPU (both percent) against listeners.
fn plot(path: &std::path::Path, title: &str, points: &[(f64, f64, f64)]) {
    use plotters::prelude::*;
    let root = SVGBackend::new(path, (720, 420)).into_drawing_area();
    root.fill(&WHITE).unwrap();
    let x_max = points.iter().map(|p| p.0).fold(1.0, f64::max) * 1.05;
    let y_max = points.iter().map(|p| p.1.max(p.2)).fold(5.0, f64::max) * 1.2;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(48)
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)
        .unwrap();
    chart
        .configure_mesh()
        .x_desc("listeners")
        .y_desc("percent")
        .draw()
        .unwrap();
    let cpu: Vec<(f64, f64)> = points.iter().map(|p| (p.0, p.2)).collect();
    let loss: Vec<(f64, f64)> = points.iter().map(|p| (p.0, p.1)).collect();
    chart
        .draw_series(LineSeries::new(cpu.clone(), &BLUE))
        .unwrap()
        .label("server CPU, % of one core")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLUE));
    chart
        .draw_series(cpu.iter().map(|p| Circle::new(*p, 3, BLUE.filled())))
        .unwrap();
    chart
        .draw_series(LineSeries::new(loss.clone(), &RED))
        .unwrap()
        .label("loss, %")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], RED));
    chart
        .draw_series(loss.iter().map(|p| Circle::new(*p, 3, RED.filled())))
        .unwrap();
    chart
        .configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE)
        .draw()
        .unwrap();
    root.present().unwrap();
}

fn main() {
    let list = |name: &str, default: &str| -> Vec<usize> {
        std::env::var(name)
            .unwrap_or_else(|_| default.into())
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect()
    };
    let plan = |scenario, rooms, listeners, concurrency| Plan {
        scenario,
        rooms,
        listeners,
        concurrency,
    };
    let mut steps: Vec<Plan> = Vec::new();
    for n in list("PNL_BENCH_LISTENERS", "10,50,100") {
        steps.push(plan("1: one room", 1, n, SETUP_CONCURRENCY));
    }
    for r in list("PNL_BENCH_ROOMS", "10,20") {
        steps.push(plan("2: small rooms", r, 4, SETUP_CONCURRENCY));
    }
    for m in list("PNL_BENCH_STORM", "100") {
        steps.push(plan("3: join storm", 1, m, m));
    }
    let signaling_clients = list("PNL_BENCH_SIGNALING_CLIENTS", "20");
    let window = Duration::from_secs(
        std::env::var("PNL_BENCH_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(10),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = std::env::temp_dir().join(format!("pnl-voice-bench-{}", rand::random::<u64>()));
        // One RTC port per transport: a range wide enough for every listener
        // (the server process inherits these).
        std::env::set_var("MEDIASOUP_RTC_MIN_PORT", "20000");
        std::env::set_var("MEDIASOUP_RTC_MAX_PORT", "29999");
        std::env::set_var("PNL_VOICE_DEV", "1");
        // The generator loads the machine on purpose: placement's CPU
        // threshold must not turn rooms away. Scenario 4's room has a founder, so its members may raise hands.
        let founded = random_address();
        let markets = dir.join("markets.json");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            &markets,
            serde_json::json!({"markets": [{
                "marketAddress": founded,
                "founderWallet": random_address(),
                "holdings": {}
            }]})
            .to_string(),
        )
        .unwrap();
        let node = NodeProcess::start(&format!(
            "markets_file = {:?}\ndata_dir = {:?}\nregistry_cpu_threshold_percent = 10000.0\n[rooms]\nmax_participants = 10000\nfanout_listeners_per_router = 0\n\
             [limits]\nws_requests_per_sec = 1000000\nws_flood_disconnect_after = 1000000\n",
            markets.display().to_string(),
            dir.display().to_string()
        ))
        .await;
        let health: serde_json::Value = reqwest::get(format!("{}/health", node.http()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let pid = health["pid"].as_u64().unwrap();
        pin(pid);
        println!("| scenario | rooms | listeners | set-up s | forwarded pkt/s | loss % | server CPU % (1 core) | generator CPU % | RSS MiB | join p50/p99 ms | first audio p50/p99 ms |");
        println!("|---|---|---|---|---|---|---|---|---|---|---|");
        let mut rows = Vec::new();
        for plan in steps {
            let mut s = step(&node, pid, plan, window).await;
            let loss = 100.0 * (1.0 - s.received as f64 / s.expected.max(1) as f64);
            rows.push(serde_json::json!({
                "scenario": s.plan.scenario, "rooms": s.plan.rooms, "listeners": s.listeners,
                "forwardedPerSec": s.received as f64 / window.as_secs_f64(), "lossPercent": loss.max(0.0),
                "cpuPercent": s.cpu_percent, "generatorCpuPercent": s.generator_cpu_percent,
                "rssMiB": s.rss_mib,
            }));
            println!(
                "| {} | {} | {} | {:.1} | {:.0} | {:.2} | {:.1} | {:.1} | {:.1} | {:.1} / {:.1} | {:.1} / {:.1} |",
                s.plan.scenario,
                s.plan.rooms,
                s.listeners,
                s.setup_ms / 1000.0,
                s.received as f64 / window.as_secs_f64(),
                loss.max(0.0),
                s.cpu_percent,
                s.generator_cpu_percent,
                s.rss_mib,
                percentile(&mut s.join_ms, 0.5),
                percentile(&mut s.join_ms, 0.99),
                percentile(&mut s.first_audio_ms, 0.5),
                percentile(&mut s.first_audio_ms, 0.99),
            );
        }
        println!();
        println!("| scenario | clients | requests/s | server CPU % (1 core) | requests/s per core |");
        println!("|---|---|---|---|---|");
        for clients in signaling_clients {
            let (rate, cpu) = signaling(&node, pid, &founded, clients, window).await;
            println!(
                "| 4: signaling | {clients} | {rate:.0} | {cpu:.1} | {:.0} |",
                rate * 100.0 / cpu.max(0.1)
            );
        }
        let out = out_dir();
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(
            out.join("load.json"),
            serde_json::to_string_pretty(&rows).unwrap(),
        )
        .unwrap();
        for (scenario, file, title) in [
            ("1: one room", "scenario1.svg", "One room: loss and server CPU vs listeners"),
            ("2: small rooms", "scenario2.svg", "Rooms of 5: loss and server CPU vs listeners"),
        ] {
            let points: Vec<(f64, f64, f64)> = rows
                .iter()
                .filter(|r| r["scenario"] == scenario)
                .map(|r| {
                    let f = |k: &str| r[k].as_f64().unwrap_or(0.0);
                    (f("listeners"), f("lossPercent"), f("cpuPercent"))
                })
                .collect();
            if !points.is_empty() {
                plot(&out.join(file), title, &points);
            }
        }
        drop(node);
        let _ = std::fs::remove_dir_all(dir);
    });
}
