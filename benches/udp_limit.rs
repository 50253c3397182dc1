//! The physical limit for context: how many 80-byte packets per second one
//! sender thread pushes through a loopback UDP socket to one receiver
//! thread on this machine (sender on the server's core, receiver on the
//! generator's, as the load benchmarks lay them out), and the CPU each
//! thread spends per packet. `cargo bench --bench udp_limit`
//! (`PNL_BENCH_SECS` sets the run time, default 5 s). `load.rs` measures
//! the same before its steps, as the yardstick for the server's cost per
//! forwarded packet.

#[allow(dead_code)]
#[path = "common/measure.rs"]
mod measure;
#[path = "common/udp_cost.rs"]
mod udp_cost;

use std::time::Duration;

use udp_cost::UdpCost;

fn main() {
    let secs = std::env::var("PNL_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5u64);
    let cost = UdpCost::measure(Duration::from_secs(secs));
    println!("| sent pkt/s | received pkt/s | sender µs/pkt | receiver µs/pkt |");
    println!("|---|---|---|---|");
    println!(
        "| {:.0} | {:.0} | {:.2} | {:.2} |",
        cost.sent_per_sec, cost.received_per_sec, cost.send_us, cost.receive_us
    );
}
