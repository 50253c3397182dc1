//! The ledger of a node without Redis: bans in the record store (SQLite or
//! MongoDB, table/collection `voice_bans`), so they survive restarts; churn
//! history and rate slots in memory.
//!
//! Memory is enough for those two: without Redis the registry is in
//! memory, so one node serves every room and sees every join; the history
//! covers one churn window (60 s) and a slot one join interval (1 s), so a
//! restart forgets at most that much, while writing every join to the store
//! would cost a write per join for a fact that is stale a minute later. Both
//! maps are pruned on every heartbeat, so they hold only recent joiners.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use parking_lot::Mutex;

use super::{JoinSlots, LedgerBackend, LedgerError};
use crate::address::Address;
use crate::rooms::{Ban, Standing};
use crate::store::Store;

/// A wallet in a room: (room, wallet).
type RoomWallet = (Address, Address);

/// Bans in the store, churn history and rate slots in memory.
pub struct EmbeddedLedger {
    store: Arc<dyn Store>,
    /// (room, wallet) → its join times within the window, oldest first.
    joins: Mutex<HashMap<RoomWallet, VecDeque<DateTime<Utc>>>>,
    slots: JoinSlots,
}

impl EmbeddedLedger {
    /// A ledger keeping bans in `store`.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            joins: Mutex::new(HashMap::new()),
            slots: JoinSlots::default(),
        }
    }
}

#[async_trait]
impl LedgerBackend for EmbeddedLedger {
    fn kind(&self) -> &'static str {
        self.store.kind()
    }

    async fn standing(
        &self,
        room: &Address,
        wallet: &Address,
        window: chrono::Duration,
        now: DateTime<Utc>,
    ) -> Result<Standing, LedgerError> {
        let recent = self
            .joins
            .lock()
            .get(&(room.clone(), wallet.clone()))
            .map_or(0, |times| {
                times.iter().filter(|t| now - **t < window).count()
            });
        let banned_until = self.store.banned_until(room, wallet, now).await?;
        Ok(Standing {
            banned_until,
            recent_joins: u32::try_from(recent).unwrap_or(u32::MAX),
            ..Default::default()
        })
    }

    async fn ban(&self, room: &Address, ban: &Ban) -> Result<(), LedgerError> {
        self.joins
            .lock()
            .remove(&(room.clone(), ban.wallet.clone()));
        self.store.ban(room, &ban.wallet, ban.until).await?;
        Ok(())
    }

    async fn joined(
        &self,
        room: &Address,
        wallet: &Address,
        at: DateTime<Utc>,
        window: chrono::Duration,
    ) -> Result<(), LedgerError> {
        let mut joins = self.joins.lock();
        let times = joins.entry((room.clone(), wallet.clone())).or_default();
        times.retain(|t| at - *t < window);
        times.push_back(at);
        Ok(())
    }

    async fn take_join_slot(
        &self,
        wallet: &Address,
        interval: Duration,
    ) -> Result<bool, LedgerError> {
        Ok(self.slots.take(wallet, interval))
    }

    fn forget_old(&self, now: DateTime<Utc>, window: chrono::Duration, interval: Duration) {
        let mut joins = self.joins.lock();
        joins.retain(|_, times| times.back().is_some_and(|t| now - *t < window));
        if joins.len() * 4 < joins.capacity() {
            joins.shrink_to_fit();
        }
        drop(joins);
        self.slots.forget_old(interval);
    }
}
