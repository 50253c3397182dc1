//! The Redis registry (deadpool-redis), with these keys:
//! `room:{marketAddress}` (hash: nodeId, workerId, wsUrl, httpUrl,
//! participants, speakers, createdAt, founderWallet), `queue:{marketAddress}` (list:
//! the speaker queue), `user:{walletAddress}` (hash: roomId, nodeId), `node:{nodeId}` (hash with a
//! TTL: the node's load; its existence means "alive"), `worker:{workerId}`
//! (hash with a TTL: rooms, users), and the `nodes` set of known node ids.
//! Additions: `node-rooms:{nodeId}` and `node-users:{nodeId}` (sets: what a
//! node owns), so that when a node stops heartbeating (a crash, SIGKILL)
//! the next heartbeat of any live node removes its room, queue and user
//! records. Every call is bounded by a timeout, so a Redis outage fails fast.

use std::time::Duration;

use async_trait::async_trait;
use deadpool_redis::redis::{self, AsyncCommands, Script};
use deadpool_redis::{Config, Pool, Runtime};

use super::{NodeLoad, Registry, RegistryError, RoomMessage, RoomOwner, RoomSummary, UserSession};
use crate::address::Address;

/// Claims a room unless a live node owns it: KEYS = room key, the claiming
/// node's `node-rooms` set; ARGV = nodeId, workerId, wsUrl, httpUrl,
/// createdAt, founderWallet, marketAddress.
const CLAIM: &str = r"
local owner = redis.call('HGET', KEYS[1], 'nodeId')
if owner and owner ~= ARGV[1] and redis.call('EXISTS', 'node:' .. owner) == 1 then
  return redis.call('HMGET', KEYS[1], 'nodeId', 'workerId', 'wsUrl', 'httpUrl')
end
if owner ~= ARGV[1] then
  redis.call('HSET', KEYS[1], 'createdAt', ARGV[5], 'founderWallet', ARGV[6], 'participants', 0)
end
redis.call('HSET', KEYS[1], 'nodeId', ARGV[1], 'workerId', ARGV[2], 'wsUrl', ARGV[3], 'httpUrl', ARGV[4])
redis.call('SADD', KEYS[2], ARGV[7])
return {ARGV[1], ARGV[2], ARGV[3], ARGV[4]}
";

/// Deletes a room's record and queue only if the given node owns it: KEYS =
/// room key, queue key, the node's `node-rooms` set; ARGV = nodeId, marketAddress.
const RELEASE: &str = r"
redis.call('SREM', KEYS[3], ARGV[2])
if redis.call('HGET', KEYS[1], 'nodeId') == ARGV[1] then
  return redis.call('DEL', KEYS[1], KEYS[2])
end
return 0
";

/// Deletes a user key only if it still holds the given session: KEYS = user
/// key, the node's `node-users` set; ARGV = nodeId, roomId, wallet.
const CLEAR_USER: &str = r"
redis.call('SREM', KEYS[2], ARGV[3])
if redis.call('HGET', KEYS[1], 'nodeId') == ARGV[1] and redis.call('HGET', KEYS[1], 'roomId') == ARGV[2] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// Removes everything node ARGV[1] still owns (it is gone): its rooms and
/// their queues, its users, its index sets and its place in `nodes`.
/// Records another node has taken over since are left alone. Returns how
/// many room and user records were removed.
const REAP: &str = r"
local id = ARGV[1]
local removed = 0
for _, market in ipairs(redis.call('SMEMBERS', 'node-rooms:' .. id)) do
  if redis.call('HGET', 'room:' .. market, 'nodeId') == id then
    removed = removed + redis.call('DEL', 'room:' .. market, 'queue:' .. market)
  end
end
for _, wallet in ipairs(redis.call('SMEMBERS', 'node-users:' .. id)) do
  if redis.call('HGET', 'user:' .. wallet, 'nodeId') == id then
    removed = removed + redis.call('DEL', 'user:' .. wallet)
  end
end
redis.call('DEL', 'node-rooms:' .. id, 'node-users:' .. id)
redis.call('SREM', 'nodes', id)
return removed
";

/// How long a user record outlives its node's silence.
const USER_TTL_SECS: i64 = 24 * 3600;

/// Registry in Redis, shared by every node.
pub struct RedisRegistry {
    url: String,
    pool: Pool,
    clear_user: Script,
    timeout: Duration,
    claim: Script,
    release: Script,
    reap: Script,
}

fn room_key(room: &Address) -> String {
    format!("room:{room}")
}

/// The owner in `nodeId, workerId, wsUrl, httpUrl` fields of a room record.
fn owner_from(fields: &[Option<String>]) -> Option<RoomOwner> {
    match fields {
        [Some(node_id), Some(worker_id), Some(ws_url), Some(http_url)] => Some(RoomOwner {
            node_id: node_id.clone(),
            worker_id: worker_id.clone(),
            ws_url: ws_url.clone(),
            http_url: http_url.clone(),
        }),
        _ => None,
    }
}

fn node_key(node: &str) -> String {
    format!("node:{node}")
}

fn node_rooms_key(node: &str) -> String {
    format!("node-rooms:{node}")
}

fn node_users_key(node: &str) -> String {
    format!("node-users:{node}")
}

impl RedisRegistry {
    /// A registry at `url` whose calls give up after `timeout`.
    pub fn new(url: &str, timeout: Duration) -> Result<Self, RegistryError> {
        let mut config = Config::from_url(url);
        let mut pool_config = deadpool_redis::PoolConfig::new(32);
        pool_config.timeouts.wait = Some(timeout);
        pool_config.timeouts.create = Some(timeout);
        pool_config.timeouts.recycle = Some(timeout);
        config.pool = Some(pool_config);
        let pool = config
            .create_pool(Some(Runtime::Tokio1))
            .map_err(|e| RegistryError(e.to_string()))?;
        Ok(Self {
            url: url.to_string(),
            pool,
            clear_user: Script::new(CLEAR_USER),
            timeout,
            claim: Script::new(CLAIM),
            release: Script::new(RELEASE),
            reap: Script::new(REAP),
        })
    }

    async fn run<T, F>(&self, f: F) -> Result<T, RegistryError>
    where
        F: AsyncFnOnce(&mut deadpool_redis::Connection) -> redis::RedisResult<T>,
    {
        let work = async {
            let mut conn = self
                .pool
                .get()
                .await
                .map_err(|e| RegistryError(e.to_string()))?;
            f(&mut conn).await.map_err(|e| RegistryError(e.to_string()))
        };
        tokio::time::timeout(self.timeout, work)
            .await
            .map_err(|_| RegistryError("timed out".into()))?
    }
}

#[async_trait]
impl Registry for RedisRegistry {
    async fn claim_room(
        &self,
        room: &Address,
        me: &RoomOwner,
        founder: Option<&Address>,
    ) -> Result<RoomOwner, RegistryError> {
        let key = room_key(room);
        let created = chrono::Utc::now().timestamp_millis().to_string();
        let founder = founder.map(|f| f.to_string()).unwrap_or_default();
        let fields: Vec<Option<String>> = self
            .run(async |c| {
                self.claim
                    .key(&key)
                    .key(node_rooms_key(&me.node_id))
                    .arg(&me.node_id)
                    .arg(&me.worker_id)
                    .arg(&me.ws_url)
                    .arg(&me.http_url)
                    .arg(&created)
                    .arg(&founder)
                    .arg(room.to_string())
                    .invoke_async(c)
                    .await
            })
            .await?;
        owner_from(&fields)
            .ok_or_else(|| RegistryError(format!("malformed room record: {fields:?}")))
    }

    async fn room_owner(&self, room: &Address) -> Result<Option<RoomOwner>, RegistryError> {
        let key = room_key(room);
        let fields: Vec<Option<String>> = self
            .run(async |c| {
                redis::cmd("HMGET")
                    .arg(&key)
                    .arg(&["nodeId", "workerId", "wsUrl", "httpUrl"])
                    .query_async(c)
                    .await
            })
            .await?;
        Ok(owner_from(&fields))
    }

    async fn release_room(&self, room: &Address, node_id: &str) -> Result<(), RegistryError> {
        let key = room_key(room);
        self.run(async |c| {
            self.release
                .key(&key)
                .key(format!("queue:{room}"))
                .key(node_rooms_key(node_id))
                .arg(node_id)
                .arg(room.to_string())
                .invoke_async::<i64>(c)
                .await
        })
        .await
        .map(drop)
    }

    async fn set_room_state(
        &self,
        state: &RoomSummary,
        node_id: &str,
        queue: &[Address],
    ) -> Result<(), RegistryError> {
        let room = &state.id;
        let key = room_key(room);
        let queue_key = format!("queue:{room}");
        self.run(async |c| {
            let owner: Option<String> = c.hget(&key, "nodeId").await?;
            if owner.as_deref() != Some(node_id) {
                return Ok(());
            }
            let mut pipe = redis::pipe();
            pipe.atomic()
                .hset_multiple(&key, &directory_fields(state))
                .ignore()
                .del(&queue_key)
                .ignore();
            if !queue.is_empty() {
                let wallets: Vec<String> = queue.iter().map(ToString::to_string).collect();
                pipe.rpush(&queue_key, wallets).ignore();
            }
            pipe.query_async::<()>(c).await
        })
        .await
    }

    async fn heartbeat(&self, load: &NodeLoad, ttl_secs: u64) -> Result<(), RegistryError> {
        let node = node_key(&load.node_id);
        let json = serde_json::to_string(load).map_err(|e| RegistryError(e.to_string()))?;
        self.run(async |c| {
            let mut pipe = redis::pipe();
            pipe.atomic()
                .hset_multiple(
                    &node,
                    &[
                        ("wsUrl", load.ws_url.clone()),
                        ("httpUrl", load.http_url.clone()),
                        ("rooms", load.rooms.to_string()),
                        ("users", load.users.to_string()),
                        ("cpu", load.cpu.to_string()),
                        ("load", json.clone()),
                    ],
                )
                .ignore()
                .expire(&node, ttl_secs as i64)
                .ignore()
                .sadd("nodes", &load.node_id)
                .ignore()
                .publish("voice:workers", &json)
                .ignore();
            for w in &load.workers {
                let key = format!("worker:{}", w.worker_id);
                pipe.hset_multiple(
                    &key,
                    &[
                        ("nodeId", load.node_id.clone()),
                        ("rooms", w.rooms.to_string()),
                        ("users", w.users.to_string()),
                    ],
                )
                .ignore()
                .expire(&key, ttl_secs as i64)
                .ignore();
            }
            pipe.query_async::<()>(c).await
        })
        .await?;
        self.reap_dead_nodes().await
    }

    async fn live_nodes(&self) -> Result<Vec<NodeLoad>, RegistryError> {
        let loads: Vec<Option<String>> = self
            .run(async |c| {
                let ids: Vec<String> = c.smembers("nodes").await?;
                let mut loads = Vec::new();
                for id in ids {
                    loads.push(c.hget(node_key(&id), "load").await?);
                }
                Ok(loads)
            })
            .await?;
        Ok(loads
            .into_iter()
            .flatten()
            .filter_map(|json| serde_json::from_str(&json).ok())
            .collect())
    }

    async fn set_user(&self, wallet: &Address, session: &UserSession) -> Result<(), RegistryError> {
        let key = format!("user:{wallet}");
        self.run(async |c| {
            redis::pipe()
                .atomic()
                .hset_multiple(
                    &key,
                    &[
                        ("roomId", session.room_id.to_string()),
                        ("nodeId", session.node_id.clone()),
                    ],
                )
                .ignore()
                .expire(&key, USER_TTL_SECS)
                .ignore()
                .sadd(node_users_key(&session.node_id), wallet.to_string())
                .ignore()
                .query_async::<()>(c)
                .await
        })
        .await
    }

    async fn user(&self, wallet: &Address) -> Result<Option<UserSession>, RegistryError> {
        let key = format!("user:{wallet}");
        let fields: Vec<Option<String>> = self
            .run(async |c| {
                redis::cmd("HMGET")
                    .arg(&key)
                    .arg(&["roomId", "nodeId"])
                    .query_async(c)
                    .await
            })
            .await?;
        Ok(match fields.as_slice() {
            [Some(room), Some(node_id)] => Address::parse(room).ok().map(|room_id| UserSession {
                room_id,
                node_id: node_id.clone(),
            }),
            _ => None,
        })
    }

    async fn clear_user(
        &self,
        wallet: &Address,
        session: &UserSession,
    ) -> Result<(), RegistryError> {
        let key = format!("user:{wallet}");
        self.run(async |c| {
            self.clear_user
                .key(&key)
                .key(node_users_key(&session.node_id))
                .arg(&session.node_id)
                .arg(session.room_id.to_string())
                .arg(wallet.to_string())
                .invoke_async::<i64>(c)
                .await
        })
        .await
        .map(drop)
    }

    async fn publish(&self, room: &Address, message: &RoomMessage) -> Result<usize, RegistryError> {
        let payload = serde_json::to_string(message).map_err(|e| RegistryError(e.to_string()))?;
        let channel = format!("voice:room:{room}");
        self.run(async |c| c.publish(&channel, &payload).await)
            .await
    }

    fn subscribe(&self) -> Option<tokio::sync::mpsc::Receiver<(Address, RoomMessage)>> {
        let (tx, rx) = tokio::sync::mpsc::channel(1024);
        let url = self.url.clone();
        tokio::spawn(async move {
            let mut delay = Duration::from_millis(100);
            while !tx.is_closed() {
                if let Err(e) = listen(&url, &tx).await {
                    tracing::warn!(error = %e, "registry subscription lost; reconnecting");
                }
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
        });
        Some(rx)
    }

    async fn rooms(&self) -> Result<Vec<RoomSummary>, RegistryError> {
        self.run(async |c| {
            let ids: Vec<String> = c.smembers("nodes").await?;
            let mut rooms = Vec::new();
            for id in ids {
                if !c.exists::<_, bool>(node_key(&id)).await? {
                    continue;
                }
                let markets: Vec<String> = c.smembers(node_rooms_key(&id)).await?;
                let markets: Vec<Address> = markets
                    .iter()
                    .filter_map(|m| Address::parse(m).ok())
                    .collect();
                if markets.is_empty() {
                    continue;
                }
                let mut pipe = redis::pipe();
                for market in &markets {
                    pipe.cmd("HMGET")
                        .arg(room_key(market))
                        .arg(&DIRECTORY_FIELDS);
                }
                let records: Vec<Vec<Option<String>>> = pipe.query_async(c).await?;
                rooms.extend(
                    markets
                        .into_iter()
                        .zip(records)
                        .filter_map(|(market, fields)| listed(market, &id, &fields)),
                );
            }
            Ok(rooms)
        })
        .await
    }

    async fn is_live(&self, node_id: &str) -> Result<bool, RegistryError> {
        self.run(async |c| c.exists(node_key(node_id)).await).await
    }

    async fn deregister(&self, node_id: &str) -> Result<(), RegistryError> {
        self.run(async |c| {
            let _: () = c.del(node_key(node_id)).await?;
            self.reap.arg(node_id).invoke_async::<i64>(c).await
        })
        .await
        .map(drop)
    }
}

/// The fields of a room record the directory reads: its owner, then what
/// [`directory_fields`] writes.
const DIRECTORY_FIELDS: [&str; 4] = ["nodeId", "participants", "speakers", "createdAt"];

/// What the owner writes of a room for the directory (`createdAt` in
/// milliseconds since the epoch, as the claim writes it).
fn directory_fields(room: &RoomSummary) -> [(&'static str, String); 3] {
    [
        ("participants", room.participants.to_string()),
        ("speakers", room.speakers.to_string()),
        ("createdAt", room.created_at.timestamp_millis().to_string()),
    ]
}

/// `market`'s directory entry from its [`DIRECTORY_FIELDS`], if `node_id`
/// still owns it (counts not written yet read as 0).
fn listed(market: Address, node_id: &str, fields: &[Option<String>]) -> Option<RoomSummary> {
    let [owner, participants, speakers, created_at] = fields else {
        return None;
    };
    if owner.as_deref() != Some(node_id) {
        return None;
    }
    let count = |field: &Option<String>| {
        field
            .as_deref()
            .and_then(|n| n.parse().ok())
            .unwrap_or_default()
    };
    let millis = created_at.as_deref()?.parse().ok()?;
    Some(RoomSummary {
        id: market,
        participants: count(participants),
        speakers: count(speakers),
        created_at: chrono::DateTime::from_timestamp_millis(millis)?,
    })
}

impl RedisRegistry {
    /// Removes the records of every known node whose heartbeat has expired.
    async fn reap_dead_nodes(&self) -> Result<(), RegistryError> {
        let removed = self
            .run(async |c| {
                let ids: Vec<String> = c.smembers("nodes").await?;
                let mut removed = Vec::new();
                for id in ids {
                    if !c.exists::<_, bool>(node_key(&id)).await? {
                        let count: i64 = self.reap.arg(&id).invoke_async(c).await?;
                        removed.push((id, count));
                    }
                }
                Ok(removed)
            })
            .await?;
        for (node, records) in removed {
            tracing::warn!(%node, records, "node stopped heartbeating; its records were removed");
        }
        Ok(())
    }
}

/// Forwards room messages until the connection drops or nobody listens.
async fn listen(
    url: &str,
    tx: &tokio::sync::mpsc::Sender<(Address, RoomMessage)>,
) -> redis::RedisResult<()> {
    use futures_util::StreamExt;
    let mut pubsub = redis::Client::open(url)?.get_async_pubsub().await?;
    pubsub.psubscribe("voice:room:*").await?;
    let mut messages = pubsub.on_message();
    while let Some(msg) = messages.next().await {
        let room = msg.get_channel_name().trim_start_matches("voice:room:");
        let payload: String = msg.get_payload()?;
        match (
            Address::parse(room),
            serde_json::from_str::<RoomMessage>(&payload),
        ) {
            (Ok(room), Ok(message)) => {
                if tx.send((room, message)).await.is_err() {
                    return Ok(());
                }
            }
            _ => tracing::warn!(
                channel = msg.get_channel_name(),
                "ignoring a malformed room message"
            ),
        }
    }
    Ok(())
}
