//! `GET /api/voice/preview` and `GET /api/embed/config` through the real
//! server: a room before joining it (title, live, counts, host, start),
//! refusals in the envelope, short caching, and the same answer from every
//! node of a cluster sharing Redis.

use std::time::Duration;

use pnl_voice_testkit::flows::T;
use pnl_voice_testkit::node::{random_address, TestNode};
use pnl_voice_testkit::redis::RedisServer;
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

const TITLE: &str = "Will SOL close above $200 on June 30?";

/// A markets file entry with a title and a founder.
fn titled_market(market: &str, founder: &TestWallet) -> Value {
    json!({ "marketAddress": market, "title": TITLE, "founderWallet": founder.address() })
}

/// `(status, Cache-Control, body)` of `GET /api/voice/preview` with `query`.
async fn preview_raw(base: &str, query: &[(&str, &str)]) -> (u16, Option<String>, Value) {
    let response = reqwest::Client::new()
        .get(format!("{base}/api/voice/preview"))
        .query(query)
        .timeout(T)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let cache = response
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (status, cache, response.json().await.unwrap())
}

/// The `data` of a successful preview of `market`.
async fn preview(base: &str, market: &str) -> Value {
    let (status, cache, body) = preview_raw(base, &[("marketAddress", market)]).await;
    assert_eq!((status, &body["success"]), (200, &json!(true)), "{body}");
    assert_eq!(cache.as_deref(), Some("public, max-age=5"));
    body["data"].clone()
}

/// Polls the preview of `market` at `base` until `done` holds (bounded).
async fn preview_until(base: &str, market: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + T;
    loop {
        let data = preview(base, market).await;
        if done(&data) || tokio::time::Instant::now() >= deadline {
            return data;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn not_live(market: &str, title: Value, host: Value) -> Value {
    json!({
        "marketAddress": market, "title": title, "live": false, "speakers": 0,
        "listeners": 0, "host": host, "startedAt": null,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preview_tells_who_is_in_the_room() {
    let founder = TestWallet::new();
    let listener = TestWallet::new();
    let market = random_address();
    let node = TestNode::start(vec![titled_market(&market, &founder)], |_| {});
    let base = node.http();

    let unknown = random_address();
    assert_eq!(
        preview(&base, &unknown).await,
        not_live(&unknown, Value::Null, Value::Null),
        "a market nobody knows"
    );
    let host = json!({ "walletAddress": founder.address() });
    assert_eq!(
        preview(&base, &market).await,
        not_live(&market, json!(TITLE), host.clone()),
        "a known market before anyone joins"
    );

    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    let mut f = node.connect(&founder).await;
    f.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let mut l = node.connect(&listener).await;
    l.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let live = preview(&base, &market).await;
    assert_eq!(live["live"], true, "{live}");
    assert_eq!(
        (&live["speakers"], &live["listeners"]),
        (&json!(1), &json!(1))
    );
    assert_eq!((&live["title"], &live["host"]), (&json!(TITLE), &host));
    let started: chrono::DateTime<chrono::Utc> = live["startedAt"]
        .as_str()
        .expect("startedAt while live")
        .parse()
        .unwrap();
    assert!(
        started >= before && started <= chrono::Utc::now(),
        "{started}"
    );

    l.close().await;
    let after = preview_until(&base, &market, |d| d["listeners"] == 0).await;
    assert_eq!(
        (&after["speakers"], &after["listeners"]),
        (&json!(1), &json!(0))
    );
    f.close().await;
    let closed = preview_until(&base, &market, |d| d["live"] == false).await;
    assert_eq!(closed, not_live(&market, json!(TITLE), host));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_or_missing_address_is_refused() {
    let node = TestNode::start(vec![], |_| {});
    for query in [&[("marketAddress", "not-a-key")][..], &[][..]] {
        let (status, cache, body) = preview_raw(&node.http(), query).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["success"], false);
        assert_eq!(body["error"]["code"], "INVALID_ADDRESS");
        assert!(body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
        assert_eq!(cache, None, "refusals are not cached");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embed_config_lists_the_allowed_origins() {
    let origins = ["https://markets.example", "http://localhost:5173"];
    let node = TestNode::start(vec![], |c| {
        c.allowed_origins = origins.iter().map(|o| o.to_string()).collect();
    });
    let response = reqwest::get(format!("{}/api/embed/config", node.http()))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"success": true, "data": {"allowedOrigins": origins}})
    );

    let bare = TestNode::start(vec![], |_| {});
    let body: Value = reqwest::get(format!("{}/api/embed/config", bare.http()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["data"]["allowedOrigins"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_node_of_a_cluster_answers_like_the_owner() {
    let redis = RedisServer::start();
    let founder = TestWallet::new();
    let listener = TestWallet::new();
    let market = random_address();
    let markets = vec![titled_market(&market, &founder)];
    let start = |id: &str| {
        let (url, id) = (redis.url(), id.to_string());
        TestNode::start(markets.clone(), move |c| {
            c.redis_url = Some(url);
            c.node_id = Some(id);
            c.jwt_secret = Some("a shared secret of at least thirty-two bytes".into());
            c.registry_timeout_ms = 500;
        })
    };
    let a = start("node-a");
    let b = start("node-b");

    let mut f = b.connect(&founder).await;
    f.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let mut l = b.connect(&listener).await;
    l.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    assert_eq!(a.server.app.hub.totals().rooms, 0, "node-a runs no room");

    let at_owner = preview(&b.http(), &market).await;
    assert_eq!(
        (&at_owner["live"], &at_owner["listeners"]),
        (&json!(true), &json!(1))
    );
    assert_eq!(preview(&a.http(), &market).await, at_owner);

    l.close().await;
    f.close().await;
    let gone = preview_until(&a.http(), &market, |d| d["live"] == false).await;
    assert_eq!(gone, preview(&b.http(), &market).await);
    assert_eq!(gone["live"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_sites_may_load_embed_js() {
    let dir = std::env::temp_dir().join(format!("pnl-voice-static-{}", rand::random::<u64>()));
    std::fs::create_dir_all(dir.join("dist")).unwrap();
    std::fs::write(dir.join("dist/embed.js"), "window.PNLVoice = {};\n").unwrap();
    let static_dir = dir.clone();
    let node = TestNode::start(vec![], move |c| c.static_dir = static_dir);
    let response = reqwest::Client::new()
        .get(format!("{}/dist/embed.js", node.http()))
        .header("origin", "https://markets.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    assert!(
        header("content-type").is_some_and(|t| t.contains("javascript")),
        "a script's type, which `nosniff` requires: {:?}",
        header("content-type")
    );
    assert_eq!(
        header("cross-origin-resource-policy").as_deref(),
        Some("cross-origin"),
        "loadable by pages isolated with require-corp"
    );
    let _ = std::fs::remove_dir_all(dir);
}
