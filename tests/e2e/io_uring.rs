//! io_uring: where the kernel allows it the worker sends a call's audio
//! through io_uring; with media.toml's `io_uring = false`, or in a process
//! whose seccomp profile forbids `io_uring_setup` (as Docker's default
//! does), it sends through libuv, and the call is heard either way.

use std::time::{Duration, Instant};

use pnl_voice_testkit::flows::{start_call, Call, T};
use pnl_voice_testkit::frames::numbered_frame;
use pnl_voice_testkit::node::{random_address, TestNode};
use pnl_voice_testkit::process::NodeProcess;
use pnl_voice_testkit::prom::Scrape;
use pnl_voice_testkit::signal::SignalClient;
use pnl_voice_testkit::wallet::TestWallet;

const FRAMES: u32 = 50;

/// A speaker's frames reach the listener of `call`.
async fn heard(call: &Call) {
    call.send
        .send_frames(FRAMES, Duration::from_millis(20), |n| numbered_frame(n, 80))
        .await
        .unwrap();
    call.recv.wait_received(u64::from(FRAMES), T).await.unwrap();
}

/// Two users of `node` in a call in a new room without a founder.
async fn call_on(node: &TestNode) -> (SignalClient, SignalClient, Call) {
    let (mut speaker, mut listener) = (
        node.connect(&TestWallet::new()).await,
        node.connect(&TestWallet::new()).await,
    );
    let call = start_call(&mut speaker, &mut listener, &random_address()).await;
    (speaker, listener, call)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audio_goes_out_through_io_uring_where_the_kernel_allows_it() {
    let node = TestNode::start(vec![], |_| {});
    let (_speaker, _listener, call) = call_on(&node).await;
    heard(&call).await;
    let dump = node.worker_dumps().await.remove(0);
    let uring = dump
        .liburing
        .expect("io_uring is on (Linux 6 or later, io_uring_setup allowed)");
    assert!(
        uring.sqe_process_count > 0,
        "the worker's sends went through io_uring: {uring:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_io_uring_off_the_worker_sends_through_libuv() {
    let node = TestNode::start(vec![], |c| c.media.io_uring = false);
    let (_speaker, _listener, call) = call_on(&node).await;
    heard(&call).await;
    assert!(node.worker_dumps().await[0].liburing.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seccomp_profile_that_forbids_io_uring_leaves_calls_heard() {
    let node = NodeProcess::start_without_io_uring("metrics_sample_secs = 1\n").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let scrape = Scrape::of(&node.http()).await;
        match scrape.value("voice_worker_io_uring", &[("worker", "0")]) {
            Some(on) => {
                assert_eq!(on, 0.0, "the worker fell back to libuv");
                break;
            }
            None => assert!(
                Instant::now() < deadline,
                "no io_uring gauge:\n{}",
                scrape.0
            ),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (mut speaker, _) = node.connect(&TestWallet::new()).await;
    let (mut listener, _) = node.connect(&TestWallet::new()).await;
    let call = start_call(&mut speaker, &mut listener, &random_address()).await;
    heard(&call).await;
}
