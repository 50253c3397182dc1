//! Faults inside one node: a lost mediasoup worker takes only its own rooms
//! with it; a client that stops reading, or vanishes without closing, is
//! disconnected without holding its room up.

use std::time::Duration;

use futures_util::SinkExt;
use pnl_voice::address::Address;
use pnl_voice_testkit::flows::{start_call, T};
use pnl_voice_testkit::frames::numbered_frame;
use pnl_voice_testkit::node::{market_with_founder, random_address, TestNode};
use pnl_voice_testkit::signal::SignalClient;
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};
use tokio::net::TcpSocket;
use tokio_tungstenite::tungstenite::Message;

/// A socket opened by hand with a tiny receive buffer, joined to `market`,
/// which from then on never reads (nor answers pings): a stalled or
/// vanished client. Dropping it closes the TCP connection.
struct StalledClient {
    _ws: tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>,
}

impl StalledClient {
    async fn join(node: &TestNode, wallet: &TestWallet, market: &str) -> Self {
        let token = wallet.login(&node.http()).await.unwrap();
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(2048).unwrap();
        let stream = socket.connect(node.server.addr).await.expect("tcp connect");
        let url = format!("{}?token={token}", node.ws());
        let (mut ws, _) = tokio_tungstenite::client_async(url, stream)
            .await
            .expect("upgrade");
        let join = json!({"id": 1, "method": "voice:join", "data": {"marketAddress": market}});
        ws.send(Message::Text(join.to_string())).await.unwrap();
        Self { _ws: ws }
    }
}

/// Waits until `observer` hears that `wallet` left.
async fn wait_left(observer: &mut SignalClient, wallet: &TestWallet, within: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    while tokio::time::Instant::now() < deadline {
        match observer
            .next_event("voice:user_left", Duration::from_millis(200))
            .await
        {
            Some(left) if left["walletAddress"] == wallet.address() => return true,
            _ => {}
        }
    }
    false
}

/// Waits until `observer` hears that `wallet` joined.
async fn wait_joined(observer: &mut SignalClient, wallet: &TestWallet) {
    let joined: Value = observer
        .next_event("voice:user_joined", T)
        .await
        .expect("user_joined");
    assert_eq!(joined["user"]["walletAddress"], wallet.address());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_worker_takes_only_its_rooms_and_their_clients_rejoin() {
    // In mediasoup 0.12 a worker is a thread of the process and one that
    // aborts takes the whole process down (that case is `pnl-voice cluster`,
    // tests/cluster/cluster.rs). Here the pool gets the signal a worker's `on_dead`
    // handler sends, and the worker is closed and replaced for real.
    let node = TestNode::start(vec![], |c| c.workers = Some(2));
    let (doomed, kept) = (random_address(), random_address());
    let wallets: Vec<TestWallet> = (0..4).map(|_| TestWallet::new()).collect();
    let mut sockets = Vec::new();
    for w in &wallets {
        sockets.push(node.connect(w).await);
    }
    let [a, b, c, d] = &mut sockets[..] else {
        unreachable!()
    };
    let doomed_call = start_call(a, b, &doomed).await;
    let kept_call = start_call(c, d, &kept).await;
    let hub = &node.server.app.hub;
    let slot_of = |market: &str| {
        hub.running_room(&Address::parse(market).unwrap())
            .unwrap()
            .slot
            .index
    };
    assert_ne!(slot_of(&doomed), slot_of(&kept), "one room per worker");

    hub.pool().recycle(slot_of(&doomed));
    for ws in [&mut *a, &mut *b] {
        let closed = ws
            .next_event("voice:room_closed", T)
            .await
            .expect("room_closed");
        assert_eq!(closed["reason"], "worker_died");
        ws.wait_closed(T)
            .await
            .expect("socket closed by the server");
    }
    kept_call
        .send
        .send_frames(25, Duration::from_millis(20), |n| numbered_frame(n, 60))
        .await
        .unwrap();
    kept_call
        .recv
        .wait_received(20, T)
        .await
        .expect("the room on the other worker keeps forwarding audio");
    assert!(c.request("voice:producers", json!({})).await.is_ok());
    doomed_call.send.close().await;
    doomed_call.recv.close().await;

    // The doomed room's clients come back at once (after the one-join-per-
    // second limit) and talk again, on a live worker.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let mut a = node.connect(&wallets[0]).await;
    let mut b = node.connect(&wallets[1]).await;
    let again = start_call(&mut a, &mut b, &doomed).await;
    again
        .send
        .send_frames(10, Duration::from_millis(20), |n| numbered_frame(n, 40))
        .await
        .unwrap();
    again.recv.wait_received(10, T).await.unwrap();
    assert_eq!(
        hub.pool().workers().len(),
        2,
        "the lost worker was replaced"
    );
    for call in [again, kept_call] {
        call.send.close().await;
        call.recv.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_disconnected_and_its_room_goes_on() {
    let market = random_address();
    let node = TestNode::start(vec![market_with_founder(&market, &random_address())], |c| {
        c.limits.ws_requests_per_sec = 1_000_000;
        c.limits.ws_send_timeout_ms = 300;
    });
    let (observer_wallet, busy_wallet, stalled_wallet) =
        (TestWallet::new(), TestWallet::new(), TestWallet::new());
    let mut observer = node.connect(&observer_wallet).await;
    observer
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let mut busy = node.connect(&busy_wallet).await;
    busy.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let stalled = StalledClient::join(&node, &stalled_wallet, &market).await;
    wait_joined(&mut observer, &busy_wallet).await;
    wait_joined(&mut observer, &stalled_wallet).await;
    let open = node.server.app.sockets.open();

    // Every raise and lower is an event for everyone in the room, so the
    // stalled client's queue fills while the others are served as usual.
    let mut requests = 0;
    let dropped = loop {
        for method in ["voice:raise_hand", "voice:lower_hand"] {
            busy.request(method, json!({})).await.expect("served");
        }
        requests += 2;
        observer.clear_buffered();
        if node.server.app.sockets.open() < open {
            break true;
        }
        if requests >= 40_000 {
            break false;
        }
    };
    assert!(dropped, "the stalled client was never disconnected");
    let participants = observer
        .request("voice:producers", json!({}))
        .await
        .expect("the room still answers");
    assert_eq!(participants["producers"], json!([]));
    let reply = busy
        .request("voice:raise_hand", json!({}))
        .await
        .expect("the room still serves");
    assert_eq!(reply["position"], 1);
    let members = node
        .server
        .app
        .hub
        .running_room(&Address::parse(&market).unwrap())
        .unwrap()
        .snapshot()
        .participants;
    assert_eq!(members, 2, "the stalled client left the room");
    eprintln!("stalled client disconnected after {requests} requests");
    drop(stalled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_vanishes_is_dropped_after_the_idle_timeout() {
    let market = random_address();
    let node = TestNode::start(vec![], |c| c.limits.ws_idle_timeout_secs = 1);
    let (observer_wallet, vanished_wallet) = (TestWallet::new(), TestWallet::new());
    let mut observer = node.connect(&observer_wallet).await;
    observer
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let vanished = StalledClient::join(&node, &vanished_wallet, &market).await;
    wait_joined(&mut observer, &vanished_wallet).await;

    // The observer answers pings (its reader runs) and stays; the vanished
    // client answers nothing and is dropped.
    assert!(
        wait_left(&mut observer, &vanished_wallet, T).await,
        "the vanished client was never dropped"
    );
    assert!(observer.request("voice:producers", json!({})).await.is_ok());
    drop(vanished);
}
