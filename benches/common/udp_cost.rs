//! The machine's UDP limit as a cost per packet, the yardstick for the
//! server's own: one thread on the server's core sends 80-byte datagrams
//! through loopback as fast as it can, one `send_to` each (as the
//! mediasoup worker sends each forwarded packet), to a thread on the
//! generator's core that receives them. Each thread's CPU time comes from
//! its own clock, so the sender's cost per packet (the system call and the
//! loopback delivery it triggers) is what a perfect SFU would spend on a
//! packet it forwards.

use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::measure::{pin_this_thread, thread_cpu_time, Side};

/// An Opus-sized datagram, as the speakers of the scenarios send.
const PAYLOAD_BYTES: usize = 80;

/// What one run measured.
#[derive(Clone, Copy, Debug)]
pub struct UdpCost {
    /// Datagrams sent per second.
    pub sent_per_sec: f64,
    /// Datagrams received per second.
    pub received_per_sec: f64,
    /// The sender thread's CPU per datagram sent, µs.
    pub send_us: f64,
    /// The receiver thread's CPU per datagram received, µs.
    pub receive_us: f64,
}

impl UdpCost {
    /// Sends for `window`, then reports.
    pub fn measure(window: Duration) -> Self {
        let receiver = UdpSocket::bind("127.0.0.1:0").expect("bind the receiver");
        receiver
            .set_read_timeout(Some(Duration::from_millis(100)))
            .expect("receive timeout");
        let target = receiver.local_addr().expect("receiver address");
        let stop = Arc::new(AtomicBool::new(false));
        let receiving = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                pin_this_thread(Side::Generator);
                let mut buf = [0u8; 1500];
                let (mut received, started) = (0u64, thread_cpu_time());
                while !stop.load(Ordering::Relaxed) {
                    if receiver.recv(&mut buf).is_ok() {
                        received += 1;
                    }
                }
                (received, thread_cpu_time() - started)
            })
        };
        let sending = std::thread::spawn(move || {
            pin_this_thread(Side::Server);
            let sender = UdpSocket::bind("127.0.0.1:0").expect("bind the sender");
            let payload = [0x5au8; PAYLOAD_BYTES];
            let (cpu, clock) = (thread_cpu_time(), Instant::now());
            let mut sent = 0u64;
            while clock.elapsed() < window {
                for _ in 0..256 {
                    if sender.send_to(&payload, target).is_ok() {
                        sent += 1;
                    }
                }
            }
            (sent, thread_cpu_time() - cpu, clock.elapsed())
        });
        let (sent, send_cpu, elapsed) = sending.join().expect("sender thread");
        stop.store(true, Ordering::Relaxed);
        let (received, receive_cpu) = receiving.join().expect("receiver thread");
        let per = |cpu: Duration, n: u64| cpu.as_secs_f64() * 1e6 / n.max(1) as f64;
        Self {
            sent_per_sec: sent as f64 / elapsed.as_secs_f64(),
            received_per_sec: received as f64 / elapsed.as_secs_f64(),
            send_us: per(send_cpu, sent),
            receive_us: per(receive_cpu, received),
        }
    }
}

impl std::fmt::Display for UdpCost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "UDP limit in this run: {:.0} pkt/s sent, {:.0} received; sender {:.2} µs/pkt, receiver {:.2} µs/pkt",
            self.sent_per_sec, self.received_per_sec, self.send_us, self.receive_us
        )
    }
}
