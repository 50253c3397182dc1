//! RTC ports for test servers. A node's workers listen on fixed ports (one
//! WebRtcServer each, from `webrtc_server_port`), so servers that tests start
//! at once, in this process or another, each need ports of their own.

use std::collections::HashSet;
use std::net::{TcpListener, UdpSocket};
use std::sync::Mutex;

/// Bases already handed out in this process: the kernel may offer a port
/// again once its probe socket is closed, before the node binds it.
static GIVEN: Mutex<Option<HashSet<u16>>> = Mutex::new(None);

/// The first of `count` consecutive ports free for UDP and TCP on 127.0.0.1,
/// for a node of `count` workers (`webrtc_server_port`).
pub fn free_rtc_ports(count: u16) -> u16 {
    for _ in 0..200 {
        let base = UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let Some(last) = base.checked_add(count - 1) else {
            continue;
        };
        let mut given = GIVEN.lock().unwrap();
        let given = given.get_or_insert_with(HashSet::new);
        if (base..=last).any(|p| given.contains(&p)) {
            continue;
        }
        let probes: Option<Vec<_>> = (base..=last)
            .map(|p| {
                let udp = UdpSocket::bind(("127.0.0.1", p)).ok()?;
                let tcp = TcpListener::bind(("127.0.0.1", p)).ok()?;
                Some((udp, tcp))
            })
            .collect();
        if probes.is_some() {
            given.extend(base..=last);
            return base;
        }
    }
    panic!("no {count} consecutive free RTC ports on 127.0.0.1");
}
