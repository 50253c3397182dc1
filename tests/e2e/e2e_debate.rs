//! A debate with real WebRTC speakers on the real worker: four speakers,
//! two per side, all live and sending; on each turn a listener receives
//! the audio of the turn's speaker only (frames counted per producer), the
//! others' producers being paused, and a paused speaker cannot unmute.

use std::time::Duration;

use pnl_voice_testkit::flows::{consume, join_room, open_transport, start_speaking, T};
use pnl_voice_testkit::frames::numbered_frame;
use pnl_voice_testkit::node::{random_address, TestNode};
use pnl_voice_testkit::rtc::RtcTransport;
use pnl_voice_testkit::signal::SignalClient;
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

/// Frames each speaker sends per burst (20 ms apart, as Opus does).
const BURST: u32 = 25;

/// One speaker: its socket, send transport, and the listener's consumer
/// mid of its producer.
struct Speaker {
    wallet: TestWallet,
    ws: SignalClient,
    send: RtcTransport,
    mid: String,
}

/// Every speaker sends a burst at once.
async fn burst(speakers: &[Speaker]) {
    let sends = speakers.iter().map(|s| {
        s.send
            .send_frames(BURST, Duration::from_millis(20), |n| numbered_frame(n, 60))
    });
    for sent in futures_util::future::join_all(sends).await {
        sent.unwrap();
    }
}

/// Frames the listener got so far from each speaker.
fn counts(recv: &RtcTransport, speakers: &[Speaker]) -> Vec<usize> {
    speakers
        .iter()
        .map(|s| recv.received_on(&s.mid).len())
        .collect()
}

/// Everyone sends; the listener must hear `live` (an index of `speakers`)
/// only.
async fn only_one_heard(recv: &RtcTransport, speakers: &[Speaker], live: usize) {
    let before = counts(recv, speakers);
    burst(speakers).await;
    let deadline = tokio::time::Instant::now() + T;
    while recv.received_on(&speakers[live].mid).len() < before[live] + BURST as usize / 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the turn's speaker {live} is not heard: {:?} -> {:?}",
            before,
            counts(recv, speakers)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = counts(recv, speakers);
    for (i, (b, a)) in before.iter().zip(&after).enumerate() {
        if i != live {
            assert_eq!(a, b, "speaker {i} is paused during {live}'s turn");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_each_turn_only_the_turns_speaker_is_heard() {
    let founder = TestWallet::new();
    let listener = TestWallet::new();
    let wallets: Vec<TestWallet> = (0..4).map(|_| TestWallet::new()).collect();
    let market = random_address();
    // Stage order: YES 0, NO 1, YES 2, NO 3.
    let holdings: serde_json::Map<String, Value> = wallets
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let side = if i % 2 == 0 { "yes" } else { "no" };
            (w.address(), json!({ side: 5 + i }))
        })
        .collect();
    let node = TestNode::start(
        vec![
            json!({"marketAddress": market, "founderWallet": founder.address(), "holdings": holdings}),
        ],
        |_| {},
    );
    let mut f = node.connect(&founder).await;
    let caps = join_room(&mut f, &market).await;
    let mut speakers = Vec::new();
    for wallet in wallets {
        let mut ws = node.connect(&wallet).await;
        join_room(&mut ws, &market).await;
        f.request(
            "voice:moderate",
            json!({"action": "grant_speaker", "targetWallet": wallet.address()}),
        )
        .await
        .unwrap();
        let (send, producer) = start_speaking(&mut ws, &caps).await;
        speakers.push((wallet, ws, send, producer));
    }
    let mut l = node.connect(&listener).await;
    join_room(&mut l, &market).await;
    let recv = open_transport(&mut l, &caps, "recv").await.unwrap();
    let mut speakers: Vec<Speaker> = {
        let mut ready = Vec::new();
        for (wallet, ws, send, producer) in speakers {
            let mid = consume(&mut l, &recv, &caps, &producer).await.unwrap();
            send.wait_connected(T).await.unwrap();
            ready.push(Speaker {
                wallet,
                ws,
                send,
                mid,
            });
        }
        ready
    };
    recv.wait_connected(T).await.unwrap();
    let before = counts(&recv, &speakers);
    burst(&speakers).await;
    recv.wait_received(BURST as u64 * 2, T).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = counts(&recv, &speakers);
    assert!(
        before.iter().zip(&after).all(|(b, a)| a > b),
        "before the debate everyone is heard: {after:?}"
    );

    f.request(
        "voice:debate",
        json!({"action": "start", "turnSeconds": 600}),
    )
    .await
    .unwrap();
    for (turn, live) in [0, 1, 2, 3].into_iter().enumerate() {
        if turn > 0 {
            f.request("voice:debate", json!({"action": "next"}))
                .await
                .unwrap();
        }
        let announced = loop {
            let e = l.next_event("voice:debate_turn", T).await.expect("a turn");
            if e["turn"] == json!(turn + 1) {
                break e;
            }
        };
        assert_eq!(announced["walletAddress"], speakers[live].wallet.address());
        assert_eq!(announced["side"], if live % 2 == 0 { "YES" } else { "NO" });
        only_one_heard(&recv, &speakers, live).await;
        let paused = (live + 1) % speakers.len();
        let refused = speakers[paused]
            .ws
            .request("voice:mute", json!({"muted": false}))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Some("FORBIDDEN"), "not your turn");
    }

    // The floor opened: whoever unmutes is heard again.
    f.request("voice:debate", json!({"action": "open_floor"}))
        .await
        .unwrap();
    speakers[0]
        .ws
        .request("voice:mute", json!({"muted": false}))
        .await
        .unwrap();
    let before = counts(&recv, &speakers);
    burst(&speakers).await;
    let deadline = tokio::time::Instant::now() + T;
    while counts(&recv, &speakers)[0] <= before[0] {
        assert!(tokio::time::Instant::now() < deadline, "the floor is open");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    f.request("voice:debate", json!({"action": "end"}))
        .await
        .unwrap();
    f.request("voice:debate", json!({"action": "close_poll"}))
        .await
        .unwrap();
    let ended = l.next_event("voice:debate_ended", T).await.unwrap();
    let turns: Vec<&Value> = ended["summary"]["turns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["walletAddress"])
        .collect();
    let expected: Vec<Value> = speakers.iter().map(|s| json!(s.wallet.address())).collect();
    assert_eq!(turns, expected.iter().collect::<Vec<_>>());
    for s in speakers.drain(..) {
        s.send.close().await;
    }
    recv.close().await;
}
