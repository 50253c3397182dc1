//! `/metrics` during a real call: the `voice_*` series move as users
//! join, speak and leave; signaling requests are counted by method and
//! code; and every metric the shipped Grafana dashboard queries (panels and
//! template variables) is served by the node.

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

/// The recording rules that give the earlier metric names back: their names
/// are Prometheus's, not the node's.
const RECORDING_RULES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/docker/prometheus/recording.yml"
);

/// Prometheus's own series the dashboard reads (targets being scraped).
const PROMETHEUS_SERIES: &[&str] = &["up"];

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
    let cpu_idle = idle
        .value("voice_worker_cpu_seconds_total", &[("worker", "0")])
        .expect("the worker's CPU time");

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
                && s.value("voice_packet_loss_ratio_count", &[]).unwrap_or(0.0) >= 2.0
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
        back.value("voice_user_session_duration_seconds_count", &[])
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
        after.value("voice_user_session_duration_seconds_count", &[]),
        Some(3.0)
    );
    assert_eq!(
        after.value("voice_worker_rooms", &[("worker", "0")]),
        Some(0.0)
    );
    // A counter: whole seconds, so a short call may not move it.
    assert!(
        after
            .value("voice_worker_cpu_seconds_total", &[("worker", "0")])
            .unwrap()
            >= cpu_idle
    );

    // Every metric the dashboard queries is served.
    dashboard_queries_served(&after);
    drop(node);
    let _ = std::fs::remove_dir_all(dir);
}

/// Checks that every metric named in the dashboard's queries (panels and
/// template variables) is a series `scrape` serves, or one of Prometheus's
/// own (`up`, the recording rules' names).
fn dashboard_queries_served(scrape: &Scrape) {
    let dashboard: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(DASHBOARD).unwrap())
            .expect("dashboard JSON parses");
    let recorded = recorded_names();
    let served = scrape.names();
    let panels = dashboard["panels"].as_array().expect("panels");
    assert!(!panels.is_empty());
    let mut queries: Vec<(String, &str)> = Vec::new();
    for panel in panels.iter().filter(|p| p["type"] != "row") {
        let title = format!("panel {}", panel["title"]);
        let targets = panel["targets"].as_array().expect("targets");
        assert!(!targets.is_empty(), "{title} has no query");
        for target in targets {
            queries.push((title.clone(), target["expr"].as_str().expect("expr")));
        }
    }
    for variable in dashboard["templating"]["list"]
        .as_array()
        .expect("variables")
    {
        let query = &variable["query"];
        let query = query["query"].as_str().or(query.as_str()).expect("query");
        queries.push((format!("variable {}", variable["name"]), query));
    }
    for (what, expr) in queries {
        let used: Vec<&str> = expr
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|t| {
                t.starts_with("voice_")
                    || t.starts_with("process_")
                    || PROMETHEUS_SERIES.contains(t)
            })
            .collect();
        assert!(!used.is_empty(), "{what}: no metric in {expr}");
        for name in used {
            if PROMETHEUS_SERIES.contains(&name) || recorded.iter().any(|r| r == name) {
                continue;
            }
            let base = ["_bucket", "_count", "_sum"]
                .iter()
                .find_map(|s| name.strip_suffix(s))
                .unwrap_or(name);
            assert!(served.contains(base), "{what}: {name} is not served");
        }
    }
}

/// The names the recording rules record (`- record: NAME` lines).
fn recorded_names() -> Vec<String> {
    std::fs::read_to_string(RECORDING_RULES)
        .unwrap()
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- record:"))
        .map(|name| name.trim().to_string())
        .collect()
}
