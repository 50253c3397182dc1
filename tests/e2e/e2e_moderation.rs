//! The founder runs the room, with real WebRTC clients on the real worker:
//! a listener may not produce; after raising a hand and being granted it
//! speaks and is heard; revoked, its audio stops; a muted speaker sends
//! nothing; a kicked listener is out and cannot come back; levels and the
//! active speaker are reported.

use std::time::Duration;

use pnl_voice_testkit::flows::{opus_rtp, start_listening, start_speaking, T};
use pnl_voice_testkit::frames::numbered_frame;
use pnl_voice_testkit::node::{market_with_founder, random_address, TestNode};
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

async fn post(node: &TestNode, token: &str, path: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}{path}", node.http()))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_founder_grants_revokes_mutes_and_kicks() {
    let founder = TestWallet::new();
    let guest = TestWallet::new();
    let audience = TestWallet::new();
    let market = random_address();
    let node = TestNode::start(
        vec![market_with_founder(&market, &founder.address())],
        |_| {},
    );

    let mut f = node.connect(&founder).await;
    let joined = f
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let caps = joined["rtpCapabilities"].clone();
    let mut g = node.connect(&guest).await;
    g.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let mut a = node.connect(&audience).await;
    a.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();

    // A listener may not produce.
    let err = g
        .request(
            "produce",
            json!({"transportId": "x", "kind": "audio", "rtpParameters": opus_rtp(5)}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("FORBIDDEN"));
    let err = g
        .request("createTransport", json!({"direction": "send"}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("FORBIDDEN"));

    // The founder speaks; the guest hears it; who is audible and the active speaker are reported.
    let (f_send, f_producer) = start_speaking(&mut f, &caps).await;
    let live = g
        .next_event("voice:user_muted", T)
        .await
        .expect("the founder went live");
    assert_eq!(live["muted"], false);
    let (g_recv, _) = start_listening(&mut g, &caps, &f_producer).await;
    f_send.wait_connected(T).await.unwrap();
    g_recv.wait_connected(T).await.unwrap();
    f_send
        .send_frames(25, Duration::from_millis(20), |n| numbered_frame(n, 60))
        .await
        .unwrap();
    g_recv.wait_received(20, T).await.unwrap();
    let speaking = g
        .next_event("voice:speaking", T)
        .await
        .expect("who is audible");
    assert_eq!(speaking["walletAddresses"], json!([founder.address()]));
    let active = g
        .next_event("voice:active_speaker", T)
        .await
        .expect("active speaker");
    assert_eq!(active["walletAddress"], founder.address());

    // Muted, the founder's audio stops reaching the guest.
    f.request("voice:mute", json!({"muted": true}))
        .await
        .unwrap();
    let muted = g
        .next_event("voice:user_muted", T)
        .await
        .expect("user_muted");
    assert_eq!(
        (muted["walletAddress"].clone(), muted["muted"].clone()),
        (json!(founder.address()), json!(true))
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = g_recv.stats().bytes_received;
    f_send
        .send_frames(25, Duration::from_millis(20), |n| numbered_frame(n, 60))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        g_recv.stats().bytes_received,
        before,
        "a muted speaker sends no RTP to listeners"
    );

    // The guest raises a hand; the founder sees the queue and grants the floor.
    let raised = g.request("voice:raise_hand", json!({})).await.unwrap();
    assert_eq!(raised["position"], 1);
    let hand = f
        .next_event("voice:hand_raised", T)
        .await
        .expect("hand_raised");
    assert_eq!(hand["queue"], json!([guest.address()]));
    f.request(
        "voice:moderate",
        json!({"action": "grant_speaker", "targetWallet": guest.address()}),
    )
    .await
    .unwrap();
    let granted = g
        .next_event("voice:speaker_granted", T)
        .await
        .expect("speaker_granted");
    assert_eq!(granted["walletAddress"], guest.address());
    a.next_event("voice:speaker_granted", T)
        .await
        .expect("everyone learns of it");

    // Now the guest speaks and the audience hears it.
    let (g_send, g_producer) = start_speaking(&mut g, &caps).await;
    let (a_recv, _) = start_listening(&mut a, &caps, &g_producer).await;
    g_send.wait_connected(T).await.unwrap();
    a_recv.wait_connected(T).await.unwrap();
    g_send
        .send_frames(25, Duration::from_millis(20), |n| numbered_frame(n, 60))
        .await
        .unwrap();
    a_recv.wait_received(20, T).await.unwrap();

    // Revoked through REST: its producer closes, the audience is told, audio stops.
    let f_token = founder.login(&node.http()).await.unwrap();
    let (status, body) = post(
        &node,
        &f_token,
        "/api/voice/moderate",
        json!({
        "marketAddress": market, "founderWallet": founder.address(),
        "action": "revoke_speaker", "targetWallet": guest.address()}),
    )
    .await;
    assert_eq!((status, body["success"].clone()), (200, json!(true)));
    let closed = a
        .next_event("voice:producer_closed", T)
        .await
        .expect("producer_closed");
    assert_eq!(closed["producerId"], g_producer);
    g.next_event("voice:speaker_revoked", T)
        .await
        .expect("speaker_revoked");
    let totals = node.wait_totals(T, |t| t.counts.producers == 1).await;
    assert_eq!(
        totals.counts.producers, 1,
        "only the founder still produces"
    );
    assert_eq!(
        totals.counts.transports, 3,
        "the guest's send transport is closed"
    );
    // The worker closes the transport a moment after the event (the close is
    // sent to it, not awaited); frames sent before that may still be heard.
    g_send
        .wait_closed(T)
        .await
        .expect("the worker closes the guest's send transport");
    let heard = a_recv.stats().bytes_received;
    let _ = g_send
        .send_frames(10, Duration::from_millis(20), |n| numbered_frame(n, 60))
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        a_recv.stats().bytes_received,
        heard,
        "no audio after revoke"
    );
    let err = g
        .request("createTransport", json!({"direction": "send"}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("FORBIDDEN"));

    // Kicked: told, disconnected, banned.
    f.request(
        "voice:moderate",
        json!({"action": "kick", "targetWallet": audience.address()}),
    )
    .await
    .unwrap();
    let kicked = a.next_event("voice:kicked", T).await.expect("kicked");
    assert!(kicked["reason"].is_string());
    a.wait_closed(T).await.expect("socket closed");
    let left = f.next_event("voice:user_left", T).await.expect("user_left");
    assert_eq!(left["walletAddress"], audience.address());
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let mut again = node.connect(&audience).await;
    let err = again
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("BANNED"));

    for t in [f_send, g_send] {
        t.close().await;
    }
    for t in [g_recv, a_recv] {
        t.close().await;
    }
    drop((f, g, again));
    assert_eq!(node.wait_idle(T).await, Default::default());
    assert_eq!(node.wait_worker_empty(T).await, (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mute_all_pauses_every_speaker_but_the_founder() {
    let founder = TestWallet::new();
    let guest = TestWallet::new();
    let market = random_address();
    let node = TestNode::start(
        vec![market_with_founder(&market, &founder.address())],
        |_| {},
    );
    let mut f = node.connect(&founder).await;
    let caps = f
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap()["rtpCapabilities"]
        .clone();
    let mut g = node.connect(&guest).await;
    g.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    f.request(
        "voice:moderate",
        json!({"action": "grant_speaker", "targetWallet": guest.address()}),
    )
    .await
    .unwrap();
    let (g_send, g_producer) = start_speaking(&mut g, &caps).await;
    // An actor receives its own events: here the guest's own unmute.
    let own = g
        .next_event("voice:user_muted", T)
        .await
        .expect("its own unmute comes back to the speaker");
    assert_eq!(own["muted"], json!(false));
    let (f_recv, _) = start_listening(&mut f, &caps, &g_producer).await;
    g_send.wait_connected(T).await.unwrap();
    f_recv.wait_connected(T).await.unwrap();
    g_send
        .send_frames(10, Duration::from_millis(20), |n| numbered_frame(n, 60))
        .await
        .unwrap();
    f_recv.wait_received(8, T).await.unwrap();

    f.request("voice:moderate", json!({"action": "mute_all"}))
        .await
        .unwrap();
    let muted = g
        .next_event("voice:user_muted", T)
        .await
        .expect("the muted speaker is told");
    assert_eq!(
        (muted["walletAddress"].clone(), muted["muted"].clone()),
        (json!(guest.address()), json!(true))
    );
    let seen_by_founder = loop {
        let e = f
            .next_event("voice:user_muted", T)
            .await
            .expect("the founder gets its own mute_all's events");
        if e["muted"] == json!(true) {
            break e;
        }
    };
    assert_eq!(seen_by_founder["walletAddress"], json!(guest.address()));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = f_recv.stats().bytes_received;
    g_send
        .send_frames(10, Duration::from_millis(20), |n| numbered_frame(n, 60))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(f_recv.stats().bytes_received, before);

    g.request("voice:mute", json!({"muted": false}))
        .await
        .unwrap();
    g_send
        .send_frames(10, Duration::from_millis(20), |n| numbered_frame(n, 60))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        f_recv.stats().bytes_received > before,
        "they may unmute themselves"
    );
    g_send.close().await;
    f_recv.close().await;
}
