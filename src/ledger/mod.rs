//! The moderation ledger: bans (room, wallet → until), churn history (a
//! wallet's joins of a room within the policy's window) and the join-rate
//! slot (one join per wallet per interval, across every node). It outlives
//! rooms: the room rules are given a wallet's [`Standing`] before it joins
//! and hand back the [`Ban`]s they decide, which are kept here, so a ban
//! holds after the room is destroyed, after a restart and on another node.
//!
//! Two backends: [`RedisLedger`] when the registry is Redis (shared by the
//! nodes, every key expiring by itself) and [`EmbeddedLedger`] otherwise
//! (bans in the record store, churn history and rate slots in memory: one
//! node, see its docs).
//!
//! **Outages fail open, bounded.** Each call waits at most the registry's
//! timeout. A standing that cannot be read counts as clean (the wallet is
//! admitted, and a warning is logged), a rate slot that cannot be taken
//! falls back to this node's own slots, a join that cannot be recorded is
//! skipped: a ledger outage must not lock everyone out of the rooms that
//! keep running, and it already refuses new rooms (the registry is the
//! same Redis). Bans issued by this node stay enforced through it: a ban is
//! kept in memory from the moment it is decided until it is written (and
//! until it ends, if it cannot be written), which also makes a kick's ban
//! visible to the very next join, before the write lands.

mod embedded;
mod join_slots;
mod redis;

pub use embedded::EmbeddedLedger;
pub use join_slots::JoinSlots;
pub use redis::RedisLedger;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use parking_lot::Mutex;

use crate::address::Address;
use crate::registry::RegistryError;
use crate::rooms::{Ban, RoomPolicy, Standing};
use crate::store::StoreError;

/// Most bans kept in memory while unwritten (a ledger outage during a
/// flood of churn bans); past it, expired ones are dropped first, then
/// new ones are only written.
const MAX_UNWRITTEN: usize = 65_536;

/// The ledger could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("moderation ledger unavailable: {0}")]
pub struct LedgerError(pub String);

impl From<RegistryError> for LedgerError {
    fn from(e: RegistryError) -> Self {
        Self(e.0)
    }
}

impl From<StoreError> for LedgerError {
    fn from(e: StoreError) -> Self {
        Self(e.to_string())
    }
}

/// Where the ledger is kept.
#[async_trait]
pub trait LedgerBackend: Send + Sync {
    /// Which backend this is (`redis`, `sqlite`, `mongodb`).
    fn kind(&self) -> &'static str;

    /// `wallet`'s ban from `room` and its joins of `room` within `window`
    /// before `now`.
    async fn standing(
        &self,
        room: &Address,
        wallet: &Address,
        window: chrono::Duration,
        now: DateTime<Utc>,
    ) -> Result<Standing, LedgerError>;

    /// Keeps `ban` from `room` until it ends, and forgets the wallet's
    /// joins of `room` (the ban outlasts them).
    async fn ban(&self, room: &Address, ban: &Ban) -> Result<(), LedgerError>;

    /// Records that `wallet` joined `room` at `at`; kept for `window`.
    async fn joined(
        &self,
        room: &Address,
        wallet: &Address,
        at: DateTime<Utc>,
        window: chrono::Duration,
    ) -> Result<(), LedgerError>;

    /// Takes `wallet`'s join-rate slot for `interval`: `false` when it
    /// joined less than `interval` ago.
    async fn take_join_slot(
        &self,
        wallet: &Address,
        interval: Duration,
    ) -> Result<bool, LedgerError>;

    /// Gives back memory held for joins older than `window` and rate slots
    /// older than `interval` at `now` (each heartbeat).
    fn forget_old(&self, _now: DateTime<Utc>, _window: chrono::Duration, _interval: Duration) {}
}

/// The ledger as the hub uses it: a backend behind timeouts and the
/// fail-open rules of the module's docs.
pub struct ModerationLedger {
    backend: Arc<dyn LedgerBackend>,
    policy: RoomPolicy,
    join_interval: Duration,
    timeout: Duration,
    /// Bans decided here and not written yet: (room, wallet) → until.
    unwritten: Mutex<HashMap<(Address, Address), DateTime<Utc>>>,
    /// This node's own rate slots, used while the backend fails.
    fallback_slots: JoinSlots,
}

impl ModerationLedger {
    /// A ledger on `backend` for rooms of `policy`, allowing one join per
    /// wallet per `join_interval`, each call bounded by `timeout`.
    pub fn new(
        backend: Arc<dyn LedgerBackend>,
        policy: RoomPolicy,
        join_interval: Duration,
        timeout: Duration,
    ) -> Self {
        Self {
            backend,
            policy,
            join_interval,
            timeout,
            unwritten: Mutex::new(HashMap::new()),
            fallback_slots: JoinSlots::default(),
        }
    }

    /// Which backend keeps the ledger.
    pub fn kind(&self) -> &'static str {
        self.backend.kind()
    }

    async fn bounded<T>(
        &self,
        call: impl std::future::Future<Output = Result<T, LedgerError>>,
    ) -> Result<T, LedgerError> {
        tokio::time::timeout(self.timeout, call)
            .await
            .map_err(|_| LedgerError("timed out".into()))?
    }

    /// `wallet`'s standing in `room` at `now`; clean when the backend
    /// cannot say (fail open), but never missing a ban this node decided.
    pub async fn standing(&self, room: &Address, wallet: &Address, now: DateTime<Utc>) -> Standing {
        let read = self.bounded(
            self.backend
                .standing(room, wallet, self.policy.churn_window, now),
        );
        let mut standing = match read.await {
            Ok(standing) => standing,
            Err(e) => {
                tracing::warn!(%room, %wallet, error = %e, "standing unreadable; admitting on what this node knows");
                Standing::default()
            }
        };
        let key = (room.clone(), wallet.clone());
        if let Some(until) = self.unwritten.lock().get(&key).copied() {
            standing.banned_until = standing.banned_until.max(Some(until));
        }
        standing
    }

    /// Keeps `ban` from `room`: enforced by this node at once, written to
    /// the backend before this returns (within the timeout; kept in memory
    /// until it ends if that fails).
    pub async fn ban(&self, room: &Address, ban: &Ban) {
        let key = (room.clone(), ban.wallet.clone());
        self.remember(key.clone(), ban.until);
        match self.bounded(self.backend.ban(room, ban)).await {
            Ok(()) => {
                let mut unwritten = self.unwritten.lock();
                if unwritten.get(&key) == Some(&ban.until) {
                    unwritten.remove(&key);
                }
            }
            Err(e) => {
                tracing::warn!(%room, wallet = %ban.wallet, error = %e, "ban not written; this node enforces it until it ends");
            }
        }
    }

    fn remember(&self, key: (Address, Address), until: DateTime<Utc>) {
        let mut unwritten = self.unwritten.lock();
        if unwritten.len() >= MAX_UNWRITTEN {
            let now = Utc::now();
            unwritten.retain(|_, until| *until > now);
        }
        if unwritten.len() < MAX_UNWRITTEN {
            let entry = unwritten.entry(key).or_insert(until);
            *entry = (*entry).max(until);
        }
    }

    /// Records that `wallet` joined `room` at `at` (skipped, with a
    /// warning, when the backend fails).
    pub async fn joined(&self, room: &Address, wallet: &Address, at: DateTime<Utc>) {
        let write = self
            .backend
            .joined(room, wallet, at, self.policy.churn_window);
        if let Err(e) = self.bounded(write).await {
            tracing::warn!(%room, %wallet, error = %e, "join not recorded in the moderation ledger");
        }
    }

    /// The shortest time between two joins of one wallet.
    pub fn join_interval(&self) -> Duration {
        self.join_interval
    }

    /// Takes `wallet`'s join-rate slot: `false` when it joined (on any node)
    /// less than the join interval ago. This node's own slots stand in
    /// while the backend fails.
    pub async fn take_join_slot(&self, wallet: &Address) -> bool {
        let take = self.backend.take_join_slot(wallet, self.join_interval);
        match self.bounded(take).await {
            Ok(taken) => taken,
            Err(e) => {
                tracing::warn!(%wallet, error = %e, "join-rate slot unavailable; this node's own limit applies");
                self.fallback_slots.take(wallet, self.join_interval)
            }
        }
    }

    /// Gives back memory held for what no longer matters (each heartbeat).
    pub fn forget_old(&self) {
        let now = Utc::now();
        self.unwritten.lock().retain(|_, until| *until > now);
        self.fallback_slots.forget_old(self.join_interval);
        self.backend
            .forget_old(now, self.policy.churn_window, self.join_interval);
    }
}
