//! Leaks the soak run (`benches/soak`) found, kept from coming back: empty
//! rooms held forever by reservations that had expired, a released room's
//! speaker queue left behind in Redis, and a destroyed room's record
//! written again by a heartbeat that had listed it just before.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_redis::redis::AsyncCommands;
use parking_lot::Mutex;
use pnl_voice::address::Address;
use pnl_voice::config::Config;
use pnl_voice::hub::{outbox, Hub, NodeIdentity, Placement, Totals};
use pnl_voice::ledger::{EmbeddedLedger, ModerationLedger};
use pnl_voice::media::WorkerPool;
use pnl_voice::positions::StaticMarkets;
use pnl_voice::registry::{
    MemoryRegistry, NodeLoad, Registry, RegistryError, RoomMessage, RoomOwner, RoomSummary,
    UserSession,
};
use pnl_voice::store::Recorder;
use pnl_voice_testkit::api::reserve;
use pnl_voice_testkit::flows::{join_room, T};
use pnl_voice_testkit::node::{market_with_founder, random_address, TestNode};
use pnl_voice_testkit::ports::free_rtc_ports;
use pnl_voice_testkit::redis::RedisServer;
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::json;
use tokio::sync::{watch, Notify};

/// A fresh wallet reserves a place in `market` over REST and never comes.
async fn abandoned_reservation(node: &TestNode, market: &str) {
    let (status, body) = reserve(&node.http(), &TestWallet::new(), market)
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rooms_held_only_by_expired_reservations_are_destroyed() {
    let node = TestNode::start(vec![], |c| c.rooms.reservation_secs = 1);
    // A room only a reservation ever opened.
    abandoned_reservation(&node, &random_address()).await;
    // A room whose last member leaves while another wallet's place is held.
    let market = random_address();
    let mut member = node.connect(&TestWallet::new()).await;
    join_room(&mut member, &market).await;
    abandoned_reservation(&node, &market).await;
    member.close().await;

    assert_eq!(node.wait_idle(T).await, Totals::default());
    assert_eq!(node.wait_worker_empty(T).await, (0, 0));
}

/// Waits (bounded) until `key` exists in Redis or not, as `wanted` says.
async fn wait_key(
    redis: &mut deadpool_redis::redis::aio::MultiplexedConnection,
    key: &str,
    wanted: bool,
) -> bool {
    let deadline = tokio::time::Instant::now() + T;
    loop {
        let exists: bool = redis.exists(key).await.unwrap();
        if exists == wanted || tokio::time::Instant::now() >= deadline {
            return exists;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_released_room_leaves_no_speaker_queue_in_redis() {
    let redis = RedisServer::start();
    let founder = TestWallet::new();
    let market = random_address();
    let url = redis.url();
    let node = TestNode::start(
        vec![market_with_founder(&market, &founder.address())],
        move |c| {
            c.redis_url = Some(url);
            c.jwt_secret = Some("a shared secret of at least thirty-two bytes".into());
            c.registry_heartbeat_secs = 1;
        },
    );
    let mut guest = node.connect(&TestWallet::new()).await;
    join_room(&mut guest, &market).await;
    guest.request("voice:raise_hand", json!({})).await.unwrap();
    let mut r = redis.client().await;
    let queue = pnl_voice::registry::keys::queue_key(&Address::parse(&market).unwrap());
    assert!(
        wait_key(&mut r, &queue, true).await,
        "the heartbeat mirrors the queue"
    );

    guest.close().await;
    assert!(
        !wait_key(
            &mut r,
            &pnl_voice::registry::keys::room_key(&Address::parse(&market).unwrap()),
            false
        )
        .await
    );
    assert!(
        !wait_key(&mut r, &queue, false).await,
        "the queue goes with its room"
    );
}

/// A registry that keeps room owners, and holds the first claim of `gated`
/// after it is armed until that room has been released: a heartbeat's
/// re-claim landing after the room's destruction.
struct Gate {
    inner: MemoryRegistry,
    owners: Mutex<HashMap<Address, RoomOwner>>,
    gated: Address,
    armed: AtomicBool,
    claim_held: Notify,
    released: watch::Sender<bool>,
}

#[async_trait]
impl Registry for Gate {
    async fn claim_room(
        &self,
        room: &Address,
        me: &RoomOwner,
        _founder: Option<&Address>,
    ) -> Result<RoomOwner, RegistryError> {
        if room == &self.gated && self.armed.swap(false, Ordering::SeqCst) {
            self.claim_held.notify_one();
            let mut released = self.released.subscribe();
            let _ = tokio::time::timeout(T, released.wait_for(|r| *r)).await;
        }
        self.owners.lock().insert(room.clone(), me.clone());
        Ok(me.clone())
    }

    async fn room_owner(&self, room: &Address) -> Result<Option<RoomOwner>, RegistryError> {
        Ok(self.owners.lock().get(room).cloned())
    }

    async fn release_room(&self, room: &Address, node_id: &str) -> Result<(), RegistryError> {
        let mut owners = self.owners.lock();
        if owners.get(room).is_some_and(|o| o.node_id == node_id) {
            owners.remove(room);
        }
        if room == &self.gated {
            self.released.send_replace(true);
        }
        Ok(())
    }

    async fn set_room_state(
        &self,
        room: &RoomSummary,
        node_id: &str,
        queue: &[Address],
    ) -> Result<(), RegistryError> {
        self.inner.set_room_state(room, node_id, queue).await
    }

    async fn rooms(&self) -> Result<Vec<RoomSummary>, RegistryError> {
        self.inner.rooms().await
    }

    async fn is_live(&self, node_id: &str) -> Result<bool, RegistryError> {
        self.inner.is_live(node_id).await
    }

    async fn heartbeat(&self, load: &NodeLoad, ttl_secs: u64) -> Result<(), RegistryError> {
        self.inner.heartbeat(load, ttl_secs).await
    }

    async fn live_nodes(&self) -> Result<Vec<NodeLoad>, RegistryError> {
        self.inner.live_nodes().await
    }

    async fn ping(&self) -> Result<(), RegistryError> {
        self.inner.ping().await
    }

    async fn deregister(&self, node_id: &str) -> Result<(), RegistryError> {
        self.inner.deregister(node_id).await
    }

    async fn set_user(&self, wallet: &Address, session: &UserSession) -> Result<(), RegistryError> {
        self.inner.set_user(wallet, session).await
    }

    async fn user(&self, wallet: &Address) -> Result<Option<UserSession>, RegistryError> {
        self.inner.user(wallet).await
    }

    async fn clear_user(
        &self,
        wallet: &Address,
        session: &UserSession,
    ) -> Result<(), RegistryError> {
        self.inner.clear_user(wallet, session).await
    }

    async fn publish(&self, room: &Address, message: &RoomMessage) -> Result<usize, RegistryError> {
        self.inner.publish(room, message).await
    }

    fn subscribe(&self) -> Option<tokio::sync::mpsc::Receiver<(Address, RoomMessage)>> {
        None
    }
}

/// A hub on one real worker with `registry`, empty rooms destroyed at once
/// and a heartbeat every 50 ms.
async fn hub_with(registry: Arc<dyn Registry>) -> Arc<Hub> {
    let runtime = tokio::runtime::Handle::current();
    let mut config = Config::default();
    config.media.listen_ip = "127.0.0.1".parse().unwrap();
    config.media.log_level = "error".into();
    config.media.webrtc_server_port = Some(free_rtc_ports(1));
    config.rooms.destroy_after_minutes = 0;
    config.data_dir =
        std::env::temp_dir().join(format!("pnl-voice-data-{}", rand::random::<u64>()));
    let pool = WorkerPool::start(config.media.clone(), 1, &runtime)
        .await
        .unwrap();
    let store = pnl_voice::store::open(&config).await.unwrap();
    let ledger = Arc::new(ModerationLedger::new(
        Arc::new(EmbeddedLedger::new(store.clone())),
        config.rooms.policy(),
        pnl_voice::hub::JOIN_INTERVAL,
        Duration::from_secs(1),
    ));
    let placement = Placement {
        registry,
        me: NodeIdentity {
            node_id: "node-a".into(),
            ws_url: "ws://127.0.0.1:1/ws".into(),
            http_url: "http://127.0.0.1:1".into(),
        },
        cpu_threshold: 10_000.0,
        cpu: Default::default(),
    };
    let hub = Hub::new(
        pool,
        Arc::new(StaticMarkets::empty()),
        config.rooms.clone(),
        placement,
        Recorder::start(store, 100, 0, &runtime),
        ledger,
        runtime,
    );
    hub.start_heartbeat(Duration::from_millis(50), Duration::from_secs(6))
        .await;
    hub
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_destroyed_during_a_heartbeat_leaves_no_record() {
    let market = Address::parse(&random_address()).unwrap();
    let gate = Arc::new(Gate {
        inner: MemoryRegistry::default(),
        owners: Mutex::default(),
        gated: market.clone(),
        armed: AtomicBool::new(false),
        claim_held: Notify::new(),
        released: watch::channel(false).0,
    });
    let hub = hub_with(gate.clone()).await;
    let wallet = Address::parse(&random_address()).unwrap();
    let (mailbox, _inbox) = outbox(1);
    hub.join(&wallet, &market, Default::default(), mailbox)
        .await
        .unwrap();
    assert!(gate.room_owner(&market).await.unwrap().is_some());

    gate.armed.store(true, Ordering::SeqCst);
    tokio::time::timeout(T, gate.claim_held.notified())
        .await
        .expect("a heartbeat re-claims the room");
    hub.leave(&wallet, &market, 1);

    let deadline = tokio::time::Instant::now() + T;
    while gate.room_owner(&market).await.unwrap().is_some() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the destroyed room's record stays"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(hub.totals(), Totals::default());
}
