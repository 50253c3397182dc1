//! `/metrics` during a real call: the `voice_*` series move as users
//! join, speak and leave; signaling requests are counted by method and
//! code; and every metric the shipped Grafana dashboard plots exists.

use std::time::{Duration, Instant};

use pnl_voice_testkit::flows::{join_room, start_call, Call, T};
use pnl_voice_testkit::frames::numbered_frame;
use pnl_voice_testkit::node::random_address;
use pnl_voice_testkit::process::NodeProcess;
use pnl_voice_testkit::prom::Scrape;
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::json;

const DASHBOARD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/docker/grafana/dashboards/pnl-voice.json"
);

/// Series only real browsers make appear: round-trip times need RTCP
/// receiver reports the str0m test client does not send. The browser test
/// (`tests/browser/room.test.mjs`) checks them.
const ONLY_FROM_BROWSERS: &[&str] = &["voice_latency_ms_bucket"];

/// How long a scrape may wait for what it expects: the node samples its
/// workers every second, and on a busy machine a sample can come late.
const SCRAPE_WAIT: Duration = Duration::from_secs(30);

/// Scrapes until `ready` holds (levels are sampled every second).
async fn scrape_until(node: &NodeProcess, what: &str, ready: impl Fn(&Scrape) -> bool) -> Scrape {
    let deadline = Instant::now() + SCRAPE_WAIT;
    loop {
        let scrape = Scrape::of(&node.http()).await;
        if ready(&scrape) {
            return scrape;
        }
        assert!(Instant::now() < deadline, "{what}:\n{}", scrape.0);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_follow_a_real_call() {
    let dir = std::env::temp_dir().join(format!("pnl-voice-metrics-{}", rand::random::<u64>()));
    let node = NodeProcess::start(&format!(
        "metrics_sample_secs = 1\ndata_dir = {:?}\n[rooms]\ndestroy_after_minutes = 0\n",
        dir.display().to_string()
    ))
    .await;
    let idle = scrape_until(&node, "idle levels", |s| {
        s.value("voice_rooms_active", &[]) == Some(0.0)
    })
    .await;
    assert_eq!(idle.value("voice_users_concurrent", &[]), Some(0.0));
    assert_eq!(idle.value("voice_rooms_created_total", &[]), Some(0.0));
    assert_eq!(
        idle.value("voice_worker_rooms", &[("worker", "0")]),
        Some(0.0)
    );
    assert!(
        idle.value("voice_worker_memory_bytes", &[("worker", "0")])
            .unwrap()
            > 0.0
    );
    assert!(idle.value("voice_host_memory_bytes", &[]).unwrap() > 0.0);

    // A call: a speaker (room without a founder: everyone may speak) and a listener.
    let market = random_address();
    let (speaker, listener) = (TestWallet::new(), TestWallet::new());
    let (mut s, _) = node.connect(&speaker).await;
    let (mut l, _) = node.connect(&listener).await;
    let Call {
        caps,
        send,
        producer,
        recv,
        ..
    } = start_call(&mut s, &mut l, &market).await;
    let refused = l
        .request(
            "consume",
            json!({"transportId": "nope", "producerId": producer, "rtpCapabilities": caps}),
        )
        .await;
    assert!(refused.is_err());
    let speaking = send.send_frames(250, Duration::from_millis(20), |n| numbered_frame(n, 80));
    let busy = async {
        scrape_until(&node, "levels and quality during the call", |s| {
            s.value("voice_rooms_active", &[]) == Some(1.0)
                && s.value("voice_users_concurrent", &[]) == Some(2.0)
                && s.value("voice_worker_rooms", &[("worker", "0")]) == Some(1.0)
                && s.value("voice_worker_users", &[("worker", "0")]) == Some(2.0)
                && s.value("voice_sockets_open", &[]) == Some(2.0)
                && s.value("voice_packet_loss_percent_count", &[])
                    .unwrap_or(0.0)
                    >= 2.0
                && s.value("voice_worker_cpu_percent", &[("worker", "0")])
                    .unwrap_or(0.0)
                    > 0.0
        })
        .await
    };
    let (sent, during) = tokio::join!(speaking, busy);
    sent.unwrap();
    recv.wait_received(200, T).await.unwrap();
    assert_eq!(during.value("voice_rooms_created_total", &[]), Some(1.0));
    assert_eq!(during.value("voice_users_joined_total", &[]), Some(2.0));
    let ok = |method| {
        during.value(
            "voice_signaling_requests_total",
            &[("method", method), ("code", "ok")],
        )
    };
    assert_eq!(ok("voice:join"), Some(2.0));
    assert_eq!(ok("produce"), Some(1.0));
    assert_eq!(ok("consume"), Some(1.0));
    assert_eq!(
        during.value(
            "voice_signaling_requests_total",
            &[("method", "consume"), ("code", "NOT_FOUND")]
        ),
        Some(1.0)
    );
    assert!(
        during.value(
            "voice_signaling_request_duration_seconds_count",
            &[("method", "produce")]
        ) == Some(1.0)
    );

    // The listener drops and comes back at once: a reconnection.
    recv.close().await;
    l.close().await;
    let (mut l, _) = node.connect(&listener).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    join_room(&mut l, &market).await;
    let back = scrape_until(&node, "a reconnection", |s| {
        s.value("voice_reconnections_total", &[]) == Some(1.0)
    })
    .await;
    assert_eq!(back.value("voice_users_joined_total", &[]), Some(3.0));
    assert!(
        back.value("voice_user_session_duration_count", &[])
            .unwrap()
            >= 1.0
    );

    // Everyone leaves: the room is destroyed and the levels fall back.
    send.close().await;
    s.close().await;
    l.close().await;
    let after = scrape_until(&node, "levels after the call", |s| {
        s.value("voice_rooms_active", &[]) == Some(0.0)
            && s.value("voice_users_concurrent", &[]) == Some(0.0)
            && s.value("voice_sockets_open", &[]) == Some(0.0)
            && s.value("voice_room_duration_seconds_count", &[]) == Some(1.0)
    })
    .await;
    assert_eq!(
        after.value("voice_user_session_duration_count", &[]),
        Some(3.0)
    );
    assert_eq!(
        after.value("voice_worker_rooms", &[("worker", "0")]),
        Some(0.0)
    );

    // Every metric the dashboard plots is served.
    let dashboard: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(DASHBOARD).unwrap())
            .expect("dashboard JSON parses");
    let served = after.names();
    let panels = dashboard["panels"].as_array().expect("panels");
    assert!(!panels.is_empty());
    for panel in panels {
        let targets = panel["targets"].as_array().expect("targets");
        assert!(!targets.is_empty(), "panel {} has no query", panel["title"]);
        for target in targets {
            let expr = target["expr"].as_str().expect("expr");
            let used: Vec<&str> = expr
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|t| t.starts_with("voice_"))
                .collect();
            assert!(!used.is_empty(), "{expr}");
            for name in used {
                if ONLY_FROM_BROWSERS.contains(&name) {
                    continue;
                }
                let base = ["_bucket", "_count", "_sum"]
                    .iter()
                    .find_map(|s| name.strip_suffix(s))
                    .unwrap_or(name);
                assert!(
                    served.contains(base),
                    "panel {}: {name} is not served",
                    panel["title"]
                );
            }
        }
    }
    drop(node);
    let _ = std::fs::remove_dir_all(dir);
}
