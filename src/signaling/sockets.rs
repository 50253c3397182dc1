//! The node's open sockets: how many there are (in all and per client IP
//! address, which is limited), and the order to close them all on shutdown.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use tokio::sync::watch;

/// Every open signaling socket of the node.
pub struct Sockets {
    open: Arc<AtomicUsize>,
    per_ip: Arc<Mutex<HashMap<IpAddr, usize>>>,
    closing: watch::Sender<bool>,
}

/// Held by a session while its socket is open.
pub struct Ticket {
    open: Arc<AtomicUsize>,
    per_ip: Arc<Mutex<HashMap<IpAddr, usize>>>,
    ip: Option<IpAddr>,
    /// Turns `true` when the node shuts down.
    pub closing: watch::Receiver<bool>,
}

impl Ticket {
    /// The client's address, when known.
    pub fn ip(&self) -> Option<IpAddr> {
        self.ip
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::Relaxed);
        if let Some(ip) = self.ip {
            let mut per_ip = self.per_ip.lock();
            if let Some(n) = per_ip.get_mut(&ip) {
                *n -= 1;
                if *n == 0 {
                    per_ip.remove(&ip);
                }
            }
        }
    }
}

impl Default for Sockets {
    fn default() -> Self {
        Self {
            open: Arc::default(),
            per_ip: Arc::default(),
            closing: watch::channel(false).0,
        }
    }
}

impl Sockets {
    /// Counts a socket from `ip` in until its ticket is dropped; `None` when
    /// `ip` already holds `limit` sockets (0: no limit). Without an address
    /// (a socket that is not TCP) only the total counts.
    pub fn enter(&self, ip: Option<IpAddr>, limit: usize) -> Option<Ticket> {
        if let Some(ip) = ip {
            let mut per_ip = self.per_ip.lock();
            let n = per_ip.entry(ip).or_insert(0);
            if limit > 0 && *n >= limit {
                return None;
            }
            *n += 1;
        }
        self.open.fetch_add(1, Ordering::Relaxed);
        Some(Ticket {
            open: self.open.clone(),
            per_ip: self.per_ip.clone(),
            ip,
            closing: self.closing.subscribe(),
        })
    }

    /// Sockets open now.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    /// Client addresses with a socket open now.
    #[cfg(test)]
    fn addresses(&self) -> usize {
        self.per_ip.lock().len()
    }

    /// Orders every socket to send what it has queued and close, then waits
    /// (at most `within`) until they have. Returns whether they all did.
    pub async fn close_all(&self, within: Duration) -> bool {
        self.closing.send_replace(true);
        let deadline = Instant::now() + within;
        while self.open() > 0 {
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_holds_at_most_the_limit_and_gets_its_places_back() {
        let sockets = Sockets::default();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let first = sockets.enter(Some(a), 2).unwrap();
        let _second = sockets.enter(Some(a), 2).unwrap();
        assert!(sockets.enter(Some(a), 2).is_none(), "a third from a");
        let _other = sockets.enter(Some(b), 2).expect("b has its own places");
        assert_eq!((sockets.open(), sockets.addresses()), (3, 2));
        drop(first);
        assert!(sockets.enter(Some(a), 2).is_some(), "a place came back");
    }

    #[test]
    fn no_limit_and_no_address_count_only_the_total() {
        let sockets = Sockets::default();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let tickets: Vec<_> = (0..100)
            .map(|_| sockets.enter(Some(a), 0).unwrap())
            .collect();
        let _unknown = sockets.enter(None, 1).unwrap();
        assert_eq!(sockets.open(), 101);
        drop(tickets);
        assert_eq!((sockets.open(), sockets.addresses()), (1, 0));
    }
}
