//! API keys and the webhook outbox in the SQLite file.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row, Transaction};

use super::super::records::{from_millis, to_millis};
use super::super::{ApiKeyRecord, Delivery, DeliveryOutcome, StoreError};
use super::SqliteStore;

/// The tables, created with the others.
pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS voice_api_keys (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    scopes      TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE TABLE IF NOT EXISTS voice_webhook_outbox (
    event_id        TEXT NOT NULL,
    url             TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_owner     TEXT,
    lease_until     INTEGER,
    last_error      TEXT,
    dead_at         INTEGER,
    PRIMARY KEY (event_id, url)
);
CREATE INDEX IF NOT EXISTS voice_webhook_outbox_due ON voice_webhook_outbox (next_attempt_at) WHERE dead_at IS NULL;
";

const KEY_COLUMNS: &str = "id, name, scopes, secret_hash, created_at, revoked_at";

fn key(row: &Row<'_>) -> rusqlite::Result<ApiKeyRecord> {
    Ok(ApiKeyRecord {
        id: row.get(0)?,
        name: row.get(1)?,
        scopes: ApiKeyRecord::scopes_from_text(&row.get::<_, String>(2)?),
        secret_hash: row.get(3)?,
        created_at: from_millis(row.get(4)?),
        revoked_at: row.get::<_, Option<i64>>(5)?.map(from_millis),
    })
}

/// Puts a webhook event in the outbox, once per URL (again: no change).
pub(super) fn enqueue(
    tx: &Transaction<'_>,
    event_id: &str,
    body: &str,
    created_at: DateTime<Utc>,
    urls: &[String],
) -> Result<(), StoreError> {
    let at = to_millis(created_at);
    for url in urls {
        tx.execute(
            "INSERT OR IGNORE INTO voice_webhook_outbox \
             (event_id, url, body, created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            params![event_id, url, body, at],
        )?;
    }
    Ok(())
}

/// Drops dead deliveries from before `before` (retention).
pub(super) fn purge(tx: &Transaction<'_>, before: i64) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM voice_webhook_outbox WHERE dead_at IS NOT NULL AND dead_at < ?1",
        params![before],
    )?;
    Ok(())
}

impl SqliteStore {
    pub(super) async fn insert_key(&self, record: ApiKeyRecord) -> Result<(), StoreError> {
        self.with(move |conn| {
            conn.execute(
                &format!(
                    "INSERT INTO voice_api_keys ({KEY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                ),
                params![
                    record.id,
                    record.name,
                    record.scopes_text(),
                    record.secret_hash,
                    to_millis(record.created_at),
                    record.revoked_at.map(to_millis)
                ],
            )?;
            Ok(())
        })
        .await
    }

    pub(super) async fn all_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {KEY_COLUMNS} FROM voice_api_keys ORDER BY created_at, id"
            ))?;
            let rows = stmt.query_map([], key)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    pub(super) async fn key_by_id(&self, id: String) -> Result<Option<ApiKeyRecord>, StoreError> {
        self.with(move |conn| {
            Ok(conn
                .query_row(
                    &format!("SELECT {KEY_COLUMNS} FROM voice_api_keys WHERE id = ?1"),
                    params![id],
                    key,
                )
                .optional()?)
        })
        .await
    }

    pub(super) async fn revoke_key(
        &self,
        id: String,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.with(move |conn| {
            let changed = conn.execute(
                "UPDATE voice_api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![id, to_millis(at)],
            )?;
            Ok(changed == 1)
        })
        .await
    }

    pub(super) async fn claim(
        &self,
        owner: String,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        self.with(move |conn| {
            // One statement: SQLite holds the file's write lock for it, so
            // two nodes on one file never lease the same row.
            let mut stmt = conn.prepare(
                "UPDATE voice_webhook_outbox SET lease_owner = ?1, lease_until = ?2 \
                 WHERE rowid IN (SELECT rowid FROM voice_webhook_outbox \
                   WHERE dead_at IS NULL AND next_attempt_at <= ?3 \
                   AND (lease_until IS NULL OR lease_until <= ?3) \
                   ORDER BY created_at, event_id LIMIT ?4) \
                 RETURNING event_id, url, body, attempts, created_at",
            )?;
            let rows = stmt.query_map(
                params![owner, to_millis(lease_until), to_millis(now), limit as i64],
                |row| {
                    Ok(Delivery {
                        event_id: row.get(0)?,
                        url: row.get(1)?,
                        body: row.get(2)?,
                        attempts: row.get(3)?,
                        created_at: from_millis(row.get(4)?),
                    })
                },
            )?;
            let mut deliveries: Vec<Delivery> = rows.collect::<Result<_, _>>()?;
            deliveries
                .sort_by(|a, b| (a.created_at, &a.event_id).cmp(&(b.created_at, &b.event_id)));
            Ok(deliveries)
        })
        .await
    }

    pub(super) async fn settle(
        &self,
        delivery: Delivery,
        owner: String,
        outcome: DeliveryOutcome,
    ) -> Result<(), StoreError> {
        self.with(move |conn| {
            let (id, url) = (&delivery.event_id, &delivery.url);
            let attempts = delivery.attempts + 1;
            match outcome {
                DeliveryOutcome::Delivered => conn.execute(
                    "DELETE FROM voice_webhook_outbox WHERE event_id = ?1 AND url = ?2 AND lease_owner = ?3",
                    params![id, url, owner],
                )?,
                DeliveryOutcome::Retry { at, error } => conn.execute(
                    "UPDATE voice_webhook_outbox SET attempts = ?4, next_attempt_at = ?5, last_error = ?6, \
                     lease_owner = NULL, lease_until = NULL \
                     WHERE event_id = ?1 AND url = ?2 AND lease_owner = ?3",
                    params![id, url, owner, attempts, to_millis(at), error],
                )?,
                DeliveryOutcome::GiveUp { error } => conn.execute(
                    "UPDATE voice_webhook_outbox SET attempts = ?4, dead_at = ?5, last_error = ?6, \
                     lease_owner = NULL, lease_until = NULL \
                     WHERE event_id = ?1 AND url = ?2 AND lease_owner = ?3",
                    params![id, url, owner, attempts, to_millis(Utc::now()), error],
                )?,
            };
            Ok(())
        })
        .await
    }
}
