//! Any node answers any REST call as the room's owner would: two nodes on
//! one real Redis, a room owned by node A with its members on sockets
//! there, and every REST call sent to A and to B expecting the same status
//! and body, refusals included; and an owner that does not answer.

use std::time::{Duration, Instant};

use pnl_voice::address::Address;
use pnl_voice::registry::{NodeLoad, RedisConnection, RedisRegistry, Registry, RoomOwner};
use pnl_voice_testkit::api::Api;
use pnl_voice_testkit::flows::T;
use pnl_voice_testkit::node::{market_with_founder, random_address, TestNode};
use pnl_voice_testkit::redis::RedisServer;
use pnl_voice_testkit::signal::SignalClient;
use pnl_voice_testkit::wallet::TestWallet;
use reqwest::Method;
use serde_json::{json, Value};

use crate::registry_redis::node_with;

/// One REST call: method, token, path under `/api/voice/`, body.
struct Call {
    method: Method,
    token: Option<String>,
    path: String,
    body: Option<Value>,
}

fn get(path: String) -> Call {
    Call {
        method: Method::GET,
        token: None,
        path,
        body: None,
    }
}

fn post(token: Option<&str>, path: &str, body: Value) -> Call {
    Call {
        method: Method::POST,
        token: token.map(str::to_owned),
        path: path.into(),
        body: Some(body),
    }
}

/// The owner (A) and another node (B).
struct Pair {
    owner: Api,
    other: Api,
}

impl Pair {
    async fn send(api: &Api, call: Call) -> (u16, Value) {
        api.call(call.method, call.token.as_deref(), &call.path, call.body)
            .await
    }

    /// `call` on A and on B: the same status and body; returns it.
    async fn same(&self, call: impl Fn() -> Call) -> (u16, Value) {
        let path = call().path;
        let on_owner = Self::send(&self.owner, call()).await;
        let on_other = Self::send(&self.other, call()).await;
        assert_eq!(on_owner, on_other, "{path}: owner, other node");
        on_owner
    }

    /// `on_owner` on A and `on_other` on B, two calls that change the room
    /// alike (for different wallets, or one after the other): the same
    /// status and body once `normalise` has removed what legitimately
    /// differs per call; returns the owner's answer.
    async fn alike(
        &self,
        on_owner: Call,
        on_other: Call,
        normalise: impl Fn(&mut Value),
    ) -> (u16, Value) {
        let path = on_owner.path.clone();
        let (mut a, mut b) = (
            Self::send(&self.owner, on_owner).await,
            Self::send(&self.other, on_other).await,
        );
        let answer = a.clone();
        normalise(&mut a.1);
        normalise(&mut b.1);
        assert_eq!(a, b, "{path}: owner, other node");
        answer
    }
}

/// Nothing differs per call.
fn as_is(_: &mut Value) {}

/// A report's id is new for every report (the owner checks it is a UUID).
fn report_id(body: &mut Value) {
    let id = body["data"]["reportId"].take();
    assert!(
        id.as_str()
            .is_some_and(|id| uuid::Uuid::parse_str(id).is_ok()),
        "{id}"
    );
}

/// A join's `you` is the caller (a different wallet on each node, since a
/// wallet holds one reservation): its identity and time.
fn you(body: &mut Value) {
    let you = &mut body["data"]["you"];
    for field in ["walletAddress", "displayName", "joinedAt"] {
        you[field].take();
    }
}

/// `wallet` on a socket to `node`, in `market`'s room.
async fn member(node: &TestNode, wallet: &TestWallet, market: &str) -> SignalClient {
    let mut socket = node.connect(wallet).await;
    socket
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    socket
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rest_call_answers_the_same_on_the_owner_and_another_node() {
    let redis = RedisServer::start();
    let founder = TestWallet::new();
    let market = random_address();
    let markets = vec![market_with_founder(&market, &founder.address())];
    let a = node_with(&redis.url(), "node-a", markets.clone());
    let b = node_with(&redis.url(), "node-b", markets);
    let nodes = Pair {
        owner: Api::new(a.http()),
        other: Api::new(b.http()),
    };

    let _f = member(&a, &founder, &market).await;
    let wallets: Vec<TestWallet> = (0..6).map(|_| TestWallet::new()).collect();
    let mut sockets = Vec::new();
    for wallet in &wallets {
        sockets.push(member(&a, wallet, &market).await);
    }
    assert_eq!(a.server.app.hub.totals().rooms, 1, "the room runs on A");
    // A room of B's, so that the directory spans both nodes.
    let elsewhere = random_address();
    let _on_b = member(&b, &TestWallet::new(), &elsewhere).await;
    assert_eq!(b.server.app.hub.totals().rooms, 1, "the other room on B");

    let f_token = founder.login(&a.http()).await.unwrap();
    let mut tokens = Vec::new();
    for wallet in &wallets {
        tokens.push(wallet.login(&a.http()).await.unwrap());
    }
    let (f, ft) = (founder.address(), Some(f_token.as_str()));
    let w = |i: usize| wallets[i].address();
    let t = |i: usize| Some(tokens[i].as_str());
    let outsider = TestWallet::new();
    let o_token = outsider.login(&b.http()).await.unwrap();
    let (o, ot) = (outsider.address(), Some(o_token.as_str()));
    let market = market.as_str();

    // No credential: 401 on the receiving node, nothing forwarded.
    let mute = |wallet: &str, muted: bool| json!({"marketAddress": market, "walletAddress": wallet, "muted": muted});
    let (status, _) = nodes.same(|| post(None, "mute", mute(&f, true))).await;
    assert_eq!(status, 401);

    // Reads.
    let (status, body) = nodes
        .same(|| get(format!("participants?marketAddress={market}")))
        .await;
    assert_eq!((status, body["data"]["total"].clone()), (200, json!(7)));
    let (_, body) = nodes
        .same(|| get(format!("participants?marketAddress={}", random_address())))
        .await;
    assert_eq!(body["data"]["total"], 0, "no room anywhere");

    // Mute: the founder's own, both ways; a listener's unmute and an
    // outsider's are refused alike.
    for muted in [true, false] {
        let (status, body) = nodes.same(|| post(ft, "mute", mute(&f, muted))).await;
        assert_eq!((status, body["data"]["muted"].clone()), (200, json!(muted)));
    }
    let (status, _) = nodes.same(|| post(t(0), "mute", mute(&w(0), false))).await;
    assert_eq!(status, 403);
    let (status, _) = nodes.same(|| post(ot, "mute", mute(&o, true))).await;
    assert_eq!(status, 404);

    // Moderation: the founder's grants and kicks take effect through
    // either node; a kick of a wallet not in the room, a non-founder's
    // action and a bad body are refused alike.
    let moderate = |founder: &str, action: &str, target: Option<&str>| {
        let mut body = json!({"marketAddress": market, "founderWallet": founder, "action": action});
        if let Some(target) = target {
            body["targetWallet"] = json!(target);
        }
        body
    };
    let grant = |i: usize| post(ft, "moderate", moderate(&f, "grant_speaker", Some(&w(i))));
    let (status, _) = nodes.alike(grant(0), grant(1), as_is).await;
    assert_eq!(status, 200);
    let kick = |i: usize| post(ft, "moderate", moderate(&f, "kick", Some(&w(i))));
    let (status, _) = nodes.alike(kick(2), kick(3), as_is).await;
    assert_eq!(status, 200);
    for kicked in &mut sockets[2..4] {
        kicked
            .next_event("voice:kicked", T)
            .await
            .expect("the kick reached the room");
    }
    let (status, body) = nodes
        .same(|| post(ft, "moderate", moderate(&f, "kick", Some(&o))))
        .await;
    assert_eq!((status, body["success"].clone()), (404, json!(false)));
    let (status, _) = nodes
        .same(|| post(t(4), "moderate", moderate(&w(4), "mute_all", None)))
        .await;
    assert_eq!(status, 403);
    let (status, _) = nodes
        .same(|| post(ft, "moderate", moderate(&f, "kick", None)))
        .await;
    assert_eq!(status, 400);
    let (status, _) = nodes
        .same(|| post(ft, "moderate", moderate(&f, "mute_all", None)))
        .await;
    assert_eq!(status, 200);
    // Invitations to speak: one through each node, then a second to the
    // same listener refused alike.
    let invite = |i: usize| post(ft, "moderate", moderate(&f, "invite_speaker", Some(&w(i))));
    let (status, _) = nodes.alike(invite(4), invite(5), as_is).await;
    assert_eq!(status, 200);
    let (status, body) = nodes.same(|| invite(4)).await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (409, json!("CONFLICT"))
    );

    // Settings: the founder's change, a non-founder's and a value out of
    // range.
    let settings = |founder: &str, max: u32| json!({"marketAddress": market, "founderWallet": founder, "settings": {"maxParticipants": max}});
    let (status, body) = nodes.same(|| post(ft, "settings", settings(&f, 40))).await;
    assert_eq!(
        (status, body["data"]["settings"]["maxParticipants"].clone()),
        (200, json!(40))
    );
    let (status, _) = nodes
        .same(|| post(t(4), "settings", settings(&w(4), 40)))
        .await;
    assert_eq!(status, 403);
    let (status, _) = nodes.same(|| post(ft, "settings", settings(&f, 0))).await;
    assert_eq!(status, 400);

    // Reports: a participant's (filed by the owner), an outsider's refused.
    let report = json!({"marketAddress": market, "targetWallet": f, "reason": "shouting"});
    let (status, _) = nodes
        .alike(
            post(t(4), "report", report.clone()),
            post(t(5), "report", report.clone()),
            report_id,
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = nodes.same(|| post(ot, "report", report.clone())).await;
    assert_eq!(status, 404);

    // Leaving from any session, and a wallet that is not in the room.
    let wallet_in = |wallet: &str| json!({"marketAddress": market, "walletAddress": wallet});
    let (status, _) = nodes
        .alike(
            post(t(4), "leave", wallet_in(&w(4))),
            post(t(5), "leave", wallet_in(&w(5))),
            as_is,
        )
        .await;
    assert_eq!(status, 200);
    for left in &mut sockets[4..6] {
        let closed = left.next_event("voice:room_closed", T).await.unwrap();
        assert_eq!(closed["reason"], "left");
    }
    let (status, _) = nodes.same(|| post(ot, "leave", wallet_in(&o))).await;
    assert_eq!(status, 404);

    // Joining: the owner's join data through either node.
    let (x, y) = (TestWallet::new(), TestWallet::new());
    let x_token = x.login(&a.http()).await.unwrap();
    let y_token = y.login(&b.http()).await.unwrap();
    let (status, body) = nodes
        .alike(
            post(Some(&x_token), "join", wallet_in(&x.address())),
            post(Some(&y_token), "join", wallet_in(&y.address())),
            you,
        )
        .await;
    assert_eq!(
        (status, body["data"]["nodeId"].clone()),
        (200, json!("node-a"))
    );

    // What the calls above did, as seen from both nodes.
    let (_, body) = nodes
        .same(|| get(format!("participants?marketAddress={market}")))
        .await;
    let speakers: Vec<&Value> = body["data"]["participants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["isSpeaker"] == true)
        .map(|p| &p["walletAddress"])
        .collect();
    assert_eq!(speakers, [&json!(f), &json!(w(0)), &json!(w(1))]);
    let (status, body) = nodes
        .same(|| get(format!("preview?marketAddress={market}")))
        .await;
    assert_eq!(
        (
            status,
            body["data"]["live"].clone(),
            body["data"]["speakers"].clone()
        ),
        (200, json!(true), json!(3))
    );
    assert!(
        a.server.app.hub.recorder().flush(T).await,
        "the owner's records are written"
    );
    let (status, _) = nodes
        .same(|| get(format!("stats?marketAddress={market}")))
        .await;
    assert_eq!(status, 200);
    let (status, _) = nodes
        .same(|| get(format!("stats?marketAddress={}", random_address())))
        .await;
    assert_eq!(status, 404);

    // The directory: each node's rooms as they are on their owner, and as
    // the owners' heartbeats (every second) wrote them for the other node.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let on_owner = nodes.owner.get("rooms").await;
        let on_other = nodes.other.get("rooms").await;
        let rooms = on_owner.1["data"]["rooms"].as_array().map_or(0, Vec::len);
        if on_owner == on_other && rooms == 2 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "rooms: owner {on_owner:?}, other node {on_other:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_for_a_room_whose_node_does_not_answer_is_capacity() {
    let redis = RedisServer::start();
    let b = node_with(&redis.url(), "node-b", vec![]);
    // A live node in the registry (its heartbeat holds for a minute) whose
    // HTTP port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let silent = RoomOwner {
        node_id: "node-silent".into(),
        worker_id: "worker".into(),
        ws_url: format!("ws://127.0.0.1:{port}/ws"),
        http_url: format!("http://127.0.0.1:{port}"),
    };
    let registry =
        RedisRegistry::new(RedisConnection::open(&redis.url(), Duration::from_secs(1)).unwrap());
    let load = NodeLoad {
        node_id: silent.node_id.clone(),
        ws_url: silent.ws_url.clone(),
        http_url: silent.http_url.clone(),
        rooms: 1,
        users: 0,
        cpu: 0.0,
        workers: vec![],
        draining: false,
    };
    registry.heartbeat(&load, 60).await.unwrap();
    let market = random_address();
    let owner = registry
        .claim_room(&Address::parse(&market).unwrap(), &silent, None)
        .await
        .unwrap();
    assert_eq!(owner, silent);

    let (status, body) = Api::new(b.http())
        .get(&format!("participants?marketAddress={market}"))
        .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (503, json!("CAPACITY")),
        "{body}"
    );
}
