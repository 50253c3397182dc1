//! Join-rate slots kept in memory: one node's own limit (the embedded
//! ledger's, and the fallback while a shared ledger is unreachable).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use crate::address::Address;

/// When each wallet last took its slot.
#[derive(Default)]
pub struct JoinSlots {
    last: Mutex<HashMap<Address, Instant>>,
}

impl JoinSlots {
    /// Takes `wallet`'s slot: `false` when it took it less than `interval` ago.
    pub fn take(&self, wallet: &Address, interval: Duration) -> bool {
        let now = Instant::now();
        let mut last = self.last.lock();
        match last.get(wallet) {
            Some(t) if now.duration_since(*t) < interval => false,
            _ => {
                last.insert(wallet.clone(), now);
                true
            }
        }
    }

    /// Forgets slots older than `interval`, giving memory back after a burst.
    pub fn forget_old(&self, interval: Duration) {
        let mut last = self.last.lock();
        last.retain(|_, t| t.elapsed() < interval);
        if last.len() * 4 < last.capacity() {
            last.shrink_to_fit();
        }
    }
}
