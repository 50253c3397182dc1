//! Reservations (`POST /api/voice/join`) cannot lock a room: throw-away
//! wallets reserving (and trying to renew) every place still leave the
//! founder, and ordinary members, a way in.

use std::time::Duration;

use pnl_voice_testkit::api::Api;
use pnl_voice_testkit::node::{market_with_founder, random_address, TestNode};
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::json;

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
