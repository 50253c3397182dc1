//! The production store: MongoDB through the official driver, with the
//! collections and indexes of docs/operations.md, "Records".

mod server_api;

use std::time::Duration;

use async_trait::async_trait;
use futures_util::TryStreamExt;
use mongodb::bson::{self, doc, Bson, Document};
use mongodb::options::{ClientOptions, IndexOptions};
use mongodb::{Client, Collection, Database, IndexModel};
use tokio::sync::OnceCell;
use uuid::Uuid;

use super::records::{
    debate_ended_at, debaters_of, from_millis, minutes_between, to_millis, without_turns_of,
};
use super::{
    ApiKeyRecord, Delivery, DeliveryOutcome, Erased, ParticipationRecord, ReportRecord, RoomRecord,
    RoomTotals, SpeakerTotal, Store, StoreError, Write,
};
use crate::address::Address;
use crate::rooms::{DebateSummary, RoomSettings};

/// Database used when the URI names none.
pub const DEFAULT_DATABASE: &str = "pnl_voice";
/// How long an operation waits for a reachable server, unless the URI says.
const SERVER_SELECTION_TIMEOUT: Duration = Duration::from_secs(3);

/// Records in MongoDB.
pub struct MongoStore {
    db: Database,
    indexes: OnceCell<()>,
}

impl MongoStore {
    /// A store on `uri` (`mongodb://host:port/database`). Nothing is
    /// contacted yet: indexes are created on first use, so a server that is
    /// down at start delays records instead of failing the node.
    pub async fn connect(uri: &str) -> Result<Self, StoreError> {
        let mut options = ClientOptions::parse(uri)
            .await
            .map_err(|e| StoreError::Unavailable(format!("bad MongoDB URI: {e}")))?;
        options
            .server_selection_timeout
            .get_or_insert(SERVER_SELECTION_TIMEOUT);
        options
            .connect_timeout
            .get_or_insert(SERVER_SELECTION_TIMEOUT);
        options.app_name.get_or_insert_with(|| "pnl-voice".into());
        let client = Client::with_options(options)?;
        let db = client
            .default_database()
            .unwrap_or_else(|| client.database(DEFAULT_DATABASE));
        Ok(Self {
            db,
            indexes: OnceCell::new(),
        })
    }

    fn rooms(&self) -> Collection<Document> {
        self.db.collection("voice_rooms")
    }

    fn participants(&self) -> Collection<Document> {
        self.db.collection("voice_participants")
    }

    fn reports(&self) -> Collection<Document> {
        self.db.collection("voice_reports")
    }

    fn debates(&self) -> Collection<Document> {
        self.db.collection("voice_debates")
    }

    fn bans(&self) -> Collection<Document> {
        self.db.collection("voice_bans")
    }

    fn keys(&self) -> Collection<Document> {
        self.db.collection("voice_api_keys")
    }

    fn outbox(&self) -> Collection<Document> {
        self.db.collection("voice_webhook_outbox")
    }

    /// Creates the indexes once: unique marketAddress on rooms,
    /// (marketAddress, joinedAt), (walletAddress, joinedAt) and
    /// (marketAddress, leftAt) (open stays) on participants, reporter,
    /// target and createdAt on reports; (marketAddress, endedAt) and
    /// debaters on debates;
    /// unique (marketAddress, walletAddress)
    /// on bans, and a TTL index that removes a ban at its `until`.
    async fn ready(&self) -> Result<(), StoreError> {
        self.indexes
            .get_or_try_init(|| async {
                let unique = IndexOptions::builder().unique(true).build();
                self.rooms()
                    .create_index(
                        IndexModel::builder()
                            .keys(doc! { "marketAddress": 1 })
                            .options(unique)
                            .build(),
                    )
                    .await?;
                self.participants()
                    .create_indexes([
                        index(doc! { "marketAddress": 1, "joinedAt": 1 }),
                        index(doc! { "walletAddress": 1, "joinedAt": 1 }),
                        index(doc! { "marketAddress": 1, "leftAt": 1 }),
                    ])
                    .await?;
                self.reports()
                    .create_indexes([
                        index(doc! { "reporterWallet": 1 }),
                        index(doc! { "targetWallet": 1 }),
                        index(doc! { "createdAt": 1 }),
                    ])
                    .await?;
                self.debates()
                    .create_indexes([
                        index(doc! { "marketAddress": 1, "endedAt": 1 }),
                        index(doc! { "debaters": 1 }),
                    ])
                    .await?;
                self.outbox()
                    .create_index(index(doc! { "deadAt": 1, "nextAttemptAt": 1 }))
                    .await?;
                let expire_at_until = IndexOptions::builder().expire_after(Duration::ZERO).build();
                self.bans()
                    .create_indexes([
                        IndexModel::builder()
                            .keys(doc! { "marketAddress": 1, "walletAddress": 1 })
                            .options(IndexOptions::builder().unique(true).build())
                            .build(),
                        IndexModel::builder()
                            .keys(doc! { "until": 1 })
                            .options(expire_at_until)
                            .build(),
                    ])
                    .await?;
                Ok::<_, StoreError>(())
            })
            .await?;
        Ok(())
    }

    async fn apply_one(&self, write: &Write) -> Result<(), StoreError> {
        match write {
            Write::RoomOpened {
                market,
                worker_id,
                settings,
                at,
            } => {
                self.rooms()
                    .update_one(
                        doc! { "marketAddress": market.as_str() },
                        doc! {
                            "$set": { "workerId": worker_id },
                            "$max": { "lastActivityAt": date(*at) },
                            "$setOnInsert": { "createdAt": date(*at) },
                        },
                    )
                    .upsert(true)
                    .await?;
                self.rooms()
                    .update_one(
                        doc! { "marketAddress": market.as_str(), "settings": Bson::Null },
                        doc! { "$set": { "settings": settings_doc(settings)? } },
                    )
                    .await?;
            }
            Write::SettingsChanged {
                market,
                settings,
                at,
            } => {
                self.rooms()
                    .update_one(
                        doc! { "marketAddress": market.as_str() },
                        doc! {
                            "$set": { "settings": settings_doc(settings)? },
                            "$max": { "lastActivityAt": date(*at) },
                            "$setOnInsert": { "createdAt": date(*at) },
                        },
                    )
                    .upsert(true)
                    .await?;
            }
            Write::Joined {
                participation: p,
                participants,
            } => {
                let inserted = self
                    .participants()
                    .update_one(
                        doc! { "_id": p.id.to_string() },
                        doc! { "$setOnInsert": participation_doc(p) },
                    )
                    .upsert(true)
                    .await?
                    .upserted_id
                    .is_some();
                if inserted {
                    self.rooms()
                        .update_one(
                            doc! { "marketAddress": p.market_address.as_str() },
                            doc! {
                                "$inc": { "stats.totalJoins": 1_i64 },
                                "$max": {
                                    "stats.peakParticipants": *participants as i64,
                                    "lastActivityAt": date(p.joined_at),
                                },
                                "$setOnInsert": { "createdAt": date(p.joined_at) },
                            },
                        )
                        .upsert(true)
                        .await?;
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
                let closed = self
                    .participants()
                    .update_one(
                        doc! {
                            "_id": id.to_string(),
                            "$or": [{ "leftAt": Bson::Null }, { "cutShort": true }],
                        },
                        doc! { "$set": {
                            "leftAt": date(*left_at),
                            "totalSpeakingTime": *speaking_secs,
                            "wasKicked": *was_kicked,
                            "cutShort": false,
                        } },
                    )
                    .await?
                    .modified_count
                    == 1;
                if closed {
                    self.rooms()
                        .update_one(
                            doc! { "marketAddress": market.as_str() },
                            doc! {
                                "$inc": { "stats.totalMinutes": minutes_between(*joined_at, *left_at) },
                                "$max": { "lastActivityAt": date(*left_at) },
                            },
                        )
                        .await?;
                }
            }
            Write::CutShort { market, at } => {
                self.participants()
                    .update_many(
                        doc! {
                            "marketAddress": market.as_str(),
                            "leftAt": Bson::Null,
                            "joinedAt": { "$lt": date(*at) },
                        },
                        doc! { "$set": { "leftAt": date(*at), "cutShort": true } },
                    )
                    .await?;
            }
            Write::Report(r) => {
                self.reports()
                    .update_one(
                        doc! { "_id": r.id.to_string() },
                        doc! { "$setOnInsert": report_doc(r) },
                    )
                    .upsert(true)
                    .await?;
            }
            Write::Debate(summary) => {
                let record = bson::to_document(summary.as_ref())
                    .map_err(|e| StoreError::Corrupt(format!("a debate summary: {e}")))?;
                self.debates()
                    .update_one(
                        doc! { "_id": &summary.id },
                        doc! { "$setOnInsert": {
                            "marketAddress": summary.market_address.as_str(),
                            "endedAt": date(debate_ended_at(summary)),
                            "debaters": debaters_of(summary),
                            "summary": record,
                        } },
                    )
                    .upsert(true)
                    .await?;
            }
            Write::Purge { before: cut } => {
                let before = date(*cut);
                self.debates()
                    .delete_many(doc! { "endedAt": { "$lt": before } })
                    .await?;
                self.participants()
                    .delete_many(doc! { "joinedAt": { "$lt": before } })
                    .await?;
                self.reports()
                    .delete_many(doc! { "createdAt": { "$lt": before } })
                    .await?;
                self.purge_outbox(*cut).await?;
            }
            Write::Webhook {
                event_id,
                body,
                created_at,
                urls,
            } => self.enqueue(event_id, body, *created_at, urls).await?,
        }
        Ok(())
    }

    /// The debates `filter` selects, newest first, with their ids.
    async fn find_debates(
        &self,
        filter: Document,
    ) -> Result<Vec<(String, DebateSummary)>, StoreError> {
        self.debates()
            .find(filter)
            .sort(doc! { "endedAt": -1, "_id": 1 })
            .await?
            .try_collect::<Vec<_>>()
            .await?
            .iter()
            .map(|d| {
                let id = d.get_str("_id").map_err(|_| corrupt("_id"))?.to_string();
                Ok((id, debate(d)?))
            })
            .collect()
    }

    async fn find_reports(&self, filter: Document) -> Result<Vec<ReportRecord>, StoreError> {
        self.reports()
            .find(filter)
            .sort(doc! { "createdAt": -1, "_id": 1 })
            .await?
            .try_collect::<Vec<_>>()
            .await?
            .iter()
            .map(report)
            .collect()
    }
}

#[async_trait]
impl Store for MongoStore {
    fn kind(&self) -> &'static str {
        "mongodb"
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.db.run_command(doc! { "ping": 1 }).await?;
        Ok(())
    }

    async fn apply(&self, batch: &[Write]) -> Result<(), StoreError> {
        self.ready().await?;
        for write in batch {
            self.apply_one(write).await?;
        }
        Ok(())
    }

    async fn room(&self, market: &Address) -> Result<Option<RoomRecord>, StoreError> {
        self.ready().await?;
        let Some(d) = self
            .rooms()
            .find_one(doc! { "marketAddress": market.as_str() })
            .await?
        else {
            return Ok(None);
        };
        let settings = match d.get("settings") {
            Some(Bson::Document(s)) => Some(
                bson::from_document::<RoomSettings>(s.clone())
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            ),
            _ => None,
        };
        let stats = d.get_document("stats").ok();
        let stat = |key: &str| stats.map_or(0.0, |s| number(s, key));
        Ok(Some(RoomRecord {
            market_address: market.clone(),
            worker_id: d.get_str("workerId").unwrap_or_default().to_string(),
            created_at: datetime(&d, "createdAt")?,
            last_activity_at: datetime(&d, "lastActivityAt")?,
            settings,
            stats: RoomTotals {
                total_joins: stat("totalJoins") as u64,
                peak_participants: stat("peakParticipants") as u64,
                total_minutes: stat("totalMinutes"),
            },
        }))
    }

    async fn top_speakers(
        &self,
        market: &Address,
        limit: usize,
    ) -> Result<Vec<SpeakerTotal>, StoreError> {
        self.ready().await?;
        let pipeline = [
            doc! { "$match": { "marketAddress": market.as_str() } },
            doc! { "$group": { "_id": "$walletAddress", "t": { "$sum": "$totalSpeakingTime" } } },
            doc! { "$match": { "t": { "$gt": 0.0 } } },
            doc! { "$sort": { "t": -1, "_id": 1 } },
            doc! { "$limit": limit_bson(limit) },
        ];
        self.participants()
            .aggregate(pipeline)
            .await?
            .try_collect::<Vec<_>>()
            .await?
            .iter()
            .map(|d| {
                Ok(SpeakerTotal {
                    wallet_address: address(d, "_id")?,
                    total_speaking_time: number(d, "t"),
                })
            })
            .collect()
    }

    async fn debates(
        &self,
        market: &Address,
        limit: usize,
    ) -> Result<Vec<DebateSummary>, StoreError> {
        self.ready().await?;
        self.debates()
            .find(doc! { "marketAddress": market.as_str() })
            .sort(doc! { "endedAt": -1, "_id": 1 })
            .limit(limit_bson(limit))
            .await?
            .try_collect::<Vec<_>>()
            .await?
            .iter()
            .map(debate)
            .collect()
    }

    async fn debates_of(&self, wallet: &Address) -> Result<Vec<DebateSummary>, StoreError> {
        self.ready().await?;
        self.find_debates(doc! { "debaters": wallet.as_str() })
            .await
            .map(|found| found.into_iter().map(|(_, summary)| summary).collect())
    }

    async fn history(
        &self,
        wallet: &Address,
        limit: usize,
    ) -> Result<Vec<ParticipationRecord>, StoreError> {
        self.ready().await?;
        self.participants()
            .find(doc! { "walletAddress": wallet.as_str() })
            .sort(doc! { "joinedAt": -1, "_id": 1 })
            .limit(limit_bson(limit))
            .await?
            .try_collect::<Vec<_>>()
            .await?
            .iter()
            .map(participation)
            .collect()
    }

    async fn reports_of(
        &self,
        wallet: &Address,
    ) -> Result<(Vec<ReportRecord>, Vec<ReportRecord>), StoreError> {
        self.ready().await?;
        let filed = self
            .find_reports(doc! { "reporterWallet": wallet.as_str() })
            .await?;
        let about = self
            .find_reports(doc! { "targetWallet": wallet.as_str() })
            .await?
            .into_iter()
            .map(|r| ReportRecord {
                reporter_wallet: None,
                ..r
            })
            .collect();
        Ok((filed, about))
    }

    async fn erase(&self, wallet: &Address) -> Result<Erased, StoreError> {
        self.ready().await?;
        let w = wallet.as_str();
        let participations = self
            .participants()
            .delete_many(doc! { "walletAddress": w })
            .await?
            .deleted_count;
        let mut reports = 0;
        for field in ["reporterWallet", "targetWallet"] {
            reports += self
                .reports()
                .update_many(doc! { field: w }, doc! { "$set": { field: Bson::Null } })
                .await?
                .modified_count;
        }
        let mut debates = 0;
        for (id, mut summary) in self.find_debates(doc! { "debaters": w }).await? {
            without_turns_of(&mut summary, wallet);
            let record = bson::to_document(&summary)
                .map_err(|e| StoreError::Corrupt(format!("a debate summary: {e}")))?;
            debates += self
                .debates()
                .update_one(
                    doc! { "_id": id },
                    doc! { "$set": { "summary": record, "debaters": debaters_of(&summary) } },
                )
                .await?
                .modified_count;
        }
        Ok(Erased {
            participations,
            reports,
            debates,
        })
    }

    async fn ban(
        &self,
        market: &Address,
        wallet: &Address,
        until: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        self.ready().await?;
        self.bans()
            .update_one(
                doc! { "marketAddress": market.as_str(), "walletAddress": wallet.as_str() },
                doc! { "$max": { "until": date(until) } },
            )
            .upsert(true)
            .await?;
        Ok(())
    }

    async fn banned_until(
        &self,
        market: &Address,
        wallet: &Address,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
        self.ready().await?;
        let found = self
            .bans()
            .find_one(doc! {
                "marketAddress": market.as_str(),
                "walletAddress": wallet.as_str(),
                "until": { "$gt": date(now) },
            })
            .await?;
        found.map(|d| datetime(&d, "until")).transpose()
    }

    async fn add_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError> {
        self.insert_key(key).await
    }

    async fn api_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError> {
        self.all_keys().await
    }

    async fn api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        self.key_by_id(id).await
    }

    async fn revoke_api_key(
        &self,
        id: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StoreError> {
        self.revoke_key(id, at).await
    }

    async fn claim_deliveries(
        &self,
        owner: &str,
        now: chrono::DateTime<chrono::Utc>,
        lease_until: chrono::DateTime<chrono::Utc>,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        self.claim(owner, now, lease_until, limit).await
    }

    async fn settle_delivery(
        &self,
        delivery: &Delivery,
        owner: &str,
        outcome: &DeliveryOutcome,
    ) -> Result<(), StoreError> {
        self.settle(delivery, owner, outcome).await
    }
}

fn index(keys: Document) -> IndexModel {
    IndexModel::builder().keys(keys).build()
}

fn date(t: chrono::DateTime<chrono::Utc>) -> bson::DateTime {
    bson::DateTime::from_millis(to_millis(t))
}

fn limit_bson(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

fn settings_doc(settings: &RoomSettings) -> Result<Document, StoreError> {
    bson::to_document(settings).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn participation_doc(p: &ParticipationRecord) -> Document {
    doc! {
        "_id": p.id.to_string(),
        "marketAddress": p.market_address.as_str(),
        "walletAddress": p.wallet_address.as_str(),
        "position": p.position.as_str(),
        "positionSize": p.position_size,
        "isFounder": p.is_founder,
        "joinedAt": date(p.joined_at),
        "leftAt": p.left_at.map(date),
        "totalSpeakingTime": p.total_speaking_time,
        "wasKicked": p.was_kicked,
        "cutShort": p.cut_short,
    }
}

fn report_doc(r: &ReportRecord) -> Document {
    doc! {
        "_id": r.id.to_string(),
        "marketAddress": r.market_address.as_str(),
        "reporterWallet": r.reporter_wallet.as_ref().map(Address::as_str),
        "targetWallet": r.target_wallet.as_ref().map(Address::as_str),
        "reason": &r.reason,
        "createdAt": date(r.created_at),
    }
}

fn corrupt(key: &str) -> StoreError {
    StoreError::Corrupt(format!("missing or mistyped field {key:?}"))
}

fn number(d: &Document, key: &str) -> f64 {
    match d.get(key) {
        Some(Bson::Double(x)) => *x,
        Some(Bson::Int32(x)) => f64::from(*x),
        Some(Bson::Int64(x)) => *x as f64,
        _ => 0.0,
    }
}

fn datetime(d: &Document, key: &str) -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
    d.get_datetime(key)
        .map(|t| from_millis(t.timestamp_millis()))
        .map_err(|_| corrupt(key))
}

fn address(d: &Document, key: &str) -> Result<Address, StoreError> {
    let text = d.get_str(key).map_err(|_| corrupt(key))?;
    Address::parse(text).map_err(|_| corrupt(key))
}

fn optional_address(d: &Document, key: &str) -> Result<Option<Address>, StoreError> {
    match d.get(key) {
        None | Some(Bson::Null) => Ok(None),
        Some(_) => address(d, key).map(Some),
    }
}

fn uuid(d: &Document) -> Result<Uuid, StoreError> {
    let text = d.get_str("_id").map_err(|_| corrupt("_id"))?;
    Uuid::parse_str(text).map_err(|_| corrupt("_id"))
}

fn participation(d: &Document) -> Result<ParticipationRecord, StoreError> {
    Ok(ParticipationRecord {
        id: uuid(d)?,
        market_address: address(d, "marketAddress")?,
        wallet_address: address(d, "walletAddress")?,
        position: d
            .get_str("position")
            .map_err(|_| corrupt("position"))?
            .parse()
            .map_err(StoreError::Corrupt)?,
        position_size: number(d, "positionSize"),
        is_founder: d.get_bool("isFounder").unwrap_or(false),
        joined_at: datetime(d, "joinedAt")?,
        left_at: match d.get("leftAt") {
            None | Some(Bson::Null) => None,
            Some(_) => Some(datetime(d, "leftAt")?),
        },
        total_speaking_time: number(d, "totalSpeakingTime"),
        was_kicked: d.get_bool("wasKicked").unwrap_or(false),
        cut_short: d.get_bool("cutShort").unwrap_or(false),
    })
}

fn debate(d: &Document) -> Result<DebateSummary, StoreError> {
    let summary = d.get_document("summary").map_err(|_| corrupt("summary"))?;
    bson::from_document(summary.clone())
        .map_err(|e| StoreError::Corrupt(format!("bad debate summary: {e}")))
}

fn report(d: &Document) -> Result<ReportRecord, StoreError> {
    Ok(ReportRecord {
        id: uuid(d)?,
        market_address: address(d, "marketAddress")?,
        reporter_wallet: optional_address(d, "reporterWallet")?,
        target_wallet: optional_address(d, "targetWallet")?,
        reason: d
            .get_str("reason")
            .map_err(|_| corrupt("reason"))?
            .to_string(),
        created_at: datetime(d, "createdAt")?,
    })
}
