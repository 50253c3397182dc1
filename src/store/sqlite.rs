//! The embedded store: one SQLite file (bundled library, no server).

mod server_api;

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use uuid::Uuid;

use super::records::{debate_ended_at, from_millis, minutes_between, to_millis, without_turns_of};
use super::{
    ApiKeyRecord, Delivery, DeliveryOutcome, Erased, ParticipationRecord, ReportRecord, RoomRecord,
    RoomTotals, SpeakerTotal, Store, StoreError, Write,
};
use crate::address::Address;
use crate::rooms::{DebateSummary, RoomSettings};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS voice_rooms (
    market_address    TEXT PRIMARY KEY,
    worker_id         TEXT NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    last_activity_at  INTEGER NOT NULL,
    settings          TEXT,
    total_joins       INTEGER NOT NULL DEFAULT 0,
    peak_participants INTEGER NOT NULL DEFAULT 0,
    total_minutes     REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS voice_participants (
    id                  TEXT PRIMARY KEY,
    market_address      TEXT NOT NULL,
    wallet_address      TEXT NOT NULL,
    position            TEXT NOT NULL,
    position_size       REAL NOT NULL,
    is_founder          INTEGER NOT NULL,
    joined_at           INTEGER NOT NULL,
    left_at             INTEGER,
    total_speaking_time REAL NOT NULL DEFAULT 0,
    was_kicked          INTEGER NOT NULL DEFAULT 0,
    cut_short           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS voice_participants_market ON voice_participants (market_address, joined_at);
CREATE INDEX IF NOT EXISTS voice_participants_wallet ON voice_participants (wallet_address, joined_at);
CREATE INDEX IF NOT EXISTS voice_participants_open ON voice_participants (market_address) WHERE left_at IS NULL;
CREATE TABLE IF NOT EXISTS voice_reports (
    id              TEXT PRIMARY KEY,
    market_address  TEXT NOT NULL,
    reporter_wallet TEXT,
    target_wallet   TEXT,
    reason          TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS voice_reports_reporter ON voice_reports (reporter_wallet);
CREATE INDEX IF NOT EXISTS voice_reports_target ON voice_reports (target_wallet);
CREATE INDEX IF NOT EXISTS voice_reports_created ON voice_reports (created_at);
CREATE TABLE IF NOT EXISTS voice_bans (
    market_address TEXT NOT NULL,
    wallet_address TEXT NOT NULL,
    until          INTEGER NOT NULL,
    PRIMARY KEY (market_address, wallet_address)
);
CREATE INDEX IF NOT EXISTS voice_bans_until ON voice_bans (until);
CREATE TABLE IF NOT EXISTS voice_debates (
    id             TEXT PRIMARY KEY,
    market_address TEXT NOT NULL,
    ended_at       INTEGER NOT NULL,
    summary        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS voice_debates_market ON voice_debates (market_address, ended_at);
";

const PARTICIPATION_COLUMNS: &str = "id, market_address, wallet_address, position, position_size, \
     is_founder, joined_at, left_at, total_speaking_time, was_kicked, cut_short";

/// Adds what later versions added to a file an earlier version created.
const MIGRATIONS: &[(&str, &str)] = &[(
    "cut_short",
    "ALTER TABLE voice_participants ADD COLUMN cut_short INTEGER NOT NULL DEFAULT 0",
)];

/// Records in a SQLite file.
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    /// Opens (or creates) the store at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(server_api::SCHEMA)?;
        for (column, sql) in MIGRATIONS {
            let present = conn
                .prepare("SELECT 1 FROM pragma_table_info('voice_participants') WHERE name = ?1")?
                .exists([column])?;
            if !present {
                conn.execute_batch(sql)?;
            }
        }
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` on the connection off the async threads.
    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || f(&mut conn.lock()))
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn kind(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.with(|conn| Ok(conn.query_row("SELECT 1", [], |_| Ok(()))?))
            .await
    }

    async fn apply(&self, batch: &[Write]) -> Result<(), StoreError> {
        let batch = batch.to_vec();
        self.with(move |conn| {
            let tx = conn.transaction()?;
            for write in &batch {
                apply_one(&tx, write)?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn room(&self, market: &Address) -> Result<Option<RoomRecord>, StoreError> {
        let market = market.clone();
        self.with(move |conn| {
            conn.query_row(
                "SELECT worker_id, created_at, last_activity_at, settings, total_joins, \
                 peak_participants, total_minutes FROM voice_rooms WHERE market_address = ?1",
                params![market.as_str()],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, i64>(1)?,
                        row.get::<_, i64>(2)?,
                        row.get::<_, Option<String>>(3)?,
                        row.get::<_, i64>(4)?,
                        row.get::<_, i64>(5)?,
                        row.get::<_, f64>(6)?,
                    ))
                },
            )
            .optional()?
            .map(
                |(worker_id, created, active, settings, joins, peak, minutes)| {
                    let settings = settings
                        .map(|s| serde_json::from_str::<RoomSettings>(&s))
                        .transpose()
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    Ok(RoomRecord {
                        market_address: market.clone(),
                        worker_id,
                        created_at: from_millis(created),
                        last_activity_at: from_millis(active),
                        settings,
                        stats: RoomTotals {
                            total_joins: joins.max(0) as u64,
                            peak_participants: peak.max(0) as u64,
                            total_minutes: minutes,
                        },
                    })
                },
            )
            .transpose()
        })
        .await
    }

    async fn top_speakers(
        &self,
        market: &Address,
        limit: usize,
    ) -> Result<Vec<SpeakerTotal>, StoreError> {
        let market = market.clone();
        self.with(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT wallet_address, SUM(total_speaking_time) AS t FROM voice_participants \
                 WHERE market_address = ?1 GROUP BY wallet_address HAVING t > 0 \
                 ORDER BY t DESC, wallet_address LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![market.as_str(), limit_sql(limit)], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, f64>(1)?))
            })?;
            rows.map(|r| {
                let (wallet, secs) = r?;
                Ok(SpeakerTotal {
                    wallet_address: address(&wallet)?,
                    total_speaking_time: secs,
                })
            })
            .collect()
        })
        .await
    }

    async fn debates(
        &self,
        market: &Address,
        limit: usize,
    ) -> Result<Vec<DebateSummary>, StoreError> {
        let market = market.clone();
        self.with(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT summary FROM voice_debates WHERE market_address = ?1 \
                 ORDER BY ended_at DESC, id LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![market.as_str(), limit_sql(limit)], |row| {
                row.get::<_, String>(0)
            })?;
            rows.map(|summary| {
                serde_json::from_str(&summary?)
                    .map_err(|e| StoreError::Corrupt(format!("bad debate summary: {e}")))
            })
            .collect()
        })
        .await
    }

    async fn debates_of(&self, wallet: &Address) -> Result<Vec<DebateSummary>, StoreError> {
        let wallet = wallet.clone();
        self.with(move |conn| {
            Ok(debates_naming(conn, &wallet)?
                .into_iter()
                .map(|(_, summary)| summary)
                .collect())
        })
        .await
    }

    async fn history(
        &self,
        wallet: &Address,
        limit: usize,
    ) -> Result<Vec<ParticipationRecord>, StoreError> {
        let wallet = wallet.clone();
        self.with(move |conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {PARTICIPATION_COLUMNS} FROM voice_participants \
                 WHERE wallet_address = ?1 ORDER BY joined_at DESC, id LIMIT ?2"
            ))?;
            let rows = stmt.query_map(params![wallet.as_str(), limit_sql(limit)], |row| {
                Ok(participation(row))
            })?;
            rows.map(|r| r?).collect()
        })
        .await
    }

    async fn reports_of(
        &self,
        wallet: &Address,
    ) -> Result<(Vec<ReportRecord>, Vec<ReportRecord>), StoreError> {
        let wallet = wallet.clone();
        self.with(move |conn| {
            let query = |column: &str| -> Result<Vec<ReportRecord>, StoreError> {
                let mut stmt = conn.prepare(&format!(
                    "SELECT id, market_address, reporter_wallet, target_wallet, reason, created_at \
                     FROM voice_reports WHERE {column} = ?1 ORDER BY created_at DESC, id"
                ))?;
                let rows = stmt.query_map(params![wallet.as_str()], |row| Ok(report(row)))?;
                rows.map(|r| r?).collect()
            };
            let filed = query("reporter_wallet")?;
            let about = query("target_wallet")?
                .into_iter()
                .map(|r| ReportRecord {
                    reporter_wallet: None,
                    ..r
                })
                .collect();
            Ok((filed, about))
        })
        .await
    }

    async fn erase(&self, wallet: &Address) -> Result<Erased, StoreError> {
        let wallet = wallet.clone();
        self.with(move |conn| {
            let tx = conn.transaction()?;
            let w = wallet.as_str();
            let participations = tx.execute(
                "DELETE FROM voice_participants WHERE wallet_address = ?1",
                params![w],
            )?;
            let mut reports = 0;
            for column in ["reporter_wallet", "target_wallet"] {
                reports += tx.execute(
                    &format!("UPDATE voice_reports SET {column} = NULL WHERE {column} = ?1"),
                    params![w],
                )?;
            }
            let mut debates = 0;
            for (id, mut summary) in debates_naming(&tx, &wallet)? {
                without_turns_of(&mut summary, &wallet);
                debates += tx.execute(
                    "UPDATE voice_debates SET summary = ?2 WHERE id = ?1",
                    params![
                        id,
                        serde_json::to_string(&summary).expect("a summary serializes")
                    ],
                )?;
            }
            tx.commit()?;
            Ok(Erased {
                participations: participations as u64,
                reports: reports as u64,
                debates: debates as u64,
            })
        })
        .await
    }

    async fn ban(
        &self,
        market: &Address,
        wallet: &Address,
        until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (market, wallet) = (market.clone(), wallet.clone());
        let now = to_millis(Utc::now());
        self.with(move |conn| {
            let tx = conn.transaction()?;
            tx.execute("DELETE FROM voice_bans WHERE until <= ?1", params![now])?;
            tx.execute(
                "INSERT INTO voice_bans (market_address, wallet_address, until) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (market_address, wallet_address) DO UPDATE SET until = max(until, excluded.until)",
                params![market.as_str(), wallet.as_str(), to_millis(until)],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn banned_until(
        &self,
        market: &Address,
        wallet: &Address,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let (market, wallet) = (market.clone(), wallet.clone());
        self.with(move |conn| {
            let until = conn
                .query_row(
                    "SELECT until FROM voice_bans WHERE market_address = ?1 AND wallet_address = ?2 AND until > ?3",
                    params![market.as_str(), wallet.as_str(), to_millis(now)],
                    |row| row.get::<_, i64>(0),
                )
                .optional()?;
            Ok(until.map(from_millis))
        })
        .await
    }

    async fn add_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError> {
        self.insert_key(key.clone()).await
    }

    async fn api_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError> {
        self.all_keys().await
    }

    async fn api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        self.key_by_id(id.to_string()).await
    }

    async fn revoke_api_key(&self, id: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
        self.revoke_key(id.to_string(), at).await
    }

    async fn claim_deliveries(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        self.claim(owner.to_string(), now, lease_until, limit).await
    }

    async fn settle_delivery(
        &self,
        delivery: &Delivery,
        owner: &str,
        outcome: &DeliveryOutcome,
    ) -> Result<(), StoreError> {
        self.settle(delivery.clone(), owner.to_string(), outcome.clone())
            .await
    }
}

fn apply_one(tx: &Transaction<'_>, write: &Write) -> Result<(), StoreError> {
    match write {
        Write::RoomOpened {
            market,
            worker_id,
            settings,
            at,
        } => {
            tx.execute(
                "INSERT INTO voice_rooms (market_address, worker_id, created_at, last_activity_at, settings) \
                 VALUES (?1, ?2, ?3, ?3, ?4) \
                 ON CONFLICT (market_address) DO UPDATE SET worker_id = excluded.worker_id, \
                 last_activity_at = MAX(last_activity_at, excluded.last_activity_at), \
                 settings = COALESCE(settings, excluded.settings)",
                params![market.as_str(), worker_id, to_millis(*at), settings_json(settings)],
            )?;
        }
        Write::SettingsChanged {
            market,
            settings,
            at,
        } => {
            tx.execute(
                "INSERT INTO voice_rooms (market_address, created_at, last_activity_at, settings) \
                 VALUES (?1, ?2, ?2, ?3) \
                 ON CONFLICT (market_address) DO UPDATE SET settings = excluded.settings, \
                 last_activity_at = MAX(last_activity_at, excluded.last_activity_at)",
                params![market.as_str(), to_millis(*at), settings_json(settings)],
            )?;
        }
        Write::Joined {
            participation: p,
            participants,
        } => {
            let inserted = tx.execute(
                &format!(
                    "INSERT OR IGNORE INTO voice_participants ({PARTICIPATION_COLUMNS}) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                ),
                params![
                    p.id.to_string(),
                    p.market_address.as_str(),
                    p.wallet_address.as_str(),
                    p.position.as_str(),
                    p.position_size,
                    p.is_founder,
                    to_millis(p.joined_at),
                    p.left_at.map(to_millis),
                    p.total_speaking_time,
                    p.was_kicked,
                    p.cut_short,
                ],
            )?;
            if inserted == 1 {
                tx.execute(
                    "INSERT INTO voice_rooms (market_address, created_at, last_activity_at, \
                     total_joins, peak_participants) VALUES (?1, ?2, ?2, 1, ?3) \
                     ON CONFLICT (market_address) DO UPDATE SET total_joins = total_joins + 1, \
                     peak_participants = MAX(peak_participants, excluded.peak_participants), \
                     last_activity_at = MAX(last_activity_at, excluded.last_activity_at)",
                    params![
                        p.market_address.as_str(),
                        to_millis(p.joined_at),
                        *participants as i64
                    ],
                )?;
            }
        }
        Write::Left {
            id,
            market,
            joined_at,
            left_at,
            speaking_secs,
            was_kicked,
        } => {
            let closed = tx.execute(
                "UPDATE voice_participants SET left_at = ?2, total_speaking_time = ?3, \
                 was_kicked = ?4, cut_short = 0 \
                 WHERE id = ?1 AND (left_at IS NULL OR cut_short = 1)",
                params![
                    id.to_string(),
                    to_millis(*left_at),
                    speaking_secs,
                    was_kicked
                ],
            )?;
            if closed == 1 {
                tx.execute(
                    "UPDATE voice_rooms SET total_minutes = total_minutes + ?2, \
                     last_activity_at = MAX(last_activity_at, ?3) WHERE market_address = ?1",
                    params![
                        market.as_str(),
                        minutes_between(*joined_at, *left_at),
                        to_millis(*left_at)
                    ],
                )?;
            }
        }
        Write::CutShort { market, at } => {
            tx.execute(
                "UPDATE voice_participants SET left_at = ?2, cut_short = 1 \
                 WHERE market_address = ?1 AND left_at IS NULL AND joined_at < ?2",
                params![market.as_str(), to_millis(*at)],
            )?;
        }
        Write::Report(r) => {
            tx.execute(
                "INSERT OR IGNORE INTO voice_reports \
                 (id, market_address, reporter_wallet, target_wallet, reason, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    r.id.to_string(),
                    r.market_address.as_str(),
                    r.reporter_wallet.as_ref().map(Address::as_str),
                    r.target_wallet.as_ref().map(Address::as_str),
                    r.reason,
                    to_millis(r.created_at),
                ],
            )?;
        }
        Write::Debate(summary) => {
            tx.execute(
                "INSERT OR IGNORE INTO voice_debates (id, market_address, ended_at, summary) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    summary.id,
                    summary.market_address.as_str(),
                    to_millis(debate_ended_at(summary)),
                    serde_json::to_string(summary).expect("a summary serializes"),
                ],
            )?;
        }
        Write::Purge { before } => {
            let before = to_millis(*before);
            tx.execute(
                "DELETE FROM voice_debates WHERE ended_at < ?1",
                params![before],
            )?;
            tx.execute(
                "DELETE FROM voice_participants WHERE joined_at < ?1",
                params![before],
            )?;
            tx.execute(
                "DELETE FROM voice_reports WHERE created_at < ?1",
                params![before],
            )?;
            server_api::purge(tx, before)?;
        }
        Write::Webhook {
            event_id,
            body,
            created_at,
            urls,
        } => server_api::enqueue(tx, event_id, body, *created_at, urls)?,
    }
    Ok(())
}

/// The debates `wallet` had a turn in, newest first, with their ids.
fn debates_naming(
    conn: &Connection,
    wallet: &Address,
) -> Result<Vec<(String, DebateSummary)>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, summary FROM voice_debates WHERE instr(summary, ?1) > 0 \
         ORDER BY ended_at DESC, id",
    )?;
    let rows = stmt.query_map(params![wallet.as_str()], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut found = Vec::new();
    for row in rows {
        let (id, text) = row?;
        let summary: DebateSummary = serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt(format!("bad debate summary: {e}")))?;
        if summary.turns.iter().any(|t| &t.wallet_address == wallet) {
            found.push((id, summary));
        }
    }
    Ok(found)
}

fn settings_json(settings: &RoomSettings) -> String {
    serde_json::to_string(settings).expect("settings serialize")
}

fn limit_sql(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

fn address(text: &str) -> Result<Address, StoreError> {
    Address::parse(text).map_err(|_| StoreError::Corrupt(format!("bad address {text:?}")))
}

fn id(text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(|_| StoreError::Corrupt(format!("bad id {text:?}")))
}

fn participation(row: &Row<'_>) -> Result<ParticipationRecord, StoreError> {
    let position: String = row.get(3)?;
    Ok(ParticipationRecord {
        id: id(&row.get::<_, String>(0)?)?,
        market_address: address(&row.get::<_, String>(1)?)?,
        wallet_address: address(&row.get::<_, String>(2)?)?,
        position: position.parse().map_err(StoreError::Corrupt)?,
        position_size: row.get(4)?,
        is_founder: row.get(5)?,
        joined_at: from_millis(row.get(6)?),
        left_at: row.get::<_, Option<i64>>(7)?.map(from_millis),
        total_speaking_time: row.get(8)?,
        was_kicked: row.get(9)?,
        cut_short: row.get(10)?,
    })
}

fn report(row: &Row<'_>) -> Result<ReportRecord, StoreError> {
    let optional = |text: Option<String>| text.as_deref().map(address).transpose();
    Ok(ReportRecord {
        id: id(&row.get::<_, String>(0)?)?,
        market_address: address(&row.get::<_, String>(1)?)?,
        reporter_wallet: optional(row.get(2)?)?,
        target_wallet: optional(row.get(3)?)?,
        reason: row.get(4)?,
        created_at: from_millis(row.get(5)?),
    })
}
