//! Load generator: the four scenarios (one room stepping up, many small
//! rooms, a join storm, signaling throughput) with real str0m clients (ICE,
//! DTLS, SRTP) against the real server process. Speakers send 80-byte
//! Opus-sized frames at 50 packets/s; each step reports join and first-audio
//! latency (p50/p99), loss over a steady window, the server's CPU (user+sys,
//! percent of one core) and its RSS.
//!
//! `cargo bench --bench load` runs the small size (one room of 10, 50, 100
//! listeners, 10 and 20 rooms of 5, a storm of 100, 20 signaling clients,
//! 10 s windows); `PNL_BENCH_LISTENERS=100,200,400 PNL_BENCH_ROOMS=50,100
//! PNL_BENCH_SECS=30 cargo bench --bench load` a bigger one. Results go to
//! stdout as Markdown tables, run data and plots to `benches/results`.

#[path = "common/mod.rs"]
mod common;
#[path = "../tests/support/mod.rs"]
mod support;

use common::measure::pin;
use common::ours::Ours;
use common::report::{out_dir, plot, points, write_json, Series};
use common::scenario::{runtime, signaling, step, Sfu, Sizes};
use plotters::style::{BLUE, RED};

fn main() {
    let sizes = Sizes::from_env();
    let window = sizes.window;
    runtime().block_on(async {
        let ours = Ours::start().await;
        pin(ours.pid());
        println!("| scenario | rooms | listeners | set-up s | forwarded pkt/s | loss % | server CPU % (1 core) | generator CPU % | RSS MiB | join p50/p99 ms | first audio p50/p99 ms |");
        println!("|---|---|---|---|---|---|---|---|---|---|---|");
        let mut rows = Vec::new();
        for plan in sizes.plans {
            let s = step(&ours, plan, window).await;
            println!(
                "| {} | {} | {} | {} |",
                plan.scenario,
                plan.rooms,
                s.listeners,
                s.cells()
            );
            rows.push(s.json());
        }
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
