//! The Redis registry, on one Redis or a Redis Cluster (keys:
//! [`keys`](super::keys)). Every script declares the keys it touches in
//! `KEYS`, and those keys share one hash tag, so every script and pipeline
//! runs in one slot: a claim compares-and-sets the room's record against
//! the owner the client saw (after checking that owner's liveness itself),
//! and a dead node's records are removed room by room and user by user,
//! each with a single-slot conditional delete. A node's index sets
//! (`node-rooms`, `node-users`) are written before the records they index,
//! so a node that dies in between leaves nothing unindexed. Every call is
//! bounded by a timeout, so a Redis outage fails fast.

use std::time::Duration;

use async_trait::async_trait;
use deadpool_redis::redis::{self, AsyncCommands, Script};

use super::connection::{Pooled, RedisConnection};
use super::keys;
use super::{NodeLoad, Registry, RegistryError, RoomMessage, RoomOwner, RoomSummary, UserSession};
use crate::address::Address;

/// Makes a node the owner of a room if the record's owner is still the one
/// the client saw: KEYS = room key; ARGV = the owner seen ('' for none),
/// nodeId, workerId, wsUrl, httpUrl, createdAt, founderWallet. Returns the
/// record's owner fields afterwards (someone else's when the record changed
/// meanwhile: the client looks again).
const CLAIM: &str = r"
local owner = redis.call('HGET', KEYS[1], 'nodeId') or ''
if owner ~= ARGV[1] then
  return redis.call('HMGET', KEYS[1], 'nodeId', 'workerId', 'wsUrl', 'httpUrl')
end
if owner ~= ARGV[2] then
  redis.call('HSET', KEYS[1], 'createdAt', ARGV[6], 'founderWallet', ARGV[7], 'participants', 0)
end
redis.call('HSET', KEYS[1], 'nodeId', ARGV[2], 'workerId', ARGV[3], 'wsUrl', ARGV[4], 'httpUrl', ARGV[5])
return {ARGV[2], ARGV[3], ARGV[4], ARGV[5]}
";

/// Deletes KEYS (one slot) if the hash KEYS[1] holds every field = value
/// pair of ARGV; returns how many keys were deleted. A room's record and
/// queue go only with their owner's id in the record, a user's record only
/// while it names the session being cleared.
const DELETE_IF: &str = r"
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) ~= ARGV[i + 1] then
    return 0
  end
end
return redis.call('DEL', unpack(KEYS))
";

/// How long a user record outlives its node's silence.
const USER_TTL_SECS: i64 = 24 * 3600;

/// How many times a claim looks again when the record changed under it.
const CLAIM_ATTEMPTS: usize = 3;

/// Registry in Redis, shared by every node.
pub struct RedisRegistry {
    redis: RedisConnection,
    claim: Script,
    conditional_delete: Script,
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

impl RedisRegistry {
    /// A registry on `redis`.
    pub fn new(redis: RedisConnection) -> Self {
        Self {
            redis,
            claim: Script::new(CLAIM),
            conditional_delete: Script::new(DELETE_IF),
        }
    }

    /// The connection (shared with the moderation ledger).
    pub fn connection(&self) -> &RedisConnection {
        &self.redis
    }

    /// Deletes `keys` (one slot) if the hash `keys[0]` holds every pair of
    /// `fields`; returns how many were deleted.
    async fn delete_if(
        &self,
        c: &mut Pooled,
        keys: &[String],
        fields: &[(&str, &str)],
    ) -> redis::RedisResult<i64> {
        let mut call = self.conditional_delete.key(keys);
        for (field, value) in fields {
            call.arg(*field).arg(*value);
        }
        call.invoke_async(c).await
    }

    /// One compare-and-set claim (see [`CLAIM`]).
    async fn claim_if_owner_is(
        &self,
        room: &Address,
        seen: &str,
        me: &RoomOwner,
        founder: &str,
    ) -> Result<Vec<Option<String>>, RegistryError> {
        let key = keys::room_key(room);
        let created = chrono::Utc::now().timestamp_millis().to_string();
        self.redis
            .run(async |c| {
                self.claim
                    .key(&key)
                    .arg(seen)
                    .arg(&me.node_id)
                    .arg(&me.worker_id)
                    .arg(&me.ws_url)
                    .arg(&me.http_url)
                    .arg(&created)
                    .arg(founder)
                    .invoke_async(c)
                    .await
            })
            .await
    }

    /// Whether `node` heartbeats.
    async fn alive(&self, node: &str) -> Result<bool, RegistryError> {
        let key = keys::node_key(node);
        self.redis.run(async |c| c.exists(&key).await).await
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
        let founder = founder.map(|f| f.to_string()).unwrap_or_default();
        let index = keys::node_rooms_key(&me.node_id);
        self.redis
            .run(async |c| c.sadd::<_, _, ()>(&index, room.as_str()).await)
            .await?;
        let mut seen = self.room_owner(room).await?;
        for _ in 0..CLAIM_ATTEMPTS {
            if let Some(owner) = &seen {
                if owner.node_id != me.node_id && self.alive(&owner.node_id).await? {
                    self.redis
                        .run(async |c| c.srem::<_, _, ()>(&index, room.as_str()).await)
                        .await?;
                    return Ok(owner.clone());
                }
            }
            let expected = seen.as_ref().map_or("", |o| o.node_id.as_str());
            let fields = self.claim_if_owner_is(room, expected, me, &founder).await?;
            let owner = owner_from(&fields);
            if owner.as_ref().is_some_and(|o| o.node_id == me.node_id) {
                return owner.ok_or_else(|| RegistryError("claim lost".into()));
            }
            seen = owner;
        }
        Err(RegistryError(format!(
            "the owner of room {room} kept changing during the claim"
        )))
    }

    async fn room_owner(&self, room: &Address) -> Result<Option<RoomOwner>, RegistryError> {
        let key = keys::room_key(room);
        let fields: Vec<Option<String>> = self
            .redis
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
        let record = [keys::room_key(room), keys::queue_key(room)];
        let index = keys::node_rooms_key(node_id);
        self.redis
            .run(async |c| {
                self.delete_if(c, &record, &[("nodeId", node_id)]).await?;
                c.srem::<_, _, ()>(&index, room.as_str()).await
            })
            .await
    }

    async fn set_room_state(
        &self,
        state: &RoomSummary,
        node_id: &str,
        queue: &[Address],
    ) -> Result<(), RegistryError> {
        let room = &state.id;
        let key = keys::room_key(room);
        let queue_key = keys::queue_key(room);
        self.redis
            .run(async |c| {
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
        let node = keys::node_key(&load.node_id);
        let json = serde_json::to_string(load).map_err(|e| RegistryError(e.to_string()))?;
        self.redis
            .run(async |c| {
                // The node's own keys, in its slot, at once.
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
                    .ignore();
                for w in &load.workers {
                    let key = keys::worker_key(&load.node_id, &w.worker_id);
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
                pipe.query_async::<()>(c).await?;
                c.sadd::<_, _, ()>(keys::NODES, &load.node_id).await?;
                c.publish::<_, _, ()>(keys::WORKERS_CHANNEL, &json).await
            })
            .await?;
        self.reap_dead_nodes().await
    }

    async fn ping(&self) -> Result<(), RegistryError> {
        self.redis
            .run(async |c| redis::cmd("PING").query_async::<()>(c).await)
            .await
    }

    async fn live_nodes(&self) -> Result<Vec<NodeLoad>, RegistryError> {
        let loads: Vec<Option<String>> = self
            .redis
            .run(async |c| {
                let ids: Vec<String> = c.smembers(keys::NODES).await?;
                let mut loads = Vec::new();
                for id in ids {
                    loads.push(c.hget(keys::node_key(&id), "load").await?);
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
        let key = keys::user_key(wallet);
        let index = keys::node_users_key(&session.node_id);
        self.redis
            .run(async |c| {
                c.sadd::<_, _, ()>(&index, wallet.as_str()).await?;
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
                    .query_async::<()>(c)
                    .await
            })
            .await
    }

    async fn user(&self, wallet: &Address) -> Result<Option<UserSession>, RegistryError> {
        let key = keys::user_key(wallet);
        let fields: Vec<Option<String>> = self
            .redis
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
        let key = [keys::user_key(wallet)];
        let index = keys::node_users_key(&session.node_id);
        let room = session.room_id.to_string();
        self.redis
            .run(async |c| {
                let fields = [
                    ("nodeId", session.node_id.as_str()),
                    ("roomId", room.as_str()),
                ];
                self.delete_if(c, &key, &fields).await?;
                c.srem::<_, _, ()>(&index, wallet.as_str()).await
            })
            .await
    }

    async fn publish(&self, room: &Address, message: &RoomMessage) -> Result<usize, RegistryError> {
        let payload = serde_json::to_string(message).map_err(|e| RegistryError(e.to_string()))?;
        let channel = keys::room_channel(room);
        self.redis
            .run(async |c| c.publish(&channel, &payload).await)
            .await
    }

    fn subscribe(&self) -> Option<tokio::sync::mpsc::Receiver<(Address, RoomMessage)>> {
        let (tx, rx) = tokio::sync::mpsc::channel(1024);
        let redis = self.redis.clone();
        tokio::spawn(async move {
            let mut delay = Duration::from_millis(100);
            while !tx.is_closed() {
                if let Err(e) = redis.listen(&tx).await {
                    tracing::warn!(error = %e, "registry subscription lost; reconnecting");
                }
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
        });
        Some(rx)
    }

    async fn rooms(&self) -> Result<Vec<RoomSummary>, RegistryError> {
        // One command per key: a room's record lives in its own slot on a
        // cluster, so the reads are not pipelined across rooms.
        self.redis
            .run(async |c| {
                let ids: Vec<String> = c.smembers(keys::NODES).await?;
                let mut rooms = Vec::new();
                for id in ids {
                    if !c.exists::<_, bool>(keys::node_key(&id)).await? {
                        continue;
                    }
                    let markets: Vec<String> = c.smembers(keys::node_rooms_key(&id)).await?;
                    for market in markets.iter().filter_map(|m| Address::parse(m).ok()) {
                        let fields: Vec<Option<String>> = redis::cmd("HMGET")
                            .arg(keys::room_key(&market))
                            .arg(&DIRECTORY_FIELDS)
                            .query_async(c)
                            .await?;
                        rooms.extend(listed(market, &id, &fields));
                    }
                }
                Ok(rooms)
            })
            .await
    }

    async fn is_live(&self, node_id: &str) -> Result<bool, RegistryError> {
        let key = keys::node_key(node_id);
        self.redis.run(async |c| c.exists(&key).await).await
    }

    async fn deregister(&self, node_id: &str) -> Result<(), RegistryError> {
        let node = keys::node_key(node_id);
        self.redis
            .run(async |c| c.del::<_, ()>(&node).await)
            .await?;
        self.reap(node_id).await.map(drop)
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
        let ids: Vec<String> = self
            .redis
            .run(async |c| c.smembers(keys::NODES).await)
            .await?;
        for id in ids {
            if !self.alive(&id).await? {
                let records = self.reap(&id).await?;
                tracing::warn!(node = %id, records, "node stopped heartbeating; its records were removed");
            }
        }
        Ok(())
    }

    /// Removes what node `id` (gone) still owns: each room record and queue
    /// it still owns, each user record still on it, each entry of its index
    /// sets, and its place in `nodes`. Records another node has taken over
    /// since are left alone. Returns how many records were removed.
    async fn reap(&self, id: &str) -> Result<i64, RegistryError> {
        let (rooms_index, users_index) = (keys::node_rooms_key(id), keys::node_users_key(id));
        self.redis
            .run(async |c| {
                let mut removed = 0;
                let rooms: Vec<String> = c.smembers(&rooms_index).await?;
                for market in rooms {
                    if let Ok(room) = Address::parse(&market) {
                        let record = [keys::room_key(&room), keys::queue_key(&room)];
                        removed += self.delete_if(c, &record, &[("nodeId", id)]).await?;
                    }
                    c.srem::<_, _, ()>(&rooms_index, &market).await?;
                }
                let users: Vec<String> = c.smembers(&users_index).await?;
                for wallet in users {
                    if let Ok(wallet) = Address::parse(&wallet) {
                        let record = [keys::user_key(&wallet)];
                        removed += self.delete_if(c, &record, &[("nodeId", id)]).await?;
                    }
                    c.srem::<_, _, ()>(&users_index, &wallet).await?;
                }
                c.srem::<_, _, ()>(keys::NODES, id).await?;
                Ok(removed)
            })
            .await
    }
}
