//! The Redis connection the registry and the moderation ledger share: one
//! Redis (`redis://…`) or a Redis Cluster (`redis+cluster://host:port,…`),
//! pooled by deadpool-redis, every call bounded by a timeout so that an
//! outage fails fast; and the subscription to the rooms' channels.

use std::time::Duration;

use deadpool_redis::redis::aio::ConnectionLike;
use deadpool_redis::redis::{self, Cmd, Pipeline, RedisFuture, Value};
use deadpool_redis::{cluster, PoolConfig, Runtime};
use futures_util::StreamExt;

use super::keys;
use super::{RegistryError, RoomMessage};
use crate::address::Address;

/// The scheme of a cluster URL: `redis+cluster://host:port,host:port`.
const CLUSTER_SCHEME: &str = "redis+cluster://";

/// Connections to one Redis or to a Redis Cluster.
#[derive(Clone)]
pub struct RedisConnection {
    pools: Pools,
    timeout: Duration,
}

#[derive(Clone)]
enum Pools {
    Single {
        url: String,
        pool: deadpool_redis::Pool,
    },
    Cluster {
        urls: Vec<String>,
        pool: cluster::Pool,
    },
}

/// A pooled connection of either kind; commands and scripts run on it alike.
pub enum Pooled {
    /// To the one Redis.
    Single(deadpool_redis::Connection),
    /// To the cluster (routed by key slot).
    Cluster(cluster::Connection),
}

impl ConnectionLike for Pooled {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Self::Single(c) => c.req_packed_command(cmd),
            Self::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        cmd: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Self::Single(c) => c.req_packed_commands(cmd, offset, count),
            Self::Cluster(c) => c.req_packed_commands(cmd, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Self::Single(c) => c.get_db(),
            Self::Cluster(c) => c.get_db(),
        }
    }
}

/// The node URLs of a `redis+cluster://[user:pass@]host:port,host:port`
/// URL, or `None` for a single Redis's URL.
pub fn cluster_urls(url: &str) -> Option<Vec<String>> {
    let rest = url.strip_prefix(CLUSTER_SCHEME)?;
    let (auth, hosts) = match rest.rsplit_once('@') {
        Some((auth, hosts)) => (format!("{auth}@"), hosts),
        None => (String::new(), rest),
    };
    let urls: Vec<String> = hosts
        .split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(|h| format!("redis://{auth}{}", h.trim_end_matches('/')))
        .collect();
    Some(urls)
}

impl RedisConnection {
    /// Connections to `url` (see [`cluster_urls`]) whose calls give up
    /// after `timeout`. Nothing is contacted yet.
    pub fn open(url: &str, timeout: Duration) -> Result<Self, RegistryError> {
        let mut pool_config = PoolConfig::new(32);
        pool_config.timeouts.wait = Some(timeout);
        pool_config.timeouts.create = Some(timeout);
        pool_config.timeouts.recycle = Some(timeout);
        let pools = match cluster_urls(url) {
            Some(urls) if urls.is_empty() => {
                return Err(RegistryError(format!("no cluster node in {url}")))
            }
            Some(urls) => {
                let config = cluster::Config {
                    urls: Some(urls.clone()),
                    connections: None,
                    pool: Some(pool_config),
                    read_from_replicas: false,
                };
                let pool = config
                    .create_pool(Some(Runtime::Tokio1))
                    .map_err(|e| RegistryError(e.to_string()))?;
                Pools::Cluster { urls, pool }
            }
            None => {
                let mut config = deadpool_redis::Config::from_url(url);
                config.pool = Some(pool_config);
                let pool = config
                    .create_pool(Some(Runtime::Tokio1))
                    .map_err(|e| RegistryError(e.to_string()))?;
                Pools::Single {
                    url: url.to_string(),
                    pool,
                }
            }
        };
        Ok(Self { pools, timeout })
    }

    /// Runs `f` on a pooled connection, within the timeout.
    pub async fn run<T, F>(&self, f: F) -> Result<T, RegistryError>
    where
        F: AsyncFnOnce(&mut Pooled) -> redis::RedisResult<T>,
    {
        let work = async {
            let unavailable = |e: &dyn std::fmt::Display| RegistryError(e.to_string());
            let mut conn = match &self.pools {
                Pools::Single { pool, .. } => {
                    Pooled::Single(pool.get().await.map_err(|e| unavailable(&e))?)
                }
                Pools::Cluster { pool, .. } => {
                    Pooled::Cluster(pool.get().await.map_err(|e| unavailable(&e))?)
                }
            };
            f(&mut conn).await.map_err(|e| RegistryError(e.to_string()))
        };
        tokio::time::timeout(self.timeout, work)
            .await
            .map_err(|_| RegistryError("timed out".into()))?
    }

    /// Forwards the messages of every room channel to `tx` until the
    /// connection drops (an error) or nobody listens (`Ok`).
    pub async fn listen(
        &self,
        tx: &tokio::sync::mpsc::Sender<(Address, RoomMessage)>,
    ) -> redis::RedisResult<()> {
        match &self.pools {
            Pools::Single { url, .. } => {
                let mut pubsub = redis::Client::open(url.as_str())?
                    .get_async_pubsub()
                    .await?;
                pubsub.psubscribe(keys::room_channel_pattern()).await?;
                let mut messages = pubsub.on_message();
                while let Some(msg) = messages.next().await {
                    let payload: String = msg.get_payload()?;
                    if !forward(msg.get_channel_name(), &payload, tx).await {
                        return Ok(());
                    }
                }
                Ok(())
            }
            Pools::Cluster { urls, .. } => listen_on_cluster(urls, tx).await,
        }
    }
}

/// The cluster's subscription: RESP3, so that the cluster client keeps it
/// on the node that serves the channels' slot (resubscribing after a
/// failover) and passes messages as pushes.
async fn listen_on_cluster(
    urls: &[String],
    tx: &tokio::sync::mpsc::Sender<(Address, RoomMessage)>,
) -> redis::RedisResult<()> {
    let (push_tx, mut pushes) = tokio::sync::mpsc::unbounded_channel();
    let client = redis::cluster::ClusterClientBuilder::new(urls.to_vec())
        .use_protocol(redis::ProtocolVersion::RESP3)
        .push_sender(push_tx)
        .build()?;
    let mut conn = client.get_async_connection().await?;
    conn.psubscribe(keys::room_channel_pattern()).await?;
    while let Some(push) = pushes.recv().await {
        match push.kind {
            redis::PushKind::PMessage => {
                let [_, channel, payload] = push.data.as_slice() else {
                    continue;
                };
                let (Ok(channel), Ok(payload)) = (
                    redis::from_redis_value_ref::<String>(channel),
                    redis::from_redis_value_ref::<String>(payload),
                ) else {
                    continue;
                };
                if !forward(&channel, &payload, tx).await {
                    return Ok(());
                }
            }
            redis::PushKind::Disconnection => {
                tracing::debug!("a cluster node's connection dropped; the client resubscribes");
            }
            _ => {}
        }
    }
    Err(redis::RedisError::from((
        redis::ErrorKind::Io,
        "cluster subscription ended",
    )))
}

/// Passes one room message on; `false` once nobody listens.
async fn forward(
    channel: &str,
    payload: &str,
    tx: &tokio::sync::mpsc::Sender<(Address, RoomMessage)>,
) -> bool {
    let room = keys::room_of_channel(channel).map(Address::parse);
    match (room, serde_json::from_str::<RoomMessage>(payload)) {
        (Some(Ok(room)), Ok(message)) => tx.send((room, message)).await.is_ok(),
        _ => {
            tracing::warn!(channel, "ignoring a malformed room message");
            true
        }
    }
}
