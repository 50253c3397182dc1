//! End to end: two real WebRTC clients (str0m: ICE, DTLS, SRTP) talk through
//! the real mediasoup worker of a real server node, over the signaling
//! contract; afterwards nothing is left on the server or in the worker.

use std::time::Duration;

use pnl_voice_testkit::flows::{start_listening, start_speaking, T};
use pnl_voice_testkit::frames::{frame_number, numbered_frame};
use pnl_voice_testkit::node::{market_with_founder, random_address, TestNode};
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::json;

const FRAMES: u32 = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn founder_is_heard_in_order_and_leaving_cleans_everything() {
    let founder = TestWallet::new();
    let listener = TestWallet::new();
    let market = random_address();
    let node = TestNode::start(
        vec![market_with_founder(&market, &founder.address())],
        |_| {},
    );

    let mut speaker_ws = node.connect(&founder).await;
    let joined = speaker_ws
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    assert_eq!(joined["roomId"], market);
    assert_eq!(joined["you"]["isFounder"], true);
    assert_eq!(joined["you"]["isSpeaker"], true);
    assert_eq!(joined["you"]["isMuted"], true, "everyone joins muted");
    assert_eq!(joined["workerUrl"], node.ws());
    let caps = speaker_ws
        .request("getRouterRtpCapabilities", json!({}))
        .await
        .unwrap();
    assert_eq!(caps, joined["rtpCapabilities"]);

    let mut listener_ws = node.connect(&listener).await;
    let joined = listener_ws
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    assert_eq!(joined["you"]["isSpeaker"], false);
    assert_eq!(joined["participants"].as_array().unwrap().len(), 2);
    let event = speaker_ws
        .next_event("voice:user_joined", T)
        .await
        .expect("user_joined");
    assert_eq!(event["user"]["walletAddress"], listener.address());

    let refused = listener_ws
        .request("createTransport", json!({"direction": "send"}))
        .await
        .unwrap_err();
    assert_eq!(
        refused.code(),
        Some("FORBIDDEN"),
        "a listener may not open a send transport"
    );

    let (send, producer_id) = start_speaking(&mut speaker_ws, &caps).await;
    let announced = listener_ws
        .next_event("voice:new_producer", T)
        .await
        .expect("new_producer");
    assert_eq!(announced["producerId"], producer_id);
    assert_eq!(announced["walletAddress"], founder.address());
    let listed = listener_ws
        .request("voice:producers", json!({}))
        .await
        .unwrap();
    assert_eq!(listed["producers"][0]["producerId"], producer_id);

    let (recv, mid) = start_listening(&mut listener_ws, &caps, &producer_id).await;
    send.wait_connected(T).await.unwrap();
    recv.wait_connected(T).await.unwrap();

    let totals = node
        .wait_totals(T, |t| (t.counts.transports, t.counts.consumers) == (2, 1))
        .await;
    assert_eq!((totals.rooms, totals.counts.members), (1, 2));
    assert_eq!(
        (
            totals.counts.transports,
            totals.counts.producers,
            totals.counts.consumers
        ),
        (2, 1, 1)
    );
    assert_eq!(
        node.worker_dump_counts().await,
        (1, 2),
        "mediasoup agrees: 1 router, 2 transports"
    );

    send.send_frames(FRAMES, Duration::from_millis(20), |n| numbered_frame(n, 80))
        .await
        .unwrap();
    recv.wait_received(u64::from(FRAMES), T).await.unwrap();
    let payloads = recv.received_on(&mid);
    let numbers: Vec<u32> = payloads
        .iter()
        .map(|p| frame_number(p).expect("payload intact"))
        .collect();
    assert_eq!(
        numbers,
        (0..FRAMES).collect::<Vec<_>>(),
        "same payloads, in order"
    );
    assert!(payloads
        .iter()
        .zip(0..)
        .all(|(p, n)| *p == numbered_frame(n, 80)));

    speaker_ws.request("voice:leave", json!({})).await.unwrap();
    let closed = listener_ws
        .next_event("voice:producer_closed", T)
        .await
        .expect("producer_closed");
    assert_eq!(closed["producerId"], producer_id);
    assert_eq!(closed["walletAddress"], founder.address());
    let left = listener_ws
        .next_event("voice:user_left", T)
        .await
        .expect("user_left");
    assert_eq!(left["walletAddress"], founder.address());
    let totals = node.wait_totals(T, |t| t.counts.members == 1).await;
    assert_eq!(
        (
            totals.counts.members,
            totals.counts.transports,
            totals.counts.consumers
        ),
        (1, 1, 0)
    );

    listener_ws.request("voice:leave", json!({})).await.unwrap();
    let totals = node.wait_idle(T).await;
    assert_eq!(totals, Default::default(), "server accounting is empty");
    assert_eq!(
        node.wait_worker_empty(T).await,
        (0, 0),
        "the worker holds no router"
    );
    send.close().await;
    recv.close().await;
    speaker_ws.close().await;
    listener_ws.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vanished_client_releases_everything_it_held() {
    let speaker = TestWallet::new();
    let listener = TestWallet::new();
    let market = random_address();
    let node = TestNode::start(vec![], |_| {});

    let mut speaker_ws = node.connect(&speaker).await;
    let joined = speaker_ws
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    assert_eq!(
        joined["settings"]["speakerOnly"], false,
        "no founder: everyone may speak"
    );
    let caps = joined["rtpCapabilities"].clone();
    let (send, producer_id) = start_speaking(&mut speaker_ws, &caps).await;

    let mut listener_ws = node.connect(&listener).await;
    listener_ws
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let (recv, _mid) = start_listening(&mut listener_ws, &caps, &producer_id).await;
    send.wait_connected(T).await.unwrap();
    recv.wait_connected(T).await.unwrap();
    send.send_frames(10, Duration::from_millis(20), |n| numbered_frame(n, 40))
        .await
        .unwrap();
    recv.wait_received(10, T).await.unwrap();

    drop(speaker_ws);
    let closed = listener_ws
        .next_event("voice:producer_closed", T)
        .await
        .expect("producer_closed");
    assert_eq!(closed["producerId"], producer_id);
    listener_ws
        .next_event("voice:user_left", T)
        .await
        .expect("user_left");
    drop(listener_ws);

    assert_eq!(node.wait_idle(T).await, Default::default());
    assert_eq!(node.wait_worker_empty(T).await, (0, 0));
    send.close().await;
    recv.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_dtls_handshake_is_reported_as_voice_error() {
    let wallet = TestWallet::new();
    let market = random_address();
    let node = TestNode::start(vec![], |_| {});
    let mut ws = node.connect(&wallet).await;
    let joined = ws
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let reply = ws
        .request("createTransport", json!({"direction": "recv"}))
        .await
        .unwrap();
    let recv = pnl_voice_testkit::rtc::RtcTransport::new(
        "127.0.0.1".parse().unwrap(),
        &reply,
        &joined["rtpCapabilities"],
        pnl_voice_testkit::flows::LIFETIME,
    )
    .await
    .unwrap();
    let mut wrong = recv.local_dtls_params();
    wrong["fingerprints"][0]["value"] = json!(vec!["AB"; 32].join(":"));
    ws.request(
        "connectTransport",
        json!({"transportId": recv.id(), "dtlsParameters": wrong}),
    )
    .await
    .unwrap();
    recv.start().await.unwrap();
    let error = ws.next_event("voice:error", T).await.expect("voice:error");
    assert_eq!(error["code"], "BAD_REQUEST");
    assert!(error["message"].as_str().unwrap().contains("DTLS"));
    recv.close().await;
}

/// The load generator's listeners: after the first frames, a transport in
/// counting mode counts every packet its speaker sends without handing each
/// to str0m, and str0m still decrypts the one in `SAMPLE_EVERY` it gets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counting_listener_counts_every_packet_and_authenticates_samples() {
    const COUNTED: u32 = 4 * pnl_voice_testkit::rtc::SAMPLE_EVERY as u32;
    let market = random_address();
    let node = TestNode::start(vec![], |_| {});
    let mut speaker_ws = node.connect(&TestWallet::new()).await;
    let mut listener_ws = node.connect(&TestWallet::new()).await;
    let call =
        pnl_voice_testkit::flows::start_call(&mut speaker_ws, &mut listener_ws, &market).await;
    let refused = call.recv.count_cheaply().await.unwrap_err();
    assert!(refused.contains("no frame decrypted yet"), "{refused}");

    let frames = |n| numbered_frame(n, 80);
    call.send
        .send_frames(10, Duration::from_millis(20), frames)
        .await
        .unwrap();
    call.recv.wait_received(10, T).await.unwrap();
    call.recv.count_cheaply().await.unwrap();
    call.send
        .send_frames(COUNTED, Duration::from_millis(20), frames)
        .await
        .unwrap();

    let mut stats = call.recv.stats();
    for _ in 0..50 {
        if stats.frames_received >= u64::from(10 + COUNTED) && stats.samples_authenticated >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        stats = call.recv.stats();
    }
    assert_eq!(stats.frames_received, u64::from(10 + COUNTED), "{stats:?}");
    assert_eq!(stats.samples, 4, "{stats:?}");
    assert_eq!(stats.samples_authenticated, 4, "{stats:?}");
    assert_eq!(call.recv.received().len(), 10, "frames are no longer kept");

    call.recv.close().await;
    call.send.close().await;
    speaker_ws.close().await;
    listener_ws.close().await;
    assert_eq!(node.wait_idle(T).await, Default::default());
}
