//! Several nodes share rooms through a real Redis: a room has one owner,
//! other nodes send clients there, a dead owner's rooms move on the next
//! join, and a Redis outage neither stops running rooms nor hangs joins.
//! Each test that does not stop Redis runs twice: on one Redis and on a
//! three-master Redis Cluster (`…_on_a_cluster`).

use std::time::{Duration, Instant};

use deadpool_redis::redis::AsyncCommands;
use pnl_voice::address::Address;
use pnl_voice::registry::keys;
use pnl_voice_testkit::flows::{start_listening, start_speaking, T};
use pnl_voice_testkit::frames::numbered_frame;
use pnl_voice_testkit::node::{random_address, TestNode};
use pnl_voice_testkit::redis::{RedisCluster, RedisServer};
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

/// The Redis the nodes share: one server or a cluster.
enum Deployment {
    Single(RedisServer),
    Cluster(RedisCluster),
}

impl Deployment {
    fn single() -> Self {
        Self::Single(RedisServer::start())
    }

    fn cluster() -> Self {
        Self::Cluster(RedisCluster::start())
    }

    fn url(&self) -> String {
        match self {
            Self::Single(r) => r.url(),
            Self::Cluster(c) => c.url(),
        }
    }

    async fn hget(&self, key: &str, field: &str) -> Option<String> {
        match self {
            Self::Single(r) => r.client().await.hget(key, field).await.unwrap(),
            Self::Cluster(c) => c.client().await.hget(key, field).await.unwrap(),
        }
    }

    async fn lrange(&self, key: &str) -> Vec<String> {
        match self {
            Self::Single(r) => r.client().await.lrange(key, 0, -1).await.unwrap(),
            Self::Cluster(c) => c.client().await.lrange(key, 0, -1).await.unwrap(),
        }
    }
}

/// Runs `body` on one Redis (test `name`) and on a cluster (`name_on_a_cluster`).
macro_rules! on_both {
    ($name:ident, $cluster:ident, $body:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            $body(Deployment::single()).await
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $cluster() {
            $body(Deployment::cluster()).await
        }
    };
}

fn room_key(market: &str) -> String {
    keys::room_key(&Address::parse(market).unwrap())
}

fn node(redis: &Deployment, id: &str) -> TestNode {
    node_with(&redis.url(), id, vec![])
}

/// A node of a deployment on the Redis at `url`, with `markets` and a quick heartbeat.
pub(crate) fn node_with(url: &str, id: &str, markets: Vec<Value>) -> TestNode {
    let (url, id) = (url.to_string(), id.to_string());
    TestNode::start(markets, move |c| {
        c.redis_url = Some(url);
        c.jwt_secret = Some("a shared secret of at least thirty-two bytes".into());
        c.node_id = Some(id);
        c.registry_heartbeat_secs = 1;
        c.registry_node_ttl_secs = 3;
        c.registry_timeout_ms = 500;
    })
}

async fn rest_join(node: &TestNode, wallet: &TestWallet, market: &str) -> (u16, Value) {
    let token = wallet.login(&node.http()).await.unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/api/voice/join", node.http()))
        .bearer_auth(token)
        .json(&json!({"marketAddress": market, "walletAddress": wallet.address()}))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

on_both!(
    other_nodes_send_clients_to_the_owner,
    other_nodes_send_clients_to_the_owner_on_a_cluster,
    send_clients_to_the_owner
);

async fn send_clients_to_the_owner(redis: Deployment) {
    let a = node(&redis, "node-a");
    let b = node(&redis, "node-b");
    let market = random_address();

    let host = TestWallet::new();
    let mut at_b = b.connect(&host).await;
    at_b.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let owner = redis.hget(&room_key(&market), "nodeId").await;
    assert_eq!(owner.as_deref(), Some("node-b"));

    let guest = TestWallet::new();
    let mut at_a = a.connect(&guest).await;
    let err = at_a
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("WRONG_NODE"));
    let pnl_voice_testkit::signal::WireError::Server { error, .. } = err else {
        unreachable!()
    };
    assert_eq!(error["workerUrl"], b.ws());

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, body) = rest_join(&a, &guest, &market).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["workerUrl"],
        b.ws(),
        "any node answers the owner's workerUrl"
    );
    assert_eq!(body["data"]["nodeId"], "node-b");
    let mut moved = b.connect(&guest).await;
    let joined = moved
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    assert_eq!(joined["participants"].as_array().unwrap().len(), 2);
    let event = at_b
        .next_event("voice:user_joined", T)
        .await
        .expect("user_joined at the owner");
    assert_eq!(event["user"]["walletAddress"], guest.address());
    assert_eq!(
        a.server.app.hub.totals().rooms,
        0,
        "the other node holds no router for it"
    );
}

on_both!(
    two_nodes_racing_for_new_rooms_agree_on_one_owner,
    two_nodes_racing_for_new_rooms_agree_on_one_owner_on_a_cluster,
    race_for_new_rooms
);

async fn race_for_new_rooms(redis: Deployment) {
    let a = node(&redis, "node-a");
    let b = node(&redis, "node-b");
    for _ in 0..5 {
        let market = random_address();
        let (x, y) = (TestWallet::new(), TestWallet::new());
        let ((sa, ja), (sb, jb)) =
            tokio::join!(rest_join(&a, &x, &market), rest_join(&b, &y, &market));
        assert_eq!((sa, sb), (200, 200), "{ja} {jb}");
        assert_eq!(ja["data"]["nodeId"], jb["data"]["nodeId"], "one owner");
        let rooms = a.server.app.hub.totals().rooms + b.server.app.hub.totals().rooms;
        assert!(rooms >= 1);
    }
    let total = a.server.app.hub.totals().rooms + b.server.app.hub.totals().rooms;
    assert_eq!(total, 5, "exactly one router per room across the nodes");
}

on_both!(
    a_dead_nodes_rooms_move_on_the_next_join,
    a_dead_nodes_rooms_move_on_the_next_join_on_a_cluster,
    move_a_dead_nodes_rooms
);

async fn move_a_dead_nodes_rooms(redis: Deployment) {
    let a = node(&redis, "node-a");
    let b = node(&redis, "node-b");
    let market = random_address();
    let mut at_b = b.connect(&TestWallet::new()).await;
    at_b.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    drop(at_b);
    drop(b);

    let guest = TestWallet::new();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (status, body) = rest_join(&a, &guest, &market).await;
        if status == 200 && body["data"]["nodeId"] == "node-a" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the room never moved: {status} {body}"
        );
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    let owner = redis.hget(&room_key(&market), "nodeId").await;
    assert_eq!(owner.as_deref(), Some("node-a"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_outage_keeps_rooms_running_and_fails_new_joins_fast() {
    let mut deployment = Deployment::single();
    let a = node(&deployment, "node-a");
    let Deployment::Single(redis) = &mut deployment else {
        unreachable!()
    };
    let market = random_address();
    let mut client = a.connect(&TestWallet::new()).await;
    let caps = client
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap()["rtpCapabilities"]
        .clone();
    let (send, producer) = start_speaking(&mut client, &caps).await;
    let mut listener = a.connect(&TestWallet::new()).await;
    listener
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let (recv, _) = start_listening(&mut listener, &caps, &producer).await;
    send.wait_connected(T).await.unwrap();
    recv.wait_connected(T).await.unwrap();

    redis.kill();
    send.send_frames(20, Duration::from_millis(20), |n| numbered_frame(n, 60))
        .await
        .unwrap();
    recv.wait_received(15, T)
        .await
        .expect("the running room keeps forwarding audio");
    let reply = client.request("voice:producers", json!({})).await.unwrap();
    assert_eq!(reply["producers"], json!([]), "and answers its members");
    let started = Instant::now();
    let (status, body) = rest_join(&a, &TestWallet::new(), &random_address()).await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (503, json!("CAPACITY")),
        "{body}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a clear error, not a hang"
    );

    redis.restart();
    let mut r = redis.client().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let owner: Option<String> = r.hget(room_key(&market), "nodeId").await.unwrap();
        let alive: bool = r.exists(keys::node_key("node-a")).await.unwrap();
        if owner.as_deref() == Some("node-a") && alive {
            break;
        }
        assert!(Instant::now() < deadline, "the node never re-registered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

on_both!(
    moderation_sent_to_another_node_reaches_the_owner,
    moderation_sent_to_another_node_reaches_the_owner_on_a_cluster,
    send_moderation_to_the_owner
);

async fn send_moderation_to_the_owner(redis: Deployment) {
    let founder = TestWallet::new();
    let market = random_address();
    let markets = vec![pnl_voice_testkit::node::market_with_founder(
        &market,
        &founder.address(),
    )];
    let start = |id: &str| {
        let (url, id) = (redis.url(), id.to_string());
        TestNode::start(markets.clone(), move |c| {
            c.redis_url = Some(url);
            c.node_id = Some(id);
            c.jwt_secret = Some("a shared secret of at least thirty-two bytes".into());
        })
    };
    let a = start("node-a");
    let b = start("node-b");

    let mut f = b.connect(&founder).await;
    f.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let guest = TestWallet::new();
    let mut g = b.connect(&guest).await;
    g.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();

    g.request("voice:raise_hand", json!({})).await.unwrap();
    let queue_key = keys::queue_key(&Address::parse(&market).unwrap());
    let deadline = Instant::now() + T;
    loop {
        let queue = redis.lrange(&queue_key).await;
        if queue == vec![guest.address()] {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the queue is mirrored in Redis: {queue:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let kick = |who: &TestWallet| json!({"marketAddress": market, "founderWallet": who.address(), "action": "kick", "targetWallet": guest.address()});
    let post = |token: String, body: Value| {
        let url = format!("{}/api/voice/moderate", a.http());
        async move {
            let r = reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let g_token = guest.login(&a.http()).await.unwrap();
    let (status, body) = post(g_token, kick(&guest)).await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (403, json!("FORBIDDEN"))
    );

    let f_token = founder.login(&a.http()).await.unwrap();
    let (status, body) = post(f_token, kick(&founder)).await;
    assert_eq!(status, 200, "{body}");
    let kicked = g
        .next_event("voice:kicked", T)
        .await
        .expect("the kick reached node B");
    assert!(kicked["reason"].is_string());
    f.next_event("voice:user_left", T)
        .await
        .expect("user_left at the owner");
}

on_both!(
    a_wallet_joining_on_another_node_ends_its_old_session,
    a_wallet_joining_on_another_node_ends_its_old_session_on_a_cluster,
    end_the_old_session
);

async fn end_the_old_session(redis: Deployment) {
    let a = node(&redis, "node-a");
    let b = node(&redis, "node-b");
    let wallet = TestWallet::new();
    let (first, second) = (random_address(), random_address());

    let mut old = a.connect(&wallet).await;
    old.request("voice:join", json!({"marketAddress": first}))
        .await
        .unwrap();
    let user_key = keys::user_key(&Address::parse(&wallet.address()).unwrap());
    let deadline = Instant::now() + T;
    while redis.hget(&user_key, "nodeId").await.is_none() {
        assert!(Instant::now() < deadline, "user session recorded");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // One join per second per wallet, counted on every node.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let mut new = b.connect(&wallet).await;
    new.request("voice:join", json!({"marketAddress": second}))
        .await
        .unwrap();
    let closed = old
        .next_event("voice:room_closed", T)
        .await
        .expect("the old session ends");
    assert_eq!(closed["reason"], "replaced");
    old.wait_closed(T).await.expect("old socket closed");
    let deadline = Instant::now() + T;
    loop {
        let node = redis.hget(&user_key, "nodeId").await;
        if node.as_deref() == Some("node-b") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the session moved to node B: {node:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(a.wait_idle(T).await, Default::default());
}

on_both!(
    a_new_room_goes_to_the_least_loaded_node,
    a_new_room_goes_to_the_least_loaded_node_on_a_cluster,
    place_by_load
);

async fn place_by_load(redis: Deployment) {
    let a = node(&redis, "node-a");
    let _b = node(&redis, "node-b");
    let busy = random_address();
    let mut clients = Vec::new();
    for _ in 0..2 {
        let mut ws = a.connect(&TestWallet::new()).await;
        ws.request("voice:join", json!({"marketAddress": busy}))
            .await
            .unwrap();
        clients.push(ws);
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let (status, body) = rest_join(&a, &TestWallet::new(), &random_address()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["nodeId"], "node-b", "node A is busier");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_node_below_the_cpu_threshold_means_capacity() {
    let redis = Deployment::single();
    let url = redis.url();
    let full = TestNode::start(vec![], move |c| {
        c.redis_url = Some(url);
        c.jwt_secret = Some("a shared secret of at least thirty-two bytes".into());
        c.registry_heartbeat_secs = 1;
        c.registry_node_ttl_secs = 3;
        c.registry_cpu_threshold_percent = 0.0;
    });
    let (status, body) = rest_join(&full, &TestWallet::new(), &random_address()).await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (503, json!("CAPACITY")),
        "{body}"
    );
}
