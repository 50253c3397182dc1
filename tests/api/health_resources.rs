//! `GET /health?resources=1`: the node's resource counts, read from
//! mediasoup's dumps, follow a call and a reservation and return to zero
//! once everyone has left.

use std::time::Duration;

use pnl_voice_testkit::api::reserve;
use pnl_voice_testkit::flows::{start_call, T};
use pnl_voice_testkit::node::{random_address, TestNode};
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

async fn health(node: &TestNode, query: &str) -> Value {
    reqwest::get(format!("{}/health{query}", node.http()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The `resources` object, once it equals `wanted` (or the last one after `within`).
async fn resources_once(node: &TestNode, wanted: &Value, within: Duration) -> Value {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let counts = health(node, "?resources=1").await["resources"].clone();
        if &counts == wanted || tokio::time::Instant::now() >= deadline {
            return counts;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Resource counts with every field at rest but those in `set`: zero, but
/// for the worker's WebRtcServer, which lives as long as the node (a
/// `TestNode` runs one worker).
fn counts(set: Value) -> Value {
    let mut all = json!({
        "routers": 0, "webrtcServers": 1, "transports": 0, "producers": 0,
        "consumers": 0, "dataProducers": 0, "dataConsumers": 0, "rtpObservers": 0,
        "rooms": 0, "participants": 0, "sessions": 0, "reservations": 0, "sockets": 0,
    });
    for (key, value) in set.as_object().unwrap() {
        all[key] = value.clone();
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resource_counts_follow_a_call_and_return_to_zero() {
    let node = TestNode::start(vec![], |_| {});
    assert!(
        health(&node, "").await.get("resources").is_none(),
        "plain /health stays cheap"
    );
    assert_eq!(
        resources_once(&node, &counts(json!({})), T).await,
        counts(json!({}))
    );

    let market = random_address();
    let mut speaker = node.connect(&TestWallet::new()).await;
    let mut listener = node.connect(&TestWallet::new()).await;
    let call = start_call(&mut speaker, &mut listener, &market).await;
    let guest = TestWallet::new();
    let (status, _) = reserve(&node.http(), &guest, &market).await.unwrap();
    assert_eq!(status, 200);
    let in_call = counts(json!({
        "routers": 1, "transports": 2, "producers": 1, "consumers": 1, "rtpObservers": 2,
        "rooms": 1, "participants": 2, "sessions": 2, "reservations": 1, "sockets": 2,
    }));
    assert_eq!(resources_once(&node, &in_call, T).await, in_call);

    let mut late = node.connect(&guest).await;
    late.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let with_guest = counts(json!({
        "routers": 1, "transports": 2, "producers": 1, "consumers": 1, "rtpObservers": 2,
        "rooms": 1, "participants": 3, "sessions": 3, "sockets": 3,
    }));
    assert_eq!(resources_once(&node, &with_guest, T).await, with_guest);

    call.recv.close().await;
    call.send.close().await;
    for client in [speaker, listener, late] {
        client.close().await;
    }
    assert_eq!(
        resources_once(&node, &counts(json!({})), T).await,
        counts(json!({}))
    );
}
