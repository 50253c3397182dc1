//! Bans and churn history outlive the room (the moderation ledger, here
//! the embedded SQLite store and the node's memory): a kicked wallet is
//! refused at once, after its room was destroyed (`destroyAfterMinutes` 0)
//! and after the node restarted on the same data folder; so is a wallet
//! banned for joining too often, although each of its joins made a new room.

use std::path::Path;
use std::time::Duration;

use pnl_voice_testkit::flows::T;
use pnl_voice_testkit::node::{market_with_founder, random_address, TestNode};
use pnl_voice_testkit::signal::SignalClient;
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

/// A node on `data_dir` with `markets` (empty rooms are destroyed at once).
fn node(markets: Vec<Value>, data_dir: &Path) -> TestNode {
    let data_dir = data_dir.to_path_buf();
    TestNode::start(markets, move |c| {
        c.data_dir = data_dir;
        c.jwt_secret = Some("a shared secret of at least thirty-two bytes".into());
    })
}

/// `wallet` tries to join `market` on `node`, once its join-rate slot is
/// free again; the socket and the error code, if refused.
async fn try_join(
    node: &TestNode,
    wallet: &TestWallet,
    market: &str,
) -> (SignalClient, Option<String>) {
    tokio::time::sleep(Duration::from_millis(1100)).await;
    node.try_join(wallet, market).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kicked_wallet_stays_banned_after_the_room_is_destroyed_and_a_restart() {
    let data_dir = std::env::temp_dir().join(format!("pnl-voice-bans-{}", rand_dir()));
    let (founder, guest) = (TestWallet::new(), TestWallet::new());
    let market = random_address();
    let markets = vec![market_with_founder(&market, &founder.address())];
    let first = node(markets.clone(), &data_dir);

    let mut f = first.connect(&founder).await;
    f.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let mut g = first.connect(&guest).await;
    g.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    f.request(
        "voice:moderate",
        json!({"action": "kick", "targetWallet": guest.address()}),
    )
    .await
    .unwrap();
    g.wait_closed(T).await.expect("the kicked socket is closed");

    let (_, code) = try_join(&first, &guest, &market).await;
    assert_eq!(code.as_deref(), Some("BANNED"), "the next join right after");

    f.close().await;
    assert_eq!(
        first.wait_idle(T).await,
        Default::default(),
        "the room is destroyed"
    );
    let (_, code) = try_join(&first, &guest, &market).await;
    assert_eq!(
        code.as_deref(),
        Some("BANNED"),
        "after the room was destroyed"
    );
    drop(first);

    let second = node(markets, &data_dir);
    let (_, code) = try_join(&second, &guest, &market).await;
    assert_eq!(code.as_deref(), Some("BANNED"), "after a restart");
    let (other, code) = try_join(&second, &TestWallet::new(), &market).await;
    assert_eq!(code, None, "the ban is the kicked wallet's only");
    other.close().await;
    drop(second);
    let _ = std::fs::remove_dir_all(&data_dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wallet_joining_too_often_is_banned_although_each_join_made_a_new_room() {
    let data_dir = std::env::temp_dir().join(format!("pnl-voice-churn-{}", rand_dir()));
    let wallet = TestWallet::new();
    let market = random_address();
    let first = node(vec![], &data_dir);
    // Six joins within the churn window (60 s) are allowed; alone in the
    // room, each leave destroys it, so each join starts a new room.
    for n in 0..6 {
        let (ws, code) = try_join(&first, &wallet, &market).await;
        assert_eq!(code, None, "join {n}");
        ws.close().await;
        assert_eq!(
            first.wait_idle(T).await,
            Default::default(),
            "room {n} destroyed"
        );
    }
    let (_, code) = try_join(&first, &wallet, &market).await;
    assert_eq!(
        code.as_deref(),
        Some("BANNED"),
        "the seventh join is a churn ban"
    );
    let (_, code) = try_join(&first, &wallet, &market).await;
    assert_eq!(code.as_deref(), Some("BANNED"), "and the ban holds");
    drop(first);

    let second = node(vec![], &data_dir);
    let (_, code) = try_join(&second, &wallet, &market).await;
    assert_eq!(code.as_deref(), Some("BANNED"), "after a restart");
    drop(second);
    let _ = std::fs::remove_dir_all(&data_dir);
}

fn rand_dir() -> u64 {
    rand::random()
}
