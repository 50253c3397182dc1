//! The server-to-server API as a market site's backend uses it: an
//! operator makes API keys with `pnl-voice keys`, the backend mints tokens
//! for its signed-in users (a real str0m client joins and hears audio with
//! one), reads rooms and moderates as the founder; keys and tokens that
//! must not work are refused with the contract's codes.

use std::path::PathBuf;
use std::time::Duration;

use pnl_voice::address::Address;
use pnl_voice::auth::{MintOptions, TokenKeys};
use pnl_voice_testkit::api::{refusal, refused, Api};
use pnl_voice_testkit::flows::{start_call, T};
use pnl_voice_testkit::frames::numbered_frame;
use pnl_voice_testkit::node::{market_with_founder, random_address, TestNode};
use pnl_voice_testkit::server_api::{create_key, keys, keys_command, ServerApi};
use pnl_voice_testkit::signal::SignalClient;
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

/// A node whose embedded store is in a folder the CLI is pointed at too.
fn node(markets: Vec<Value>) -> (TestNode, PathBuf) {
    let data_dir = std::env::temp_dir().join(format!("pnl-voice-keys-{}", rand::random::<u64>()));
    let dir = data_dir.clone();
    let node = TestNode::start(markets, move |c| c.data_dir = dir);
    (node, data_dir)
}

/// A socket opened with a token the backend minted.
async fn connect(node: &TestNode, token: &str) -> SignalClient {
    SignalClient::connect(&format!("{}?token={token}", node.ws()))
        .await
        .expect("the minted token opens a socket")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cli_key_mints_tokens_with_which_a_real_client_hears_the_founder() {
    let founder = TestWallet::new();
    let listener = TestWallet::new();
    let market = random_address();
    let (node, data_dir) = node(vec![market_with_founder(&market, &founder.address())]);

    let key = create_key(&data_dir, "market-site", &["tokens:mint"]);
    let (id, secret) = key.split_once('.').expect("printed as <key id>.<secret>");
    let listed = keys(&data_dir, &["list", "--json"]);
    let listed: Value = serde_json::from_str(listed.trim()).unwrap();
    assert_eq!(listed["id"], id);
    assert_eq!(listed["scopes"], json!(["tokens:mint"]));
    assert_eq!(listed["revokedAt"], Value::Null);
    assert!(
        !keys(&data_dir, &["list"]).contains(secret),
        "a list never shows a secret"
    );

    // No wallet signs a challenge: the site vouches for both.
    let site = ServerApi::new(&node.http(), &key);
    let founder_token = site
        .mint(json!({"walletAddress": founder.address(), "marketAddress": market}))
        .await
        .unwrap();
    let (status, minted) = site
        .post(
            "tokens",
            json!({"walletAddress": listener.address(), "ttlSeconds": 600}),
        )
        .await;
    assert_eq!(status, 200, "{minted}");
    let expires =
        chrono::DateTime::parse_from_rfc3339(minted["data"]["expiresAt"].as_str().unwrap())
            .unwrap();
    let ttl = expires
        .signed_duration_since(chrono::Utc::now())
        .num_seconds();
    assert!((590..=600).contains(&ttl), "ttlSeconds is honoured: {ttl}");
    let listener_token = minted["data"]["token"].as_str().unwrap();

    let mut f = connect(&node, &founder_token).await;
    let mut l = connect(&node, listener_token).await;
    let call = start_call(&mut f, &mut l, &market).await;
    call.send
        .send_frames(20, Duration::from_millis(20), |n| numbered_frame(n, 80))
        .await
        .unwrap();
    call.recv.wait_received(20, T).await.unwrap();

    // The same token works on REST.
    let (status, me) = Api::new(node.http())
        .get_with(
            Some(listener_token),
            &format!("history?walletAddress={}", listener.address()),
        )
        .await;
    assert_eq!(status, 200, "{me}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_and_tokens_that_must_not_work_are_refused_with_the_contract_codes() {
    let founder = TestWallet::new();
    let market = random_address();
    let (node, data_dir) = node(vec![market_with_founder(&market, &founder.address())]);
    let mint_key = create_key(&data_dir, "site", &["tokens:mint"]);
    let read_key = create_key(&data_dir, "dashboard", &["rooms:read"]);
    let body = json!({"walletAddress": founder.address(), "marketAddress": market});

    // A key of another scope.
    let (status, reply) = ServerApi::new(&node.http(), &read_key)
        .post("tokens", body.clone())
        .await;
    assert_eq!(refusal((status, reply)), refused(403, "FORBIDDEN"));
    // A key sent from a page: refused whatever it is.
    let from_page = ServerApi::new(&node.http(), &mint_key)
        .call(
            reqwest::Method::POST,
            "tokens",
            Some(&body),
            Some("https://market.example"),
        )
        .await;
    assert_eq!(refusal(from_page), refused(403, "FORBIDDEN"));
    let preflight = reqwest::Client::new()
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/api/server/tokens", node.http()),
        )
        .header("Origin", "https://market.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization")
        .send()
        .await
        .unwrap();
    assert!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .is_none(),
        "no page is ever allowed to call with a key"
    );
    // Not a key, a JWT, a guessed secret, no credential.
    let user_token = founder.login(&node.http()).await.unwrap();
    let (id, _) = mint_key.split_once('.').unwrap();
    for bad in [
        "nonsense".to_string(),
        user_token,
        format!("{id}.{}", "0".repeat(64)),
    ] {
        let reply = ServerApi::new(&node.http(), &bad)
            .post("tokens", body.clone())
            .await;
        assert_eq!(refusal(reply), refused(401, "UNAUTHORIZED"), "{bad}");
    }
    let anonymous = reqwest::Client::new()
        .post(format!("{}/api/server/tokens", node.http()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    // Bodies the site gets wrong.
    let site = ServerApi::new(&node.http(), &mint_key);
    for wrong in [
        json!({"walletAddress": "not-a-wallet"}),
        json!({"walletAddress": founder.address(), "grants": {"coHost": true}}),
        json!({"walletAddress": founder.address(), "ttlSeconds": 10 * 24 * 3600}),
        json!({"walletAddress": founder.address(), "grant": {}}),
    ] {
        let (status, reply) = site.post("tokens", wrong.clone()).await;
        assert!(
            status == 400 && reply["success"] == false,
            "{wrong}: {status} {reply}"
        );
    }
    assert!(site.mint(body.clone()).await.is_ok());

    // Revoked: refused from the next request on.
    keys(&data_dir, &["revoke", id]);
    assert_eq!(
        refusal(site.post("tokens", body.clone()).await),
        refused(401, "UNAUTHORIZED")
    );
    let again = keys_command(&data_dir, &["revoke", id]);
    assert!(
        !again.status.success(),
        "a revoked key cannot be revoked again"
    );
    let listed = keys(&data_dir, &["list", "--json"]);
    assert!(listed
        .lines()
        .any(|l| l.contains(id) && !l.contains("\"revokedAt\":null")));

    // A token signed with another secret (a forger's): no socket, no REST.
    let forged = TokenKeys::new(b"a secret the server does not have", 3600)
        .mint(
            &Address::parse(&founder.address()).unwrap(),
            &MintOptions::default(),
            chrono::Utc::now(),
        )
        .token;
    let socket = SignalClient::connect(&format!("{}?token={forged}", node.ws())).await;
    assert!(matches!(
        socket,
        Err(pnl_voice_testkit::signal::WireError::Http(401))
    ));
    let reply = Api::new(node.http())
        .post(
            Some(&forged),
            "join",
            json!({"marketAddress": market, "walletAddress": founder.address()}),
        )
        .await;
    assert_eq!(refusal(reply), refused(401, "UNAUTHORIZED"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_co_host_grant_moderates_and_a_market_bound_token_stays_in_its_market() {
    let founder = TestWallet::new();
    let co_host = TestWallet::new();
    let guest = TestWallet::new();
    let pest = TestWallet::new();
    let market = random_address();
    let other_market = random_address();
    let (node, data_dir) = node(vec![market_with_founder(&market, &founder.address())]);
    let site = ServerApi::new(
        &node.http(),
        &create_key(&data_dir, "site", &["tokens:mint"]),
    );
    let mint = |wallet: &TestWallet, grants: Value| json!({"walletAddress": wallet.address(), "marketAddress": market, "grants": grants});

    let mut f = node.connect(&founder).await;
    f.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let mut p = node.connect(&pest).await;
    p.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();

    let token = site
        .mint(mint(&co_host, json!({"coHost": true})))
        .await
        .unwrap();
    let mut c = connect(&node, &token).await;
    let joined = c
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    assert_eq!(joined["you"]["isCoHost"], true, "{joined}");
    assert_eq!(joined["you"]["isSpeaker"], true);
    let hosts = f
        .next_event("voice:hosts_changed", T)
        .await
        .expect("the room hears of it");
    assert_eq!(hosts["coHosts"], json!([co_host.address()]));
    c.request(
        "voice:moderate",
        json!({"action": "kick", "targetWallet": pest.address()}),
    )
    .await
    .expect("a co-host kicks a member");
    assert!(p.next_event("voice:kicked", T).await.is_some());
    let refused_on_founder = c
        .request(
            "voice:moderate",
            json!({"action": "kick", "targetWallet": founder.address()}),
        )
        .await
        .unwrap_err();
    assert_eq!(refused_on_founder.code(), Some("FORBIDDEN"));

    // A pre-approved speaker is on stage at once.
    let token = site
        .mint(mint(&guest, json!({"canSpeak": true})))
        .await
        .unwrap();
    let mut g = connect(&node, &token).await;
    let joined = g
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    assert_eq!(joined["you"]["isSpeaker"], true, "{joined}");
    assert_eq!(joined["you"]["isCoHost"], false);

    // Bound to `market`: nowhere else, on the socket or over REST.
    g.request("voice:leave", json!({})).await.unwrap();
    let elsewhere = g
        .request("voice:join", json!({"marketAddress": other_market}))
        .await
        .unwrap_err();
    assert_eq!(elsewhere.code(), Some("FORBIDDEN"));
    let reply = Api::new(node.http())
        .post(
            Some(&token),
            "join",
            json!({"marketAddress": other_market, "walletAddress": guest.address()}),
        )
        .await;
    assert_eq!(refusal(reply), refused(403, "FORBIDDEN"));
    // One join per second per wallet: its last one was just now.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let home = g
        .request("voice:join", json!({"marketAddress": market}))
        .await;
    assert!(home.is_ok(), "{home:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_backend_reads_rooms_and_moderates_as_the_founder() {
    let founder = TestWallet::new();
    let member = TestWallet::new();
    let market = random_address();
    let (node, data_dir) = node(vec![market_with_founder(&market, &founder.address())]);
    let reader = ServerApi::new(
        &node.http(),
        &create_key(&data_dir, "dash", &["rooms:read"]),
    );
    let moderator = ServerApi::new(
        &node.http(),
        &create_key(&data_dir, "mods", &["rooms:moderate", "rooms:read"]),
    );

    let mut f = node.connect(&founder).await;
    f.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let mut m = node.connect(&member).await;
    m.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();

    let (status, rooms) = reader.get("rooms").await;
    assert_eq!(status, 200, "{rooms}");
    assert!(
        rooms["data"]["rooms"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["roomId"] == market),
        "{rooms}"
    );
    let (status, people) = reader.get(&format!("rooms/{market}/participants")).await;
    assert_eq!(status, 200, "{people}");
    assert_eq!(people["data"]["total"], 2);
    let (status, debates) = reader.get(&format!("rooms/{market}/debates?limit=5")).await;
    assert_eq!(
        (status, &debates["data"]["debates"]),
        (200, &json!([])),
        "{debates}"
    );
    let mut stats = (0, Value::Null);
    for _ in 0..50 {
        stats = reader.get(&format!("rooms/{market}/stats")).await;
        if stats.0 == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(stats.0, 200, "the room's record is written: {}", stats.1);

    let kick = json!({"action": "kick", "targetWallet": member.address()});
    let (status, reply) = reader
        .post(&format!("rooms/{market}/moderate"), kick.clone())
        .await;
    assert_eq!(refusal((status, reply)), refused(403, "FORBIDDEN"));
    let (status, reply) = moderator
        .post(&format!("rooms/{market}/moderate"), kick.clone())
        .await;
    assert_eq!(status, 200, "{reply}");
    assert!(m.next_event("voice:kicked", T).await.is_some());
    let (status, reply) = moderator
        .post(
            &format!("rooms/{market}/moderate"),
            json!({"action": "kick", "targetWallet": founder.address()}),
        )
        .await;
    assert!(
        status >= 400 && reply["success"] == false,
        "the founder is never kicked: {reply}"
    );
    let (status, reply) = moderator
        .post(&format!("rooms/{}/moderate", random_address()), kick)
        .await;
    assert_eq!(
        refusal((status, reply)),
        refused(403, "FORBIDDEN"),
        "a market without a founder"
    );
}
