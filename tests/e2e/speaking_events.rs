//! Level events do not grow with the audience: while one speaker talks
//! steadily, members get a socket frame only when the set of audible
//! speakers or the dominant speaker changes, not one per level report. The
//! levels themselves travel in the RTP (`ssrc-audio-level`), which the
//! router offers and every consumer negotiates.

use std::time::{Duration, Instant};

use pnl_voice_testkit::flows::{start_call, T};
use pnl_voice_testkit::frames::numbered_frame;
use pnl_voice_testkit::node::{random_address, TestNode};
use pnl_voice_testkit::signal::{Incoming, SignalClient};
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

/// Seconds of steady speech measured.
const SPEECH_SECS: u32 = 5;
/// One Opus frame every 20 ms.
const FRAME: Duration = Duration::from_millis(20);
/// The header extension browsers read levels from.
const AUDIO_LEVEL_URI: &str = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

/// Event frames the member received since the last call (already buffered ones included), by name.
async fn drain(client: &mut SignalClient) -> Vec<String> {
    let mut names: Vec<String> = client
        .buffered()
        .filter_map(|m| m["event"].as_str().map(str::to_owned))
        .collect();
    client.clear_buffered();
    while let Some(Incoming::Text(text)) = client.recv_raw(Duration::from_millis(100)).await {
        let message: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if let Some(name) = message["event"].as_str() {
            names.push(name.to_owned());
        }
    }
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steady_speech_costs_members_a_frame_per_change_not_per_report() {
    let node = TestNode::start(vec![], |_| {});
    let market = random_address();
    let (speaker, listener) = (TestWallet::new(), TestWallet::new());
    let mut s = node.connect(&speaker).await;
    let mut l = node.connect(&listener).await;
    let call = start_call(&mut s, &mut l, &market).await;
    let offered = call.caps["headerExtensions"]
        .as_array()
        .expect("router header extensions")
        .iter()
        .any(|e| e["uri"] == AUDIO_LEVEL_URI && e["kind"] == "audio");
    assert!(offered, "the router offers {AUDIO_LEVEL_URI} to consumers");
    let negotiated = call.consumer["rtpParameters"]["headerExtensions"]
        .as_array()
        .expect("consumer header extensions")
        .iter()
        .any(|e| e["uri"] == AUDIO_LEVEL_URI);
    assert!(negotiated, "a consumer forwards the speaker's levels");
    drain(&mut s).await;
    drain(&mut l).await;

    let started = Instant::now();
    call.send
        .send_frames(SPEECH_SECS * 1000 / 20, FRAME, |n| numbered_frame(n, 60))
        .await
        .unwrap();
    let secs = started.elapsed().as_secs_f64();
    call.recv.wait_received(200, T).await.unwrap();
    let heard_by = [drain(&mut s).await, drain(&mut l).await];
    for (who, frames) in ["speaker", "listener"].iter().zip(&heard_by) {
        eprintln!(
            "{who}: {} event frames in {secs:.1} s of steady speech ({:.2} frames/member/s): {frames:?}",
            frames.len(),
            frames.len() as f64 / secs
        );
        assert!(
            frames.len() <= 3,
            "{who} got a frame per level report: {frames:?}"
        );
        assert!(
            frames.iter().any(|f| f == "voice:speaking"),
            "{who} learns who is audible: {frames:?}"
        );
    }

    let quiet = l
        .next_event("voice:speaking", T)
        .await
        .expect("the speaker leaves the audible set once silent");
    assert_eq!(quiet["walletAddresses"], json!([]));
}
