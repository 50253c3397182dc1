//! Moderation beyond the founder, with real WebRTC clients on the real
//! worker: the founder names a co-host, who grants, mutes one speaker (a
//! listener stops receiving its audio) and kicks, but cannot touch the
//! founder nor manage co-hosts; the founder hands the host role to the
//! co-host, who ends the room: every session is closed with reason `ended`.

use std::time::Duration;

use pnl_voice_testkit::api::{refusal, refused, Api};
use pnl_voice_testkit::flows::{start_listening, start_speaking, T};
use pnl_voice_testkit::frames::numbered_frame;
use pnl_voice_testkit::node::{market_with_founder, random_address, TestNode};
use pnl_voice_testkit::signal::SignalClient;
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

async fn moderate(
    client: &mut SignalClient,
    action: &str,
    target: &TestWallet,
) -> Result<Value, String> {
    client
        .request(
            "voice:moderate",
            json!({"action": action, "targetWallet": target.address()}),
        )
        .await
        .map_err(|e| e.code().unwrap_or("no code").to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_co_host_moderates_members_and_the_host_ends_the_room() {
    let founder = TestWallet::new();
    let co_host = TestWallet::new();
    let speaker = TestWallet::new();
    let listener = TestWallet::new();
    let pest = TestWallet::new();
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
    let mut clients = Vec::new();
    for wallet in [&co_host, &speaker, &listener, &pest] {
        let mut ws = node.connect(wallet).await;
        ws.request("voice:join", json!({"marketAddress": market}))
            .await
            .unwrap();
        clients.push(ws);
    }
    let [mut c, mut s, mut l, mut p]: [SignalClient; 4] = clients.try_into().ok().unwrap();

    // The founder names the co-host; everyone sees it.
    assert_eq!(
        moderate(&mut s, "add_co_host", &listener).await,
        Err("FORBIDDEN".into())
    );
    moderate(&mut f, "add_co_host", &co_host).await.unwrap();
    let seen = l
        .next_event("voice:hosts_changed", T)
        .await
        .expect("everyone learns of a co-host");
    assert_eq!(
        seen,
        json!({"host": founder.address(), "coHosts": [co_host.address()]})
    );
    let granted = l.next_event("voice:speaker_granted", T).await.unwrap();
    assert_eq!(granted["walletAddress"], co_host.address());

    // The co-host grants the floor; the speaker talks and the listener hears it.
    moderate(&mut c, "grant_speaker", &speaker).await.unwrap();
    let (s_send, s_producer) = start_speaking(&mut s, &caps).await;
    let (l_recv, _) = start_listening(&mut l, &caps, &s_producer).await;
    s_send.wait_connected(T).await.unwrap();
    l_recv.wait_connected(T).await.unwrap();
    s_send
        .send_frames(25, Duration::from_millis(20), |n| numbered_frame(n, 60))
        .await
        .unwrap();
    l_recv.wait_received(20, T).await.unwrap();

    // The co-host mutes that one speaker: everyone is told, its audio stops.
    moderate(&mut c, "mute", &speaker).await.unwrap();
    for client in [&mut f, &mut l, &mut s] {
        let muted = loop {
            let e = client
                .next_event("voice:user_muted", T)
                .await
                .expect("everyone hears of the mute");
            if e["muted"] == json!(true) {
                break e;
            }
        };
        assert_eq!(muted["walletAddress"], json!(speaker.address()));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = l_recv.stats().bytes_received;
    s_send
        .send_frames(25, Duration::from_millis(20), |n| numbered_frame(n, 60))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        l_recv.stats().bytes_received,
        before,
        "a muted speaker's producer is paused"
    );
    // As on X Spaces, the speaker may unmute itself again.
    s.request("voice:mute", json!({"muted": false}))
        .await
        .unwrap();
    s_send
        .send_frames(25, Duration::from_millis(20), |n| numbered_frame(n, 60))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(l_recv.stats().bytes_received > before);

    // Never the founder, never co-host management, never the end of the room.
    for action in ["mute", "kick", "revoke_speaker"] {
        assert_eq!(
            moderate(&mut c, action, &founder).await,
            Err("FORBIDDEN".into())
        );
    }
    assert_eq!(
        moderate(&mut c, "add_co_host", &listener).await,
        Err("FORBIDDEN".into())
    );
    assert_eq!(
        moderate(&mut c, "remove_co_host", &co_host).await,
        Err("FORBIDDEN".into())
    );
    let err = c
        .request("voice:moderate", json!({"action": "end_room"}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("FORBIDDEN"));
    assert_eq!(
        moderate(&mut f, "transfer_host", &listener).await,
        Err("CONFLICT".into())
    );

    // The co-host kicks a member.
    moderate(&mut c, "kick", &pest).await.unwrap();
    p.next_event("voice:kicked", T).await.expect("kicked");
    p.wait_closed(T).await.expect("the kicked socket closes");

    // The founder hands the host role to the co-host over REST.
    let api = Api::new(node.http());
    let f_token = founder.login(&node.http()).await.unwrap();
    let c_token = co_host.login(&node.http()).await.unwrap();
    let hand_off = json!({"marketAddress": market, "founderWallet": founder.address(),
        "action": "transfer_host", "targetWallet": co_host.address()});
    let (status, body) = api.post(Some(&f_token), "moderate", hand_off).await;
    assert_eq!(status, 200, "{body}");
    let hosts = l.next_event("voice:hosts_changed", T).await.unwrap();
    assert_eq!(hosts["host"], co_host.address());
    let not_yours = json!({"marketAddress": market, "founderWallet": co_host.address(),
        "action": "add_co_host", "targetWallet": listener.address()});
    assert_eq!(
        refusal(api.post(Some(&c_token), "moderate", not_yours).await),
        refused(403, "FORBIDDEN")
    );

    // The host ends the room: everyone is told `ended` and disconnected.
    c.request("voice:moderate", json!({"action": "end_room"}))
        .await
        .expect("the host may end the room");
    for client in [&mut f, &mut c, &mut s, &mut l] {
        let closed = client
            .next_event("voice:room_closed", T)
            .await
            .expect("everyone is told the room ended");
        assert_eq!(closed["reason"], "ended");
        client.wait_closed(T).await.expect("every socket closes");
    }
    s_send.close().await;
    l_recv.close().await;
    assert_eq!(node.wait_idle(T).await, Default::default());
    assert_eq!(node.wait_worker_empty(T).await, (0, 0));
}
