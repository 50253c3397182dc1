//! Load generator: the four scenarios (one room stepping up, many small
//! rooms, a join storm, signaling throughput) with real str0m clients (ICE,
//! DTLS, SRTP) against the real server process. Speakers send 80-byte
//! Opus-sized frames at 50 packets/s; each step reports join and first-audio
//! latency (p50/p99), loss over a steady window, the server's CPU (user+sys,
//! percent of one core) and its RSS.
//!
//! `cargo bench --bench load` runs the small size (one room of 10, 50, 100
//! listeners, 10 and 20 rooms of 5, a storm of 100, 20 signaling clients,
//! 10 s windows); `PNL_BENCH_LISTENERS=1000,1500,2000,3000
//! PNL_BENCH_SECS=20 cargo bench --bench load` steps one room up, stopping
//! after the first step that loses more than 1%. Before the steps, the
//! machine's UDP limit is measured in the same run ([`UdpCost`]), and each
//! step's server CPU per forwarded packet is reported against it. Results
//! go to stdout as Markdown tables, run data and plots to `benches/results`.

#[path = "common/mod.rs"]
mod common;
use pnl_voice_testkit as support;

use std::time::Duration;

use common::measure::pin;
use common::ours::Ours;
use common::report::{out_dir, plot, points, write_json, Series};
use common::scenario::{runtime, signaling, step, Sfu, Sizes, Step};
use common::udp_cost::UdpCost;
use plotters::style::{BLUE, RED};

/// How long the UDP limit is measured before the steps.
const UDP_COST_WINDOW: Duration = Duration::from_secs(3);
/// Loss above which one room is not stepped up further, %.
const STEP_UP_LOSS: f64 = 1.0;

fn main() {
    let sizes = Sizes::from_env();
    let window = sizes.window;
    runtime().block_on(async {
        let ours = Ours::start().await;
        pin(ours.pid());
        let udp = UdpCost::measure(UDP_COST_WINDOW);
        println!("| scenario | rooms | listeners | set-up s | forwarded pkt/s | loss % | server CPU % (1 core) | generator CPU % | RSS MiB | join p50/p99 ms | first audio p50/p99 ms |");
        println!("|---|---|---|---|---|---|---|---|---|---|---|");
        let (mut rows, mut steps) = (Vec::new(), Vec::new());
        for plan in sizes.plans {
            let lost_before = steps
                .iter()
                .any(|s: &Step| s.plan.scenario == plan.scenario && s.loss_percent > STEP_UP_LOSS);
            if plan.rooms == 1 && lost_before {
                continue;
            }
            let s = step(&ours, plan, window).await;
            println!(
                "| {} | {} | {} | {} |",
                plan.scenario,
                plan.rooms,
                s.listeners,
                s.cells()
            );
            if let (n @ 1.., Some(why)) = &s.failed {
                println!("<!-- {n} listeners heard no audio in time (counted as lost), the first: {why} -->");
            }
            rows.push(s.json());
            steps.push(s);
        }
        println!();
        per_packet_table(&steps, &udp);
        println!();
        println!("| scenario | clients | requests/s | server CPU % (1 core) | requests/s per core |");
        println!("|---|---|---|---|---|");
        for clients in sizes.signaling_clients {
            let s = signaling(&ours, clients, window).await;
            println!(
                "| 4: signaling | {} | {:.0} | {:.1} | {:.0} |",
                s.clients,
                s.requests_per_sec,
                s.cpu_percent,
                s.per_core()
            );
        }
        write_json("load.json", &rows);
        let rows: Vec<_> = rows.iter().collect();
        for (scenario, file, title) in [
            ("1: one room", "scenario1.svg", "One room: loss and server CPU vs listeners"),
            ("2: small rooms", "scenario2.svg", "Rooms of 5: loss and server CPU vs listeners"),
        ] {
            let cpu = points(&rows, scenario, "cpuPercent");
            if cpu.is_empty() {
                continue;
            }
            let series = [
                Series {
                    label: "server CPU, % of one core".into(),
                    color: BLUE,
                    points: cpu,
                },
                Series {
                    label: "loss, %".into(),
                    color: RED,
                    points: points(&rows, scenario, "lossPercent"),
                },
            ];
            plot(&out_dir().join(file), title, &series);
        }
    });
}

/// The server's CPU per forwarded packet in each step next to the UDP
/// limit's (the sender's CPU per datagram, measured in this run), and how
/// many of the samples the listeners' counting mode checked str0m decrypted.
fn per_packet_table(steps: &[Step], udp: &UdpCost) {
    println!("{udp}");
    println!();
    println!("| scenario | rooms | listeners | loss % | server µs/pkt | UDP limit µs/pkt | server / UDP limit | samples authenticated |");
    println!("|---|---|---|---|---|---|---|---|");
    for s in steps {
        println!(
            "| {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.0}% | {} of {} |",
            s.plan.scenario,
            s.plan.rooms,
            s.listeners,
            s.loss_percent,
            s.server_us_per_packet(),
            udp.send_us,
            s.percent_of_udp_limit(udp.send_us),
            s.samples_authenticated,
            s.samples
        );
    }
}
