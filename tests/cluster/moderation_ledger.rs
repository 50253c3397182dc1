//! The moderation ledger in Redis, shared by the nodes: a kicked wallet is
//! still banned when its room moves to another node (the owner stopped,
//! the room is made again elsewhere), a churn ban holds on every node, and
//! the join rate limit counts joins on every node.

use std::time::{Duration, Instant};

use pnl_voice_testkit::flows::T;
use pnl_voice_testkit::node::{market_with_founder, random_address, TestNode};
use pnl_voice_testkit::redis::RedisServer;
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

fn node(redis: &RedisServer, id: &str, markets: Vec<Value>) -> TestNode {
    let (url, id) = (redis.url(), id.to_string());
    TestNode::start(markets, move |c| {
        c.redis_url = Some(url);
        c.jwt_secret = Some("a shared secret of at least thirty-two bytes".into());
        c.node_id = Some(id);
        c.registry_heartbeat_secs = 1;
        c.registry_node_ttl_secs = 3;
        c.registry_timeout_ms = 500;
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kicked_wallet_stays_banned_when_the_room_moves_to_another_node() {
    let redis = RedisServer::start();
    let (founder, guest) = (TestWallet::new(), TestWallet::new());
    let market = random_address();
    let markets = vec![market_with_founder(&market, &founder.address())];
    let a = node(&redis, "node-a", markets.clone());
    let b = node(&redis, "node-b", markets);

    let (mut f, code) = a.try_join(&founder, &market).await;
    assert_eq!(code, None);
    let (mut g, code) = a.try_join(&guest, &market).await;
    assert_eq!(code, None);
    f.request(
        "voice:moderate",
        json!({"action": "kick", "targetWallet": guest.address()}),
    )
    .await
    .unwrap();
    g.wait_closed(T).await.expect("the kicked socket is closed");
    drop(f);
    drop(a);

    // The owner is gone: once its heartbeat expires the room is made again
    // on node B, by the founder's join there.
    let deadline = Instant::now() + Duration::from_secs(15);
    let _founder_again = loop {
        let (ws, code) = b.try_join(&founder, &market).await;
        if code.is_none() {
            break ws;
        }
        assert!(Instant::now() < deadline, "the room never moved: {code:?}");
        tokio::time::sleep(Duration::from_millis(1100)).await;
    };
    let (_, code) = b.try_join(&guest, &market).await;
    assert_eq!(
        code.as_deref(),
        Some("BANNED"),
        "the ban moved with the room"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_join_rate_limit_counts_joins_on_every_node() {
    let redis = RedisServer::start();
    let a = node(&redis, "node-a", vec![]);
    let b = node(&redis, "node-b", vec![]);
    let wallet = TestWallet::new();
    let (first, second) = (random_address(), random_address());
    let mut at_a = a.connect(&wallet).await;
    let mut at_b = b.connect(&wallet).await;
    at_a.request("voice:join", json!({"marketAddress": first}))
        .await
        .unwrap();
    let err = at_b
        .request("voice:join", json!({"marketAddress": second}))
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("RATE_LIMITED"),
        "a second join within 1 s elsewhere"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_churn_ban_holds_on_every_node() {
    let redis = RedisServer::start();
    let a = node(&redis, "node-a", vec![]);
    let b = node(&redis, "node-b", vec![]);
    let wallet = TestWallet::new();
    let market = random_address();
    for n in 0..6 {
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let (ws, code) = a.try_join(&wallet, &market).await;
        assert_eq!(code, None, "join {n}");
        ws.close().await;
        assert_eq!(
            a.wait_idle(T).await,
            Default::default(),
            "room {n} destroyed"
        );
    }
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (_, code) = a.try_join(&wallet, &market).await;
    assert_eq!(
        code.as_deref(),
        Some("BANNED"),
        "the seventh join is a churn ban"
    );
    drop(a);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let (_, code) = b.try_join(&wallet, &market).await;
        match code.as_deref() {
            Some("BANNED") => break,
            Some("WRONG_NODE") | Some("CAPACITY") if Instant::now() < deadline => {}
            other => panic!("the churn ban did not hold on node B: {other:?}"),
        }
    }
}
