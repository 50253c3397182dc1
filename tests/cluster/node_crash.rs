//! A node that crashes (SIGKILL, no goodbye) with Redis as the registry:
//! its clients rejoin the room on another node within seconds, audio flows
//! there, and no record of the dead node stays in Redis.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use deadpool_redis::redis::AsyncCommands;
use pnl_voice::address::Address;
use pnl_voice::registry::keys as names;
use pnl_voice_testkit::api::Api;
use pnl_voice_testkit::flows::{start_call, T};
use pnl_voice_testkit::frames::numbered_frame;
use pnl_voice_testkit::node::random_address;
use pnl_voice_testkit::process::NodeProcess;
use pnl_voice_testkit::redis::RedisServer;
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::json;

/// A node process of the deployment sharing `redis`.
async fn node(redis: &RedisServer, id: &str) -> NodeProcess {
    NodeProcess::start(&format!(
        "redis_url = \"{}\"\nnode_id = \"{id}\"\n\
         jwt_secret = \"a shared secret of at least thirty-two bytes\"\n\
         registry_heartbeat_secs = 1\nregistry_node_ttl_secs = 3\n\
         [rooms]\ndestroy_after_minutes = 0\n",
        redis.url()
    ))
    .await
}

/// Every key in Redis.
async fn keys(redis: &RedisServer) -> BTreeSet<String> {
    let mut r = redis.client().await;
    r.keys::<_, Vec<String>>("*")
        .await
        .unwrap()
        .into_iter()
        .collect()
}

/// Keys that name rooms, queues, users or a node's belongings.
fn session_keys(keys: &BTreeSet<String>) -> Vec<&String> {
    keys.iter()
        .filter(|k| {
            ["room:", "queue:", "user:", "node-rooms:", "node-users:"]
                .iter()
                .any(|p| k.starts_with(p))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_nodes_clients_rejoin_elsewhere_and_its_records_go() {
    let redis = RedisServer::start();
    let mut a = node(&redis, "node-a").await;
    let b = node(&redis, "node-b").await;
    let market = random_address();
    let (speaker, listener) = (TestWallet::new(), TestWallet::new());

    // The room is created at node-a by joining there.
    let speaker_token = speaker.login(&b.http()).await.unwrap();
    let (mut speaker_ws, _) = a.connect(&speaker).await;
    let (mut listener_ws, _) = a.connect(&listener).await;
    let call = start_call(&mut speaker_ws, &mut listener_ws, &market).await;
    let before = keys(&redis).await;
    let room_key = names::room_key(&Address::parse(&market).unwrap());
    assert!(before.contains(&room_key), "{before:?}");
    assert!(before.contains(&names::user_key(
        &Address::parse(&listener.address()).unwrap()
    )));

    let status = a
        .signal_and_wait(libc::SIGKILL, Duration::from_secs(10))
        .await;
    assert!(!status.success());
    speaker_ws.wait_closed(T).await.ok();
    call.send.close().await;
    call.recv.close().await;

    // The speaker comes back through node-b: refused with WRONG_NODE while
    // node-a's heartbeat lives, then placed on node-b.
    let crashed = Instant::now();
    let deadline = crashed + Duration::from_secs(20);
    let placed = loop {
        let join = json!({"marketAddress": market, "walletAddress": speaker.address()});
        let (status, body) = Api::new(b.http())
            .post(Some(&speaker_token), "join", join)
            .await;
        if status == 200 && body["data"]["nodeId"] == "node-b" {
            break body;
        }
        assert!(Instant::now() < deadline, "never placed: {status} {body}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let rejoin = crashed.elapsed();
    assert_eq!(placed["data"]["workerUrl"], b.ws());
    let (mut speaker_ws, _) = b.connect(&speaker).await;
    let (mut listener_ws, _) = b.connect(&listener).await;
    let call = start_call(&mut speaker_ws, &mut listener_ws, &market).await;
    call.send
        .send_frames(20, Duration::from_millis(20), |n| numbered_frame(n, 60))
        .await
        .unwrap();
    call.recv
        .wait_received(15, T)
        .await
        .expect("audio flows in the room on node-b");
    eprintln!("rejoined on node-b {rejoin:?} after the crash");

    // node-b's heartbeat removed what node-a left behind.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let now = keys(&redis).await;
        let mut r = redis.client().await;
        let nodes: BTreeSet<String> = r.smembers(names::NODES).await.unwrap();
        let stale = now.iter().any(|k| k.contains("{node-a}")) || nodes.contains("node-a");
        let owner: Option<String> = r.hget(&room_key, "nodeId").await.unwrap();
        if !stale && owner.as_deref() == Some("node-b") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "node-a's records stayed: {now:?} {nodes:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Everyone leaves: the room is destroyed and no session record stays.
    speaker_ws.close().await;
    listener_ws.close().await;
    call.send.close().await;
    call.recv.close().await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let now = keys(&redis).await;
        if session_keys(&now).is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "records stayed: {:?}",
            session_keys(&now)
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
