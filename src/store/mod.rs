//! Durable records: rooms, participations, abuse reports, debates, bans, API
//! keys and the webhook outbox (the MongoDB collections of
//! docs/operations.md, "Records"). MongoDB in production, an embedded
//! SQLite file by default. Writes never wait on the store: the
//! [`Recorder`] queues them (bounded) for a writer task that applies them in
//! batches.

mod error;
mod mongo;
mod recorder;
mod records;
mod server_api;
mod sqlite;

pub use error::StoreError;
pub use mongo::MongoStore;
pub use recorder::{Recorder, RecorderStats};
pub use records::{
    debaters_of, iso, minutes_between, without_turns_of, Erased, ParticipationRecord, ReportRecord,
    RoomRecord, RoomTotals, SpeakerTotal, WalletData, Write,
};
pub use server_api::{ApiKeyRecord, Delivery, DeliveryOutcome};
pub use sqlite::SqliteStore;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::address::Address;
use crate::config::Config;
use crate::rooms::DebateSummary;

/// File name of the embedded store inside `data_dir`.
pub const EMBEDDED_FILE: &str = "pnl-voice.sqlite3";

/// A place records are kept.
#[async_trait]
pub trait Store: Send + Sync {
    /// Which implementation this is (`sqlite`, `mongodb`).
    fn kind(&self) -> &'static str;

    /// Answers when the store can be reached (`GET /health/ready`): a
    /// trivial query, off the async threads like every other.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Applies `batch` in order. Every write is idempotent, so a batch that
    /// failed part way may be applied again.
    async fn apply(&self, batch: &[Write]) -> Result<(), StoreError>;

    /// The record of `market`'s room.
    async fn room(&self, market: &Address) -> Result<Option<RoomRecord>, StoreError>;

    /// The wallets heard longest in `market`'s room, longest first.
    async fn top_speakers(
        &self,
        market: &Address,
        limit: usize,
    ) -> Result<Vec<SpeakerTotal>, StoreError>;

    /// The last `limit` debates of `market`'s room, newest first.
    async fn debates(
        &self,
        market: &Address,
        limit: usize,
    ) -> Result<Vec<DebateSummary>, StoreError>;

    /// The debates `wallet` had a turn in, newest first.
    async fn debates_of(&self, wallet: &Address) -> Result<Vec<DebateSummary>, StoreError>;

    /// `wallet`'s participations, newest first.
    async fn history(
        &self,
        wallet: &Address,
        limit: usize,
    ) -> Result<Vec<ParticipationRecord>, StoreError>;

    /// Reports filed by `wallet` and about `wallet` (the latter without
    /// their reporter), newest first.
    async fn reports_of(
        &self,
        wallet: &Address,
    ) -> Result<(Vec<ReportRecord>, Vec<ReportRecord>), StoreError>;

    /// Removes `wallet` from every record, keeping room totals (and the
    /// speaking time per side of the debates it spoke in).
    async fn erase(&self, wallet: &Address) -> Result<Erased, StoreError>;

    /// Keeps `wallet`'s ban from `market`'s room until `until` (the later
    /// end wins). Written at once, not through the [`Recorder`]'s queue:
    /// the next join must see it. Expired bans go as new ones are written
    /// (SQLite) or by the TTL index (MongoDB).
    async fn ban(
        &self,
        market: &Address,
        wallet: &Address,
        until: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// The end of `wallet`'s ban from `market`'s room, if one runs at `now`.
    async fn banned_until(
        &self,
        market: &Address,
        wallet: &Address,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError>;

    /// Adds an API key (`pnl-voice keys create`).
    async fn add_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError>;

    /// Every API key, revoked ones included, oldest first.
    async fn api_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError>;

    /// The API key `id`, if there is one.
    async fn api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError>;

    /// Revokes the key `id` at `at`; whether a key that was not revoked
    /// yet was found.
    async fn revoke_api_key(&self, id: &str, at: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Takes up to `limit` webhook deliveries due at `now` for `owner` (a
    /// node's id) until `lease_until`, oldest first. Atomic across every
    /// node sharing the store: a delivery leased to one node is taken by
    /// no other until the lease lapses, so each event is sent by one node.
    async fn claim_deliveries(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError>;

    /// Records what became of `delivery`'s attempt (made by `owner`) and
    /// releases its lease.
    async fn settle_delivery(
        &self,
        delivery: &Delivery,
        owner: &str,
        outcome: &DeliveryOutcome,
    ) -> Result<(), StoreError>;
}

/// Everything kept about `wallet`.
pub async fn export(store: &dyn Store, wallet: &Address) -> Result<WalletData, StoreError> {
    let participations = store.history(wallet, usize::MAX).await?;
    let (reports_filed, reports_about) = store.reports_of(wallet).await?;
    let debates = store.debates_of(wallet).await?;
    Ok(WalletData {
        wallet_address: wallet.clone(),
        participations,
        reports_filed,
        reports_about,
        debates,
    })
}

/// The store `config` names: MongoDB when `mongodb_uri` is set, otherwise
/// the embedded file in `data_dir`.
pub async fn open(config: &Config) -> Result<Arc<dyn Store>, StoreError> {
    match &config.mongodb_uri {
        Some(uri) => Ok(Arc::new(MongoStore::connect(uri).await?)),
        None => {
            std::fs::create_dir_all(&config.data_dir).map_err(|e| {
                StoreError::Unavailable(format!(
                    "cannot create data_dir {}: {e}",
                    config.data_dir.display()
                ))
            })?;
            Ok(Arc::new(SqliteStore::open(
                &config.data_dir.join(EMBEDDED_FILE),
            )?))
        }
    }
}
