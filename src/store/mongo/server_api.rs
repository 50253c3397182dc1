//! API keys (`voice_api_keys`) and the webhook outbox
//! (`voice_webhook_outbox`) in MongoDB.

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use mongodb::bson::{doc, Bson, Document};
use mongodb::options::ReturnDocument;

use super::{corrupt, date, datetime, MongoStore};
use crate::store::{ApiKeyRecord, Delivery, DeliveryOutcome, StoreError};

/// An outbox document's id: one per event and URL.
fn delivery_id(event_id: &str, url: &str) -> String {
    format!("{event_id} {url}")
}

fn text(d: &Document, key: &str) -> Result<String, StoreError> {
    d.get_str(key).map(str::to_owned).map_err(|_| corrupt(key))
}

fn key(d: &Document) -> Result<ApiKeyRecord, StoreError> {
    Ok(ApiKeyRecord {
        id: text(d, "_id")?,
        name: text(d, "name")?,
        scopes: ApiKeyRecord::scopes_from_text(&text(d, "scopes")?),
        secret_hash: text(d, "secretHash")?,
        created_at: datetime(d, "createdAt")?,
        revoked_at: match d.get("revokedAt") {
            None | Some(Bson::Null) => None,
            Some(_) => Some(datetime(d, "revokedAt")?),
        },
    })
}

impl MongoStore {
    /// Puts a webhook event in the outbox, once per URL (again: no change).
    pub(super) async fn enqueue(
        &self,
        event_id: &str,
        body: &str,
        created_at: DateTime<Utc>,
        urls: &[String],
    ) -> Result<(), StoreError> {
        for url in urls {
            self.outbox()
                .update_one(
                    doc! { "_id": delivery_id(event_id, url) },
                    doc! { "$setOnInsert": {
                        "eventId": event_id,
                        "url": url,
                        "body": body,
                        "createdAt": date(created_at),
                        "attempts": 0,
                        "nextAttemptAt": date(created_at),
                        "leaseOwner": Bson::Null,
                        "leaseUntil": Bson::Null,
                        "deadAt": Bson::Null,
                    } },
                )
                .upsert(true)
                .await?;
        }
        Ok(())
    }

    /// Drops dead deliveries from before `before` (retention).
    pub(super) async fn purge_outbox(&self, before: DateTime<Utc>) -> Result<(), StoreError> {
        self.outbox()
            .delete_many(doc! { "deadAt": { "$ne": Bson::Null, "$lt": date(before) } })
            .await?;
        Ok(())
    }

    pub(super) async fn insert_key(&self, record: &ApiKeyRecord) -> Result<(), StoreError> {
        self.ready().await?;
        self.keys()
            .insert_one(doc! {
                "_id": &record.id,
                "name": &record.name,
                "scopes": record.scopes_text(),
                "secretHash": &record.secret_hash,
                "createdAt": date(record.created_at),
                "revokedAt": record.revoked_at.map(date),
            })
            .await?;
        Ok(())
    }

    pub(super) async fn all_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError> {
        self.ready().await?;
        let docs: Vec<Document> = self
            .keys()
            .find(doc! {})
            .sort(doc! { "createdAt": 1, "_id": 1 })
            .await?
            .try_collect()
            .await?;
        docs.iter().map(key).collect()
    }

    pub(super) async fn key_by_id(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        self.ready().await?;
        let found = self.keys().find_one(doc! { "_id": id }).await?;
        found.as_ref().map(key).transpose()
    }

    pub(super) async fn revoke_key(&self, id: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
        self.ready().await?;
        let changed = self
            .keys()
            .update_one(
                doc! { "_id": id, "revokedAt": Bson::Null },
                doc! { "$set": { "revokedAt": date(at) } },
            )
            .await?
            .modified_count;
        Ok(changed == 1)
    }

    /// Leases due deliveries one `findAndModify` at a time: each is atomic
    /// on the server, so two nodes never lease the same one.
    pub(super) async fn claim(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        self.ready().await?;
        let mut claimed = Vec::new();
        while claimed.len() < limit {
            let due = doc! {
                "deadAt": Bson::Null,
                "nextAttemptAt": { "$lte": date(now) },
                "$or": [{ "leaseUntil": Bson::Null }, { "leaseUntil": { "$lte": date(now) } }],
            };
            let Some(d) = self
                .outbox()
                .find_one_and_update(
                    due,
                    doc! { "$set": { "leaseOwner": owner, "leaseUntil": date(lease_until) } },
                )
                .sort(doc! { "createdAt": 1, "_id": 1 })
                .return_document(ReturnDocument::After)
                .await?
            else {
                break;
            };
            claimed.push(Delivery {
                event_id: text(&d, "eventId")?,
                url: text(&d, "url")?,
                body: text(&d, "body")?,
                attempts: d
                    .get_i32("attempts")
                    .ok()
                    .and_then(|n| u32::try_from(n).ok())
                    .unwrap_or(0),
                created_at: datetime(&d, "createdAt")?,
            });
        }
        Ok(claimed)
    }

    pub(super) async fn settle(
        &self,
        delivery: &Delivery,
        owner: &str,
        outcome: &DeliveryOutcome,
    ) -> Result<(), StoreError> {
        self.ready().await?;
        let mine = doc! {
            "_id": delivery_id(&delivery.event_id, &delivery.url),
            "leaseOwner": owner,
        };
        let attempts = i32::try_from(delivery.attempts + 1).unwrap_or(i32::MAX);
        let released = |more: Document| {
            let mut set =
                doc! { "attempts": attempts, "leaseOwner": Bson::Null, "leaseUntil": Bson::Null };
            set.extend(more);
            doc! { "$set": set }
        };
        match outcome {
            DeliveryOutcome::Delivered => {
                self.outbox().delete_one(mine).await?;
            }
            DeliveryOutcome::Retry { at, error } => {
                self.outbox()
                    .update_one(
                        mine,
                        released(doc! { "nextAttemptAt": date(*at), "lastError": error }),
                    )
                    .await?;
            }
            DeliveryOutcome::GiveUp { error } => {
                self.outbox()
                    .update_one(
                        mine,
                        released(doc! { "deadAt": date(Utc::now()), "lastError": error }),
                    )
                    .await?;
            }
        }
        Ok(())
    }
}
