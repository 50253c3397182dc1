//! A fresh node's first `/metrics` scrape already has every documented
//! series (docs/operations.md, "Metrics"): counters at 0, gauges sampled,
//! histograms empty but rendered, the worker's labelled series, the
//! signaling series of every method, `voice_build_info` and `process_*`.
//! Dashboards and alerts then read zero instead of "no data".

use pnl_voice::protocol::Command;
use pnl_voice::telemetry::names;
use pnl_voice_testkit::process::NodeProcess;
use pnl_voice_testkit::prom::Scrape;

const OPERATIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/operations.md");

/// The recording rules that rewrite buckets' `le` to the earlier units.
const RECORDING_RULES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/docker/prometheus/recording.yml"
);

/// The `process_*` series the operations guide promises (from the
/// `metrics-process` crate).
const PROCESS_SERIES: &[&str] = &[
    "process_cpu_seconds_total",
    "process_resident_memory_bytes",
    "process_virtual_memory_bytes",
    "process_virtual_memory_max_bytes",
    "process_open_fds",
    "process_max_fds",
    "process_start_time_seconds",
    "process_threads",
];

/// Histograms with no label, rendered before their first sample.
const HISTOGRAMS: &[&str] = &[
    names::ROOM_DURATION,
    names::USER_SESSION_DURATION,
    names::RTT_SECONDS,
    names::PACKET_LOSS_RATIO,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_nodes_first_scrape_has_every_documented_series() {
    let dir = std::env::temp_dir().join(format!("pnl-voice-fresh-{}", rand::random::<u64>()));
    // Samples far apart: only the sample taken before serving can count.
    let node = NodeProcess::start(&format!(
        "metrics_sample_secs = 3600\ndata_dir = {:?}\n",
        dir.display().to_string()
    ))
    .await;
    let first = Scrape::of(&node.http()).await;
    let served = first.names();

    let documented = documented_series();
    for name in names::ALL.iter().chain(PROCESS_SERIES) {
        assert!(
            documented.iter().any(|d| d == name),
            "{name} is served but not in docs/operations.md, \"Metrics\""
        );
    }
    for name in &documented {
        assert!(served.contains(name), "{name} is missing:\n{}", first.0);
    }

    for name in HISTOGRAMS {
        assert_eq!(
            first.value(&format!("{name}_count"), &[]),
            Some(0.0),
            "{name}"
        );
        assert_eq!(
            first.value(&format!("{name}_sum"), &[]),
            Some(0.0),
            "{name}"
        );
        assert_eq!(
            first.value(&format!("{name}_bucket"), &[("le", "+Inf")]),
            Some(0.0),
            "{name}"
        );
    }
    for name in [
        names::ROOMS_CREATED,
        names::USERS_JOINED,
        names::RECONNECTIONS,
        names::STORE_DROPPED,
        names::ROOMS_ACTIVE,
        names::USERS_CONCURRENT,
        names::SOCKETS_OPEN,
    ] {
        assert_eq!(first.value(name, &[]), Some(0.0), "{name}");
    }
    let worker = [("worker", "0")];
    assert_eq!(first.value(names::WORKER_ROOMS, &worker), Some(0.0));
    assert_eq!(first.value(names::WORKER_USERS, &worker), Some(0.0));
    assert!(first.value(names::WORKER_CPU_SECONDS, &worker).is_some());
    assert!(first.value(names::WORKER_MEMORY, &worker).unwrap() > 0.0);
    assert!(first.value(names::HOST_MEMORY, &[]).unwrap() > 0.0);
    for &method in Command::METHODS {
        let ok = [("method", method), ("code", "ok")];
        assert_eq!(
            first.value(names::SIGNALING_REQUESTS, &ok),
            Some(0.0),
            "{method}"
        );
        let count = format!("{}_count", names::SIGNALING_SECONDS);
        assert_eq!(
            first.value(&count, &[("method", method)]),
            Some(0.0),
            "{method}"
        );
    }

    let build = first
        .0
        .lines()
        .find(|l| l.starts_with("voice_build_info{"))
        .expect("voice_build_info");
    assert!(
        build.contains(&format!("version=\"{}\"", env!("CARGO_PKG_VERSION")))
            && build.contains("revision=\"")
            && build.ends_with(" 1"),
        "{build}"
    );
    for name in [names::RTT_SECONDS, names::PACKET_LOSS_RATIO] {
        let bucket = format!("{name}_bucket");
        assert_eq!(
            bucket_bounds(&first.0, &format!("{bucket}{{")),
            bucket_bounds(
                &std::fs::read_to_string(RECORDING_RULES).unwrap(),
                &format!("{bucket}{{")
            ),
            "the recording rules rewrite exactly the buckets of {name} the node serves"
        );
    }
    assert!(first.value("process_resident_memory_bytes", &[]).unwrap() > 0.0);
    assert!(first.value("process_start_time_seconds", &[]).unwrap() > 0.0);
    drop(node);
    let _ = std::fs::remove_dir_all(dir);
}

/// The series named in the first column of the "Metrics" table of
/// docs/operations.md (backquoted, labels in braces left off).
fn documented_series() -> Vec<String> {
    let text = std::fs::read_to_string(OPERATIONS).unwrap();
    let section = text
        .split("\n## Metrics\n")
        .nth(1)
        .expect("a Metrics section")
        .split("\n## ")
        .next()
        .unwrap();
    let names: Vec<String> = section
        .lines()
        .take_while(|l| !l.starts_with("### "))
        .filter(|l| l.starts_with("| `"))
        .filter_map(|row| row.split('|').nth(1))
        .flat_map(|cell| cell.split('`').skip(1).step_by(2))
        .map(|name| name.split('{').next().unwrap().to_string())
        .collect();
    assert!(!names.is_empty(), "no series in the Metrics table");
    names
}

/// The `le` values that follow `prefix` (`name_bucket{`) in `text`.
fn bucket_bounds(text: &str, prefix: &str) -> std::collections::BTreeSet<String> {
    text.split(prefix)
        .skip(1)
        .filter_map(|rest| rest.split("le=\"").nth(1)?.split('"').next())
        .map(str::to_string)
        .collect()
}
