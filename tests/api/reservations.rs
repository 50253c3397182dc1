//! Reservations (`POST /api/voice/join`) cannot lock a room: throw-away
//! wallets reserving (and trying to renew) every place still leave the
//! founder, and ordinary members, a way in.

use std::time::Duration;

use pnl_voice_testkit::api::Api;
use pnl_voice_testkit::node::{market_with_founder, random_address, TestNode};
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

/// Rooms of this size would be filled by 50 reservers if every
/// reservation held a place.
const MAX_PARTICIPANTS: u32 = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_reservers_cannot_keep_the_founder_out() {
    let founder = TestWallet::new();
    let market = random_address();
    let node = TestNode::start(
        vec![market_with_founder(&market, &founder.address())],
        |c| {
            c.rooms.max_participants = MAX_PARTICIPANTS;
            c.rooms.reservation_secs = 2;
        },
    );
    let api = Api::new(node.http());
    let mut reservers = Vec::new();
    for _ in 0..50 {
        let wallet = TestWallet::new();
        let token = wallet.login(&node.http()).await.unwrap();
        reservers.push((wallet, token));
    }
    let reserve_all = || async {
        let mut ok = 0;
        for (wallet, token) in &reservers {
            let body = json!({"marketAddress": market, "walletAddress": wallet.address()});
            let (status, _) = api.post(Some(token), "join", body).await;
            ok += usize::from(status == 200);
        }
        ok
    };
    assert!(reserve_all().await > 0, "reservations are answered");

    let mut f = node.connect(&founder).await;
    let joined = f
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .expect("the founder always gets in");
    assert_eq!(joined["you"]["isFounder"], true);

    // The attackers renew every second past their holds: still the
    // founder's room has places for members who come with a socket.
    for _ in 0..3 {
        reserve_all().await;
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    let mut sockets = Vec::new();
    for _ in 0..(MAX_PARTICIPANTS - 2) {
        let member = TestWallet::new();
        let mut ws = node.connect(&member).await;
        ws.request("voice:join", json!({"marketAddress": market}))
            .await
            .expect("ordinary members get in beside the reservations");
        sockets.push(ws);
    }
    drop((f, sockets));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_founder_sees_the_reservations_and_clears_them() {
    let founder = TestWallet::new();
    let market = random_address();
    let node = TestNode::start(
        vec![market_with_founder(&market, &founder.address())],
        |c| c.rooms.max_participants = MAX_PARTICIPANTS,
    );
    let api = Api::new(node.http());
    let mut reservers = Vec::new();
    for _ in 0..3 {
        let wallet = TestWallet::new();
        let token = wallet.login(&node.http()).await.unwrap();
        let body = json!({"marketAddress": market, "walletAddress": wallet.address()});
        let (status, data) = api.post(Some(&token), "join", body).await;
        assert_eq!(status, 200, "{data}");
        assert_eq!(
            data["data"]["reservations"],
            json!([]),
            "only moderators see reservations"
        );
        reservers.push(wallet.address());
    }
    let mut f = node.connect(&founder).await;
    let joined = f
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let listed = joined["reservations"].as_array().unwrap().clone();
    let wallets: Vec<&str> = listed
        .iter()
        .map(|r| r["walletAddress"].as_str().unwrap())
        .collect();
    assert_eq!(wallets.len(), 3);
    assert!(reservers.iter().all(|w| wallets.contains(&w.as_str())));
    let holding = listed.iter().filter(|r| r["holdsPlace"] == true).count();
    assert_eq!(holding, 1, "10% of 10 places, at least one");
    assert_eq!(joined["host"], founder.address());
    assert_eq!(joined["coHosts"], json!([]));

    f.request("voice:moderate", json!({"action": "clear_reservations"}))
        .await
        .expect("the founder clears them");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let f_token = founder.login(&node.http()).await.unwrap();
    let body = json!({"marketAddress": market, "walletAddress": founder.address()});
    let (status, data) = api.post(Some(&f_token), "join", body).await;
    assert_eq!(status, 200, "{data}");
    let left: Vec<&Value> = data["data"]["reservations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["walletAddress"] != founder.address())
        .collect();
    assert!(left.is_empty(), "cleared: {left:?}");

    let mut guest = node.connect(&TestWallet::new()).await;
    let err = guest
        .request("voice:moderate", json!({"action": "clear_reservations"}))
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("NOT_IN_ROOM"),
        "a stranger's socket is in no room"
    );
}
