//! The node's open sockets: how many there are, and the order to close
//! them all on shutdown.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

/// Every open signaling socket of the node.
pub struct Sockets {
    open: Arc<AtomicUsize>,
    closing: watch::Sender<bool>,
}

/// Held by a session while its socket is open.
pub struct Ticket {
    open: Arc<AtomicUsize>,
    /// Turns `true` when the node shuts down.
    pub closing: watch::Receiver<bool>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Default for Sockets {
    fn default() -> Self {
        Self {
            open: Arc::default(),
            closing: watch::channel(false).0,
        }
    }
}

impl Sockets {
    /// Counts a socket in until its ticket is dropped.
    pub fn enter(&self) -> Ticket {
        self.open.fetch_add(1, Ordering::Relaxed);
        Ticket {
            open: self.open.clone(),
            closing: self.closing.subscribe(),
        }
    }

    /// Sockets open now.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::Relaxed)
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
