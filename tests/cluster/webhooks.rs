//! Webhooks as a site's backend receives them, on a loopback receiver:
//! signed events for a real call (one member leaves, the host ends the
//! room with itself inside); a receiver outage during which the
//! sending node restarts loses no event and repeats none; two nodes on one
//! Redis (and one MongoDB store) send each event once, and a key made on
//! that store works through either node.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use pnl_voice::server_api::{verify, SIGNATURE_TOLERANCE_SECS};
use pnl_voice_testkit::flows::{start_call, T};
use pnl_voice_testkit::frames::numbered_frame;
use pnl_voice_testkit::mongo::MongoServer;
use pnl_voice_testkit::node::{market_with_founder, random_address, TestNode};
use pnl_voice_testkit::process::NodeProcess;
use pnl_voice_testkit::redis::RedisServer;
use pnl_voice_testkit::server_api::{create_mongo_key, ServerApi};
use pnl_voice_testkit::signal::SignalClient;
use pnl_voice_testkit::wallet::TestWallet;
use pnl_voice_testkit::webhooks::{Delivered, WebhookReceiver};
use serde_json::{json, Value};

const SECRET: &str = "whsec_a-secret-for-the-tests";
/// Long enough for every delivery of a test to arrive.
const ARRIVAL: Duration = Duration::from_secs(30);

/// The events received, each checked: a valid signature from now, a
/// body with an id, a type, a time and the market.
fn checked(received: &[Delivered]) -> Vec<Value> {
    let now = chrono::Utc::now().timestamp();
    received
        .iter()
        .map(|d| {
            let header = d.signature.as_deref().expect("every delivery is signed");
            verify(
                SECRET.as_bytes(),
                header,
                d.body.as_bytes(),
                now,
                SIGNATURE_TOLERANCE_SECS,
            )
            .unwrap_or_else(|e| panic!("{e}: {header} for {}", d.body));
            let event = d.event();
            assert!(event["id"].as_str().unwrap().starts_with("evt_"), "{event}");
            assert!(event["createdAt"].is_string() && event["marketAddress"].is_string());
            event
        })
        .collect()
}

/// Event type -> how many, per market.
fn tally(events: &[Value]) -> BTreeMap<(String, String), usize> {
    let mut tally = BTreeMap::new();
    for e in events {
        let key = (
            e["marketAddress"].as_str().unwrap().to_string(),
            e["type"].as_str().unwrap().to_string(),
        );
        *tally.entry(key).or_default() += 1;
    }
    tally
}

/// The four events of a room one wallet opened, joined, left and closed.
fn one_visit(market: &str) -> [((String, String), usize); 4] {
    [
        "room_started",
        "participant_joined",
        "participant_left",
        "room_ended",
    ]
    .map(|t| ((market.to_string(), t.to_string()), 1))
}

fn ids(events: &[Value]) -> BTreeSet<String> {
    events
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_call_sends_signed_events_for_its_room_and_members() {
    let receiver = WebhookReceiver::start();
    let (founder, listener) = (TestWallet::new(), TestWallet::new());
    let market = random_address();
    let url = receiver.url();
    let node = TestNode::start(
        vec![market_with_founder(&market, &founder.address())],
        |c| {
            c.webhooks.urls = vec![url];
            c.webhooks.secret = Some(SECRET.into());
        },
    );
    let mut f = node.connect(&founder).await;
    let mut l = node.connect(&listener).await;
    let call = start_call(&mut f, &mut l, &market).await;
    call.send
        .send_frames(10, Duration::from_millis(20), |n| numbered_frame(n, 80))
        .await
        .unwrap();
    call.recv.wait_received(10, T).await.unwrap();
    // The listener leaves; the founder ends the room with itself inside.
    l.request("voice:leave", json!({})).await.unwrap();
    f.request("voice:moderate", json!({"action": "end_room"}))
        .await
        .unwrap();

    let received = receiver.wait_for(ARRIVAL, |r| r.len() >= 6).await;
    let events = checked(&received);
    let by_type = |t: &str| events.iter().filter(|e| e["type"] == t).collect::<Vec<_>>();
    assert_eq!(events.len(), 6, "{events:#?}");
    assert_eq!(by_type("room_started").len(), 1);
    assert_eq!(by_type("room_ended").len(), 1);
    assert_eq!(by_type("room_ended")[0]["data"]["reason"], "ended");
    for t in ["participant_joined", "participant_left"] {
        let wallets: BTreeSet<_> = by_type(t)
            .iter()
            .map(|e| e["data"]["walletAddress"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            wallets,
            BTreeSet::from([founder.address(), listener.address()]),
            "{t}"
        );
    }
    assert!(events.iter().all(|e| e["marketAddress"] == market));
    assert_eq!(ids(&events).len(), 6, "ids are unique");
}

/// A founder of `market` joins and leaves through `node`.
async fn visit(node: &NodeProcess, founder: &TestWallet, market: &str) {
    let (mut ws, _) = node.connect(founder).await;
    ws.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    ws.request("voice:leave", json!({})).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_outage_and_a_restart_of_the_sending_node_lose_nothing_and_repeat_nothing() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut receiver = WebhookReceiver::stopped(port);
    let founder = TestWallet::new();
    let (first, second) = (random_address(), random_address());
    let data_dir = std::env::temp_dir().join(format!("pnl-voice-hooks-{}", rand::random::<u64>()));
    let mut node = NodeProcess::start(&format!(
        "data_dir = {:?}\n[rooms]\ndestroy_after_minutes = 0\n\
         [webhooks]\nurls = [{:?}]\nsecret = {SECRET:?}\nretry_first_ms = 100\nretry_max_secs = 1\n",
        data_dir.display().to_string(),
        receiver.url()
    ))
    .await;

    // The receiver is down: the first room's events wait in the outbox,
    // tried again and again.
    visit(&node, &founder, &first).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(receiver.received().is_empty());
    // The sending node restarts meanwhile, and a second room goes by.
    let status = node
        .signal_and_wait(libc::SIGTERM, Duration::from_secs(30))
        .await;
    assert!(status.success(), "{status:?}");
    node.restart().await;
    visit(&node, &founder, &second).await;
    tokio::time::sleep(Duration::from_secs(1)).await;

    receiver.listen();
    let received = receiver.wait_for(ARRIVAL, |r| r.len() >= 8).await;
    // A straggler repeated after the receiver's 200 would come now.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let received = if receiver.received().len() > received.len() {
        receiver.received()
    } else {
        received
    };
    let events = checked(&received);
    let expected: BTreeMap<_, _> = one_visit(&first)
        .into_iter()
        .chain(one_visit(&second))
        .collect();
    assert_eq!(tally(&events), expected, "every event once: {events:#?}");
    assert_eq!(ids(&events).len(), events.len(), "no id twice");
}

/// `wallet` joins `market` on whichever of `nodes` runs it (the other
/// answers `WRONG_NODE`); the socket and that node's index.
async fn join_anywhere(
    nodes: &[TestNode; 2],
    wallet: &TestWallet,
    market: &str,
) -> (SignalClient, usize) {
    for (i, node) in nodes.iter().enumerate() {
        let (ws, code) = node.try_join(wallet, market).await;
        match code.as_deref() {
            None => return (ws, i),
            Some("WRONG_NODE") => {}
            Some(other) => panic!("joining {market}: {other}"),
        }
    }
    panic!("no node runs {market}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_one_redis_send_each_event_once() {
    const ROOMS: usize = 6;
    let redis = RedisServer::start();
    let mongo = MongoServer::start();
    let store = mongo.fresh_uri();
    let receiver = WebhookReceiver::start();
    // A founder per room: one wallet joins at most once a second.
    let founders: Vec<TestWallet> = (0..ROOMS).map(|_| TestWallet::new()).collect();
    let markets: Vec<String> = (0..ROOMS).map(|_| random_address()).collect();
    let listed: Vec<Value> = markets
        .iter()
        .zip(&founders)
        .map(|(m, f)| market_with_founder(m, &f.address()))
        .collect();
    let node = |id: &str| {
        let (redis_url, store, url, id, listed) = (
            redis.url(),
            store.clone(),
            receiver.url(),
            id.to_string(),
            listed.clone(),
        );
        TestNode::start(listed, move |c| {
            c.redis_url = Some(redis_url);
            c.mongodb_uri = Some(store);
            c.jwt_secret = Some("a shared secret of at least thirty-two bytes".into());
            c.node_id = Some(id);
            c.registry_heartbeat_secs = 1;
            c.registry_node_ttl_secs = 3;
            c.webhooks.urls = vec![url];
            c.webhooks.secret = Some(SECRET.into());
        })
    };
    let nodes = [node("node-a"), node("node-b")];

    for (founder, market) in founders.iter().zip(&markets) {
        let (mut ws, _) = join_anywhere(&nodes, founder, market).await;
        ws.request("voice:leave", json!({})).await.unwrap();
    }

    // The site's backend, with a key made on the shared store, reads and
    // ends a room through the node that does not run it (the room's fifth
    // event on: its second visit makes four more).
    let key = create_mongo_key(&store, "site", &["rooms:read", "rooms:moderate"]);
    // Its founder joined moments ago; one join per second per wallet.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (mut ws, owner) = join_anywhere(&nodes, &founders[0], &markets[0]).await;
    let site = ServerApi::new(&nodes[1 - owner].http(), &key);
    let (status, people) = site
        .get(&format!("rooms/{}/participants", markets[0]))
        .await;
    assert_eq!(
        (status, &people["data"]["total"]),
        (200, &json!(1)),
        "{people}"
    );
    let (status, reply) = site
        .post(
            &format!("rooms/{}/moderate", markets[0]),
            json!({"action": "end_room"}),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    assert!(ws.next_event("voice:room_closed", T).await.is_some());

    let all = 4 * (ROOMS + 1);
    let received = receiver.wait_for(ARRIVAL, |r| r.len() >= all).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        receiver.received().len(),
        received.len(),
        "nothing arrives twice later"
    );
    let events = checked(&received);
    let mut expected: BTreeMap<_, _> = markets.iter().flat_map(|m| one_visit(m)).collect();
    for (event, count) in one_visit(&markets[0]) {
        *expected.get_mut(&event).unwrap() += count;
    }
    assert_eq!(tally(&events), expected, "{events:#?}");
    assert_eq!(ids(&events).len(), all, "each event sent by one node only");
}
