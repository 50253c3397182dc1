//! The physical limit for context: how many 80-byte packets per second one
//! sender thread pushes through a loopback UDP socket to one receiver
//! thread on this machine, and the CPU both spend (user+sys of the
//! process, percent of one core). `cargo bench --bench udp_limit`
//! (`PNL_BENCH_SECS` sets the run time, default 5 s).

use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    pnl_voice::cpu::cpu_ticks(&stat).unwrap_or(0)
}

fn main() {
    let secs = std::env::var("PNL_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5u64);
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    receiver
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let target = receiver.local_addr().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let counting = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 1500];
            let mut received = 0u64;
            while !stop.load(Ordering::Relaxed) {
                if receiver.recv(&mut buf).is_ok() {
                    received += 1;
                }
            }
            received
        })
    };
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    let payload = [0x5au8; 80];
    let (cpu_before, started) = (ticks(), Instant::now());
    let mut sent = 0u64;
    while started.elapsed() < Duration::from_secs(secs) {
        for _ in 0..256 {
            if sender.send_to(&payload, target).is_ok() {
                sent += 1;
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let received = counting.join().unwrap();
    // SAFETY: sysconf only reads a system constant.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let cpu = 100.0 * (ticks() - cpu_before) as f64 / hz / elapsed;
    println!("| sent pkt/s | received pkt/s | CPU % (sender + receiver threads) |");
    println!("|---|---|---|");
    println!(
        "| {:.0} | {:.0} | {:.0} |",
        sent as f64 / elapsed,
        received as f64 / elapsed,
        cpu
    );
}
