//! The ledger in Redis, shared by the nodes (keys built in
//! [`registry::keys`](crate::registry::keys)): a ban is a string holding its
//! end that expires at that end; a wallet's joins of a room are a sorted
//! set of join times that expires one churn window after the last join;
//! the rate slot is `SET NX PX`. A room's ban and churn keys share the
//! room's hash tag, so each call here touches one slot of a cluster.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_redis::redis;

use super::{LedgerBackend, LedgerError};
use crate::address::Address;
use crate::registry::{keys, RedisConnection};
use crate::rooms::{Ban, Standing};

/// The ledger on the registry's Redis.
pub struct RedisLedger {
    redis: RedisConnection,
}

impl RedisLedger {
    /// A ledger on `redis`.
    pub fn new(redis: RedisConnection) -> Self {
        Self { redis }
    }
}

#[async_trait]
impl LedgerBackend for RedisLedger {
    fn kind(&self) -> &'static str {
        "redis"
    }

    async fn standing(
        &self,
        room: &Address,
        wallet: &Address,
        window: chrono::Duration,
        now: DateTime<Utc>,
    ) -> Result<Standing, LedgerError> {
        let (ban, churn) = (keys::ban_key(room, wallet), keys::churn_key(room, wallet));
        let since = (now - window).timestamp_millis();
        let (until, recent): (Option<i64>, u32) = self
            .redis
            .run(async |c| {
                redis::pipe()
                    .get(&ban)
                    .cmd("ZCOUNT")
                    .arg(&churn)
                    .arg(format!("({since}"))
                    .arg("+inf")
                    .query_async(c)
                    .await
            })
            .await?;
        Ok(Standing {
            banned_until: until.and_then(DateTime::from_timestamp_millis),
            recent_joins: recent,
            ..Default::default()
        })
    }

    async fn ban(&self, room: &Address, ban: &Ban) -> Result<(), LedgerError> {
        let (key, churn) = (
            keys::ban_key(room, &ban.wallet),
            keys::churn_key(room, &ban.wallet),
        );
        let until = ban.until.timestamp_millis();
        self.redis
            .run(async |c| {
                redis::pipe()
                    .atomic()
                    .cmd("SET")
                    .arg(&key)
                    .arg(until)
                    .arg("PXAT")
                    .arg(until)
                    .ignore()
                    .del(&churn)
                    .ignore()
                    .query_async::<()>(c)
                    .await
            })
            .await?;
        Ok(())
    }

    async fn joined(
        &self,
        room: &Address,
        wallet: &Address,
        at: DateTime<Utc>,
        window: chrono::Duration,
    ) -> Result<(), LedgerError> {
        let key = keys::churn_key(room, wallet);
        let at = at.timestamp_millis();
        let member = format!("{at}-{}", uuid::Uuid::new_v4().simple());
        let window_ms = window.num_milliseconds().max(1);
        self.redis
            .run(async |c| {
                redis::pipe()
                    .atomic()
                    .zadd(&key, &member, at)
                    .ignore()
                    .zrembyscore(&key, "-inf", at - window_ms)
                    .ignore()
                    .pexpire(&key, window_ms)
                    .ignore()
                    .query_async::<()>(c)
                    .await
            })
            .await?;
        Ok(())
    }

    async fn take_join_slot(
        &self,
        wallet: &Address,
        interval: Duration,
    ) -> Result<bool, LedgerError> {
        let key = keys::join_rate_key(wallet);
        let ms = u64::try_from(interval.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        let taken: Option<String> = self
            .redis
            .run(async |c| {
                redis::cmd("SET")
                    .arg(&key)
                    .arg(1)
                    .arg("NX")
                    .arg("PX")
                    .arg(ms)
                    .query_async(c)
                    .await
            })
            .await?;
        Ok(taken.is_some())
    }
}
