//! Alerts that really fire: Debian's Prometheus scrapes a single node and
//! the two children of a `pnl-voice cluster` (found through the targets
//! file the cluster writes, file-based discovery), with the shipped
//! prometheus.yml and alerts.yml; when the nodes stop, `VoiceNodeDown`
//! fires and reaches a webhook receiver through Debian's Alertmanager with
//! the shipped alertmanager.yml.
//!
//! The configurations are generated from the shipped files by replacing
//! only the intervals, the addresses and the receiver's URL (each
//! replacement must match once, so a reshaped file fails here loudly);
//! alerts.yml (and recording.yml) are copied unchanged, `for: 1m` included,
//! so the test waits a little over a minute for the alert.

mod webhook;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use pnl_voice_testkit::monitoring::{Alertmanager, Prometheus};
use pnl_voice_testkit::process::NodeProcess;
use pnl_voice_testkit::redis::RedisServer;
use serde_json::Value;

use crate::cluster::Cluster;
use webhook::Webhook;

/// A file of the repository's `docker/` folder.
fn shipped(path: &str) -> String {
    let path = format!("{}/docker/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `text` with `from` replaced by `to`, where `from` occurs exactly once.
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "the shipped file no longer holds `{from}` once: update this test"
    );
    text.replacen(from, to, 1)
}

/// The shipped prometheus.yml with 1 s intervals, the single node at
/// `single`, Alertmanager at `alertmanager`, and coturn at `coturn`
/// (nothing runs there: TurnServerDown may fire, the test ignores it).
/// The `file_sd` pattern stays `targets/voice*.json`, relative to the
/// folder the file is in.
fn prometheus_config(single: &str, alertmanager: &str, coturn: &str) -> String {
    let text = shipped("prometheus/prometheus.yml");
    let text = replace_once(&text, "scrape_interval: 15s", "scrape_interval: 1s");
    let text = replace_once(&text, "evaluation_interval: 15s", "evaluation_interval: 1s");
    let text = replace_once(&text, "\"127.0.0.1:9093\"", &format!("\"{alertmanager}\""));
    let text = replace_once(&text, "\"127.0.0.1:3001\"", &format!("\"{single}\""));
    replace_once(&text, "\"127.0.0.1:9641\"", &format!("\"{coturn}\""))
}

/// The shipped alertmanager.yml sending to `url`, grouping for 1 s.
fn alertmanager_config(url: &str) -> String {
    let text = shipped("alertmanager/alertmanager.yml");
    let text = replace_once(
        &text,
        "\"http://127.0.0.1:5001/alerts\"",
        &format!("\"{url}\""),
    );
    let text = replace_once(&text, "group_wait: 30s", "group_wait: 1s");
    replace_once(&text, "group_interval: 5m", "group_interval: 1s")
}

/// A loopback port nothing listens on.
fn dead_address() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

/// The `voice` job's targets: instance -> (health, `node` label).
async fn voice_targets(prometheus: &Prometheus) -> BTreeMap<String, (String, Option<String>)> {
    let data = prometheus.api("targets?state=active").await;
    data["activeTargets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["labels"]["job"] == "voice")
        .map(|t| {
            (
                t["labels"]["instance"].as_str().unwrap().to_string(),
                (
                    t["health"].as_str().unwrap().to_string(),
                    t["labels"]["node"].as_str().map(str::to_string),
                ),
            )
        })
        .collect()
}

/// The instances of the `VoiceNodeDown` alerts received firing.
fn node_down_instances(webhook: &Webhook) -> BTreeMap<String, Value> {
    webhook
        .alerts()
        .into_iter()
        .filter(|a| a["status"] == "firing" && a["labels"]["alertname"] == "VoiceNodeDown")
        .map(|a| (a["labels"]["instance"].as_str().unwrap().to_string(), a))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopped_nodes_fire_voice_node_down_through_alertmanager_to_the_webhook() {
    let webhook = Webhook::start();
    let alertmanager = Alertmanager::start(&alertmanager_config(&webhook.url())).await;
    let single = NodeProcess::start("").await;
    let single_address = format!("127.0.0.1:{}", single.port);
    let prometheus = Prometheus::start(&[
        (
            "prometheus.yml",
            &prometheus_config(&single_address, &alertmanager.address(), &dead_address()),
        ),
        ("alerts.yml", &shipped("prometheus/alerts.yml")),
        ("recording.yml", &shipped("prometheus/recording.yml")),
        // The targets folder, as in the repository: Prometheus watches it
        // only if it exists when Prometheus starts.
        (
            "targets/.gitignore",
            &shipped("prometheus/targets/.gitignore"),
        ),
    ])
    .await;

    let alert_rules = prometheus.api("rules?type=alert").await;
    let loaded = alert_rules["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["rules"].as_array().unwrap().len())
        .sum::<usize>();
    assert_eq!(
        loaded,
        shipped("prometheus/alerts.yml").matches("- alert:").count(),
        "every shipped alert is loaded: {alert_rules}"
    );

    let targets_file = prometheus.dir().join("targets/voice-cluster.json");
    let redis = RedisServer::start();
    let cluster = Cluster::start_with(
        &redis,
        &[
            (
                "PNL_VOICE_PROMETHEUS_TARGETS_FILE",
                targets_file.to_str().unwrap(),
            ),
            // Children stop at once on SIGTERM (no readiness drain delay).
            ("PNL_VOICE_SHUTDOWN_DELAY_SECS", "0"),
        ],
    );
    cluster.wait_pid(0, None).await;
    cluster.wait_pid(1, None).await;

    let children = [
        (format!("127.0.0.1:{}", cluster.base), "t-0"),
        (format!("127.0.0.1:{}", cluster.base + 1), "t-1"),
    ];
    let mut expected = BTreeMap::from([(single_address.clone(), ("up".to_string(), None))]);
    for (address, node) in &children {
        expected.insert(address.clone(), ("up".into(), Some(node.to_string())));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let targets = voice_targets(&prometheus).await;
        if targets == expected {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "one up target per node, each child labelled with its node id: want {expected:?}, have {targets:?}\n{}",
            prometheus.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(
        node_down_instances(&webhook).is_empty(),
        "no node is down yet"
    );

    // The nodes stop: the single one killed, the cluster stopped whole (a
    // single child killed would be started again by the supervisor). The
    // targets file stays, so Prometheus keeps scraping the children.
    drop(single);
    drop(cluster);

    // `for: 1m`, then Alertmanager's 1 s grouping: about 65 s.
    let deadline = Instant::now() + Duration::from_secs(150);
    let received = loop {
        let received = node_down_instances(&webhook);
        if received.len() == expected.len() {
            break received;
        }
        assert!(
            Instant::now() < deadline,
            "VoiceNodeDown for every stopped node reaches the webhook: have {:?}\nPrometheus:\n{}\nAlertmanager:\n{}",
            received.keys().collect::<Vec<_>>(),
            prometheus.log_tail(),
            alertmanager.log_tail()
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    assert_eq!(
        received.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (address, node) in &children {
        assert_eq!(received[address]["labels"]["node"], *node, "{address}");
    }
    let alert = &received[&single_address];
    assert_eq!(alert["labels"]["job"], "voice");
    assert_eq!(alert["labels"]["severity"], "critical");
    assert_eq!(
        alert["annotations"]["runbook_url"],
        "https://github.com/pnl-voice/pnl-voice/blob/main/docs/operations.md#voicenodedown"
    );
    assert_eq!(
        alert["annotations"]["summary"],
        format!("pnl-voice node {single_address} is not answering /metrics")
    );
}
