//! The orchestrators' probes: `GET /health/live` and `GET /health/ready`
//! on a healthy node with Redis and its store, readiness following a Redis
//! outage and its end, and the SIGTERM sequence of a node process (not
//! ready at once, everything still served during the delay, a second
//! signal ends the delay, a clean exit).

use std::time::{Duration, Instant};

use deadpool_redis::redis::AsyncCommands;
use pnl_voice::registry::keys;
use pnl_voice_testkit::flows::{join_room, T};
use pnl_voice_testkit::node::{random_address, TestNode};
use pnl_voice_testkit::process::NodeProcess;
use pnl_voice_testkit::redis::RedisServer;
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

use super::openapi::conforms;

const SECRET: &str = "a shared secret of at least thirty-two bytes";

/// `GET base/path`: the status and the JSON body, checked against
/// docs/openapi.json.
async fn probe(base: &str, path: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .timeout(T)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    conforms("get", path, status, &body);
    (status, body)
}

/// Polls `GET base/health/ready` until it answers `status` (bounded);
/// returns the body.
async fn ready_turns(base: &str, status: u16) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (now, body) = probe(base, "/health/ready").await;
        if now == status {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "/health/ready never answered {status}: {now} {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn node_with(redis: &RedisServer) -> TestNode {
    named_node(redis, &format!("node-{}", rand::random::<u32>()))
}

/// A node called `id` on `redis`, with a quick heartbeat.
fn named_node(redis: &RedisServer, id: &str) -> TestNode {
    let (url, id) = (redis.url(), id.to_string());
    TestNode::start(vec![], move |c| {
        c.redis_url = Some(url);
        c.jwt_secret = Some(SECRET.into());
        c.node_id = Some(id);
        c.registry_heartbeat_secs = 1;
        c.registry_node_ttl_secs = 3;
    })
}

/// `POST /api/voice/join` of a new wallet: the node the room is on.
async fn node_of_join(node: &TestNode, market: &str) -> Value {
    let wallet = TestWallet::new();
    let token = wallet.login(&node.http()).await.unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/api/voice/join", node.http()))
        .bearer_auth(token)
        .json(&json!({"marketAddress": market, "walletAddress": wallet.address()}))
        .timeout(T)
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["success"], true, "{body}");
    body["data"]["nodeId"].clone()
}

/// Waits (bounded) until the field `field` of what `node_id` last
/// published to the registry satisfies `done`.
async fn wait_published(
    redis: &RedisServer,
    node_id: &str,
    field: &str,
    done: impl Fn(&str) -> bool,
) {
    let mut r = redis.client().await;
    let deadline = Instant::now() + T;
    loop {
        let value: Option<String> = r.hget(keys::node_key(node_id), field).await.unwrap();
        let value = value.unwrap_or_default();
        if done(&value) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{node_id} never published the {field} expected: {value}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits (bounded) until the load `node_id` last published says `draining`.
async fn wait_draining(redis: &RedisServer, node_id: &str) {
    wait_published(redis, node_id, "load", |load| {
        serde_json::from_str::<Value>(load).is_ok_and(|l| l["draining"] == true)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_node_is_live_and_ready() {
    let redis = RedisServer::start();
    let node = node_with(&redis);
    assert_eq!(
        probe(&node.http(), "/health/live").await,
        (200, json!({"status": "live"}))
    );
    let (status, body) = probe(&node.http(), "/health/ready").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({
            "status": "ready",
            "checks": {"workers": "ok", "registry": "ok", "store": "ok", "draining": "ok"},
        })
    );
    let (status, health) = probe(&node.http(), "/health").await;
    assert_eq!((status, &health["status"]), (200, &json!("ok")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_follows_redis_down_and_back() {
    let mut redis = RedisServer::start();
    let node = node_with(&redis);
    ready_turns(&node.http(), 200).await;

    redis.kill();
    let body = ready_turns(&node.http(), 503).await;
    assert_eq!(body["status"], "not_ready");
    let checks = &body["checks"];
    assert_ne!(checks["registry"], "ok", "{body}");
    assert_eq!(
        (&checks["workers"], &checks["store"], &checks["draining"]),
        (&json!("ok"), &json!("ok"), &json!("ok")),
        "only the registry fails: {body}"
    );
    assert_eq!(
        probe(&node.http(), "/health/live").await,
        (200, json!({"status": "live"})),
        "an outage of Redis is no reason to restart the node"
    );

    redis.restart();
    let body = ready_turns(&node.http(), 200).await;
    assert_eq!(body["checks"]["registry"], "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draining_node_sends_new_rooms_to_the_others_and_keeps_its_own() {
    let redis = RedisServer::start();
    let a = named_node(&redis, "drain-a");
    let b = named_node(&redis, "drain-b");
    let running = random_address();
    assert_eq!(
        node_of_join(&a, &running).await,
        "drain-a",
        "idle nodes tie: the asked one takes the room"
    );
    // Node B is busier (two rooms to one): without draining, A would take
    // the next room.
    for _ in 0..2 {
        assert_eq!(node_of_join(&b, &random_address()).await, "drain-b");
    }
    wait_published(&redis, "drain-b", "rooms", |rooms| rooms == "2").await;

    a.server.app.hub.start_draining();
    wait_draining(&redis, "drain-a").await;
    assert_eq!(
        ready_turns(&a.http(), 503).await["checks"]["draining"],
        "shutting down"
    );
    assert_eq!(node_of_join(&a, &running).await, "drain-a");
    assert_eq!(node_of_join(&a, &random_address()).await, "drain-b");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_turns_the_node_unready_while_it_serves_on_until_it_stops() {
    let redis = RedisServer::start();
    let node_id = format!("draining-{}", rand::random::<u32>());
    let data = std::env::temp_dir().join(format!("pnl-voice-drain-{}", rand::random::<u64>()));
    // A delay far longer than the test: only the second signal ends it.
    let mut node = NodeProcess::start_with_shutdown_delay(
        &format!(
            "node_id = {node_id:?}\nredis_url = {:?}\njwt_secret = {SECRET:?}\n\
             data_dir = {:?}\nregistry_heartbeat_secs = 1\nregistry_node_ttl_secs = 3\n\
             [rooms]\ndestroy_after_minutes = 0\n",
            redis.url(),
            data.display().to_string()
        ),
        600,
    )
    .await;
    let base = node.http();
    ready_turns(&base, 200).await;
    let market = random_address();
    let (mut member, _) = node.connect(&TestWallet::new()).await;
    join_room(&mut member, &market).await;

    node.signal(libc::SIGTERM);
    let body = ready_turns(&base, 503).await;
    assert_eq!(
        body,
        json!({
            "status": "not_ready",
            "checks": {
                "workers": "ok", "registry": "ok", "store": "ok",
                "draining": "shutting down",
            },
        })
    );
    assert_eq!(
        probe(&base, "/health/live").await,
        (200, json!({"status": "live"}))
    );

    // The registry hears at once that new rooms should go elsewhere.
    wait_draining(&redis, &node_id).await;

    // Everything is still served: new connections, sign-in, joins of the
    // running room and, with no other node to take it, of a new room.
    let (mut newcomer, _) = node.connect(&TestWallet::new()).await;
    join_room(&mut newcomer, &market).await;
    let (mut founder, _) = node.connect(&TestWallet::new()).await;
    join_room(&mut founder, &random_address()).await;
    let (status, rooms) = probe(&base, "/health").await;
    assert_eq!((status, &rooms["rooms"]), (200, &json!(2)), "{rooms}");
    assert_eq!(ready_turns(&base, 503).await["status"], "not_ready");

    // The second signal ends the delay: the rooms close, the node exits.
    node.signal(libc::SIGTERM);
    let closed = member.next_event("voice:room_closed", T).await;
    assert_eq!(
        closed.expect("the member is told")["reason"],
        "server_shutdown"
    );
    let status = node.wait_exit(Duration::from_secs(60)).await;
    assert!(status.success(), "clean exit: {status}");
    let _ = std::fs::remove_dir_all(data);
}
