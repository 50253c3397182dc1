//! The peer in the same run: every scenario of `load.rs` against our server
//! and against Janus (Debian's `janus` 1.1.2, VideoRoom, audio only), back
//! to back per step, each on a fresh process pinned to the same core, with
//! the same str0m clients and the same figures; then ours divided by
//! Janus's. Janus needs the loopback shim in `benches/janus/` (see
//! `benches/README.md`), and runs on libsrtp built on OpenSSL like our
//! worker's, on Debian's NSS build, or a row for each (`janus/srtp.rs`).
//!
//! `cargo bench --bench janus` (sizes as for `load.rs`: `PNL_BENCH_LISTENERS`,
//! `PNL_BENCH_ROOMS`, `PNL_BENCH_STORM`, `PNL_BENCH_SIGNALING_CLIENTS`,
//! `PNL_BENCH_SECS`; Janus's SRTP: `PNL_BENCH_JANUS_SRTP=openssl` (default),
//! `system` or `system,openssl`). Markdown tables go to stdout, run data
//! (`peer.json`) and plots (`peer-scenario1.svg`, `peer-scenario2.svg`) to
//! `benches/results`.

#[path = "common/mod.rs"]
mod common;
#[path = "janus/mod.rs"]
mod janus;
use pnl_voice_testkit as support;

use std::time::Duration;

use common::measure::pin;
use common::ours::Ours;
use common::report::{out_dir, plot, points, write_json, Series};
use common::scenario::{runtime, signaling, step, Plan, Sfu, Signaling, Sizes, Step};
use common::udp_cost::UdpCost;
use janus::peer::Janus;
use janus::srtp::Srtp;
use plotters::style::{RGBColor, BLUE, RED};
use serde_json::{json, Value};

/// The peer's name in the tables.
const PEER: &str = "Janus 1.1.2";
/// Our worker's SRTP crypto: Debian's libsrtp2 source built on OpenSSL.
const OUR_SRTP: &str = "OpenSSL";

/// The peer's name in the rows of `srtp`.
fn peer(srtp: Srtp) -> String {
    format!("{PEER} ({} SRTP)", srtp.crypto())
}

/// Runs `plan` on a fresh, pinned `sfu`.
async fn measure<S: Sfu>(sfu: S, plan: Plan, window: Duration) -> Step {
    pin(sfu.pid());
    step(&sfu, plan, window).await
}

/// Runs scenario 4 with `clients` members on a fresh, pinned `sfu`.
async fn measure_signaling<S: Sfu>(sfu: S, clients: usize, window: Duration) -> Signaling {
    pin(sfu.pid());
    signaling(&sfu, clients, window).await
}

/// `ours / theirs` to two decimals, or a dash where it means nothing.
fn ratio(ours: f64, theirs: f64) -> String {
    if theirs > 0.0 && ours.is_finite() && theirs.is_finite() {
        format!("{:.2}", ours / theirs)
    } else {
        "–".into()
    }
}

/// The ours/Janus row of a step: ratios of every figure but loss.
fn ratio_cells(ours: &Step, theirs: &Step) -> String {
    [
        ratio(ours.setup_s, theirs.setup_s),
        ratio(ours.forwarded_per_sec, theirs.forwarded_per_sec),
        "–".into(),
        ratio(ours.cpu_percent, theirs.cpu_percent),
        ratio(ours.generator_cpu_percent, theirs.generator_cpu_percent),
        ratio(ours.rss_mib, theirs.rss_mib),
        format!(
            "{} / {}",
            ratio(ours.join_ms[0], theirs.join_ms[0]),
            ratio(ours.join_ms[1], theirs.join_ms[1])
        ),
        format!(
            "{} / {}",
            ratio(ours.first_audio_ms[0], theirs.first_audio_ms[0]),
            ratio(ours.first_audio_ms[1], theirs.first_audio_ms[1])
        ),
    ]
    .join(" | ")
}

/// `row` named after its SFU and SRTP crypto library.
fn with_sfu(mut row: Value, sfu: &str, srtp: &str) -> Value {
    row["sfu"] = json!(sfu);
    row["srtp"] = json!(srtp);
    row
}

/// Loss and server CPU of our server and of Janus on each of `backends`
/// against listeners, for `scenario`.
fn plot_scenario(rows: &[Value], backends: &[Srtp], scenario: &str, file: &str, title: &str) {
    let of = |sfu: &str| -> Vec<&Value> { rows.iter().filter(|r| r["sfu"] == sfu).collect() };
    let janus = backends.iter().map(|&srtp| {
        let (cpu, loss) = match srtp {
            Srtp::OpenSsl => (RGBColor(120, 160, 255), RGBColor(255, 150, 150)),
            Srtp::System => (RGBColor(0, 170, 170), RGBColor(255, 170, 0)),
        };
        (
            format!("Janus ({})", srtp.crypto()),
            of(&peer(srtp)),
            cpu,
            loss,
        )
    });
    let series: Vec<Series> = std::iter::once(("pnl-voice".to_owned(), of("pnl-voice"), BLUE, RED))
        .chain(janus)
        .flat_map(|(name, rows, cpu, loss)| {
            [
                ("CPU, % of one core", cpu, "cpuPercent"),
                ("loss, %", loss, "lossPercent"),
            ]
            .map(|(what, color, key)| Series {
                label: format!("{name} {what}"),
                color,
                points: points(&rows, scenario, key),
            })
        })
        .collect();
    if !series[0].points.is_empty() {
        plot(&out_dir().join(file), title, &series);
    }
}

/// Prints scenario 4's row of `sfu` (on `srtp`) and adds it to `rows`.
fn signaling_row(rows: &mut Vec<Value>, clients: usize, sfu: &str, srtp: &str, s: &Signaling) {
    println!(
        "| 4: signaling | {} | {sfu} | {:.0} | {:.1} | {:.0} |",
        s.clients,
        s.requests_per_sec,
        s.cpu_percent,
        s.per_core()
    );
    rows.push(
        json!({"scenario": "4: signaling", "sfu": sfu, "srtp": srtp, "clients": clients,
        "requestsPerSec": s.requests_per_sec, "cpuPercent": s.cpu_percent}),
    );
}

/// How long the UDP limit is measured before the steps.
const UDP_COST_WINDOW: Duration = Duration::from_secs(3);

/// Per step and SFU: the server's CPU per forwarded packet against the UDP
/// limit's measured in this run, and listeners per core of server CPU.
fn per_packet_table(steps: &[(String, Step)], udp: &UdpCost) {
    println!("{udp}");
    println!();
    println!("| scenario | rooms | listeners | SFU | loss % | server µs/pkt | server / UDP limit | listeners per core |");
    println!("|---|---|---|---|---|---|---|---|");
    for (sfu, s) in steps {
        println!(
            "| {} | {} | {} | {sfu} | {:.2} | {:.2} | {:.0}% | {:.0} |",
            s.plan.scenario,
            s.plan.rooms,
            s.listeners,
            s.loss_percent,
            s.server_us_per_packet(),
            s.percent_of_udp_limit(udp.send_us),
            s.listeners as f64 * 100.0 / s.cpu_percent.max(0.1)
        );
    }
}

fn main() {
    let sizes = Sizes::from_env();
    let window = sizes.window;
    let backends = Srtp::from_env();
    runtime().block_on(async {
        let udp = UdpCost::measure(UDP_COST_WINDOW);
        let mut steps = Vec::new();
        println!("| scenario | rooms | listeners | SFU | set-up s | forwarded pkt/s | loss % | server CPU % (1 core) | generator CPU % | RSS MiB | join p50/p99 ms | first audio p50/p99 ms |");
        println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
        let mut rows = Vec::new();
        for plan in sizes.plans {
            let ours = measure(Ours::start().await, plan, window).await;
            let head = format!("| {} | {} | {} |", plan.scenario, plan.rooms, ours.listeners);
            println!("{head} pnl-voice | {} |", ours.cells());
            rows.push(with_sfu(ours.json(), "pnl-voice", OUR_SRTP));
            for &srtp in &backends {
                let theirs = measure(Janus::start(srtp).await, plan, window).await;
                println!("{head} {} | {} |", peer(srtp), theirs.cells());
                println!("{head} ours/Janus ({}) | {} |", srtp.crypto(), ratio_cells(&ours, &theirs));
                rows.push(with_sfu(theirs.json(), &peer(srtp), srtp.crypto()));
                steps.push((peer(srtp), theirs));
            }
            steps.push(("pnl-voice".to_owned(), ours));
        }
        println!();
        per_packet_table(&steps, &udp);
        println!();
        println!("| scenario | clients | SFU | requests/s | server CPU % (1 core) | requests/s per core |");
        println!("|---|---|---|---|---|---|");
        for clients in sizes.signaling_clients {
            let ours = measure_signaling(Ours::start().await, clients, window).await;
            signaling_row(&mut rows, clients, "pnl-voice", OUR_SRTP, &ours);
            for &srtp in &backends {
                let theirs = measure_signaling(Janus::start(srtp).await, clients, window).await;
                signaling_row(&mut rows, clients, &peer(srtp), srtp.crypto(), &theirs);
                println!(
                    "| 4: signaling | {clients} | ours/Janus ({}) | {} | {} | {} |",
                    srtp.crypto(),
                    ratio(ours.requests_per_sec, theirs.requests_per_sec),
                    ratio(ours.cpu_percent, theirs.cpu_percent),
                    ratio(ours.per_core(), theirs.per_core())
                );
            }
        }
        write_json("peer.json", &rows);
        plot_scenario(&rows, &backends, "1: one room", "peer-scenario1.svg", "One room: pnl-voice and Janus, loss and server CPU");
        plot_scenario(&rows, &backends, "2: small rooms", "peer-scenario2.svg", "Rooms of 5: pnl-voice and Janus, loss and server CPU");
    });
}
