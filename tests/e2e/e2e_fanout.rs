//! A room bigger than one worker: past the fan-out threshold, a new
//! listener's receive transport goes to a router on another worker fed
//! through pipeToRouter, and hears the speaker like everyone else; when the
//! speaker leaves, the pipes go with its producer.

use std::time::Duration;

use pnl_voice_testkit::flows::{start_listening, start_speaking, T};
use pnl_voice_testkit::frames::{frame_number, numbered_frame};
use pnl_voice_testkit::node::{random_address, TestNode};
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_on_a_piped_router_hears_the_speaker() {
    let node = TestNode::start(vec![], |c| {
        c.workers = Some(2);
        c.rooms.fanout_listeners_per_router = 1;
    });
    let market = random_address();
    let (speaker, near, far) = (TestWallet::new(), TestWallet::new(), TestWallet::new());

    let mut s = node.connect(&speaker).await;
    let caps = s
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap()["rtpCapabilities"]
        .clone();
    let (send, producer) = start_speaking(&mut s, &caps).await;
    let mut n = node.connect(&near).await;
    n.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let (near_recv, _) = start_listening(&mut n, &caps, &producer).await;
    assert_eq!(
        node.worker_dump_counts().await.0,
        1,
        "one listener fits the main router"
    );

    let mut f = node.connect(&far).await;
    f.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let (far_recv, far_mid) = start_listening(&mut f, &caps, &producer).await;
    let per_worker: Vec<usize> = {
        let mut counts = Vec::new();
        for slot in node.server.app.hub.pool().workers() {
            counts.push(slot.worker.dump().await.unwrap().router_ids.len());
        }
        counts
    };
    assert_eq!(
        per_worker,
        vec![1, 1],
        "the second listener got a router on the other worker"
    );

    for t in [&send, &near_recv, &far_recv] {
        t.wait_connected(T).await.unwrap();
    }
    send.send_frames(30, Duration::from_millis(20), |n| numbered_frame(n, 70))
        .await
        .unwrap();
    far_recv
        .wait_received(25, T)
        .await
        .expect("audio through the pipe");
    near_recv.wait_received(25, T).await.unwrap();
    let numbers: Vec<u32> = far_recv
        .received_on(&far_mid)
        .iter()
        .filter_map(|p| frame_number(p))
        .collect();
    assert!(
        numbers.windows(2).all(|w| w[0] < w[1]),
        "in order through the pipe"
    );

    s.request("voice:leave", json!({})).await.unwrap();
    for ws in [&mut n, &mut f] {
        let closed = ws
            .next_event("voice:producer_closed", T)
            .await
            .expect("producer_closed");
        assert_eq!(closed["producerId"], producer);
    }
    let room = node
        .server
        .app
        .hub
        .running_rooms()
        .pop()
        .expect("the room runs");
    let deadline = tokio::time::Instant::now() + T;
    while !room
        .dump()
        .await
        .unwrap()
        .map_producer_id_consumer_ids
        .is_empty()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the pipe consumer went with the producer"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(room);
    drop((n, f, s));
    assert_eq!(node.wait_idle(T).await, Default::default());
    assert_eq!(
        node.wait_worker_empty(T).await,
        (0, 0),
        "every router, piped ones too, is closed"
    );
    for t in [send, near_recv, far_recv] {
        t.close().await;
    }
}
