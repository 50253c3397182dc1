//! The run's report: a Markdown summary on stdout, `soak.json` and
//! `soak.svg` (memory and counts over time).

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};

use crate::sample::Sample;

/// Resource counts shown, in order.
const COUNTS: [&str; 13] = [
    "routers",
    "webrtcServers",
    "transports",
    "producers",
    "consumers",
    "dataProducers",
    "dataConsumers",
    "rtpObservers",
    "rooms",
    "participants",
    "sessions",
    "reservations",
    "sockets",
];
/// Registry key prefixes shown.
const KEYS: [&str; 8] = [
    "room",
    "user",
    "queue",
    "node-rooms",
    "node-users",
    "node",
    "worker",
    "nodes",
];

/// Everything the run measured.
pub struct Report {
    /// The sizes and server timers it ran with.
    pub settings: Value,
    /// What the clients did during the warm-up.
    pub warmup: Value,
    /// What the clients did during the soak proper.
    pub soak: Value,
    /// Before any client.
    pub fresh: Sample,
    /// After the warm-up's clients left and the server settled, and how
    /// long settling took.
    pub baseline: (Sample, Duration),
    /// After the soak's clients left and the server settled.
    pub end: (Sample, Duration),
    /// Every sample, in order.
    pub samples: Vec<Sample>,
    /// How far above the baseline the final RSS may be and count as near.
    pub rss_tolerance_mib: f64,
}

impl Report {
    /// Whether every count returned to zero, after the warm-up and at the end.
    pub fn clean(&self) -> bool {
        self.baseline.0.leftovers().is_empty() && self.end.0.leftovers().is_empty()
    }

    /// Whether the final RSS is within the tolerance of the baseline.
    pub fn rss_near_baseline(&self) -> bool {
        self.end.0.rss_mib <= self.baseline.0.rss_mib + self.rss_tolerance_mib
    }

    fn soak_samples(&self) -> impl Iterator<Item = &Sample> {
        self.samples.iter().filter(|s| s.phase == "soak")
    }

    fn peak(&self, value: impl Fn(&Sample) -> f64) -> f64 {
        self.soak_samples().map(value).fold(0.0, f64::max)
    }

    /// Prints the summary.
    pub fn print(&self) {
        let t = |k: &str| self.soak[k].as_u64().unwrap_or(0);
        println!("Settings: {}", self.settings);
        println!();
        println!("| room cycles (founded / open) | joins | leaves | closes | drops | silent | reconnects | abandoned reservations | raised hands |");
        println!("|---|---|---|---|---|---|---|---|---|");
        println!(
            "| {} / {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            t("foundedRooms"),
            t("openRooms"),
            t("joins"),
            t("leaves"),
            t("closes"),
            t("drops"),
            t("silentVanishes"),
            t("reconnects"),
            t("abandonedReservations"),
            t("raisedHands"),
        );
        println!();
        println!(
            "| producers | consumers | frames sent | frames expected | frames received | loss % |"
        );
        println!("|---|---|---|---|---|---|");
        println!(
            "| {} | {} | {} | {} | {} | {:.3} |",
            t("producers"),
            t("consumers"),
            t("framesSent"),
            t("framesExpected"),
            t("framesReceived"),
            self.soak["lossPercent"].as_f64().unwrap_or(f64::NAN),
        );
        println!();
        println!("| count | fresh | after warm-up | peak during soak | after soak |");
        println!("|---|---|---|---|---|");
        for name in COUNTS {
            println!(
                "| {name} | {} | {} | {} | {} |",
                self.fresh.count(name),
                self.baseline.0.count(name),
                self.peak(|s| s.count(name) as f64),
                self.end.0.count(name),
            );
        }
        let key = |s: &Sample, k: &str| s.keys.get(k).copied().unwrap_or(0);
        for k in KEYS {
            println!(
                "| registry `{k}` keys | {} | {} | {} | {} |",
                key(&self.fresh, k),
                key(&self.baseline.0, k),
                self.peak(|s| key(s, k) as f64),
                key(&self.end.0, k),
            );
        }
        println!();
        println!("| RSS MiB: fresh | after warm-up (baseline) | peak during soak | after soak | after − baseline | tolerance |");
        println!("|---|---|---|---|---|---|");
        println!(
            "| {:.1} | {:.1} | {:.1} | {:.1} | {:+.1} | {:.1} |",
            self.fresh.rss_mib,
            self.baseline.0.rss_mib,
            self.peak(|s| s.rss_mib),
            self.end.0.rss_mib,
            self.end.0.rss_mib - self.baseline.0.rss_mib,
            self.rss_tolerance_mib,
        );
        println!();
        println!(
            "Settled in {:.0} s after the warm-up and {:.0} s after the soak.",
            self.baseline.1.as_secs_f64(),
            self.end.1.as_secs_f64()
        );
        println!("Client-side errors: {}", self.soak["errors"]);
        for (when, sample) in [
            ("after the warm-up", &self.baseline.0),
            ("after the soak", &self.end.0),
        ] {
            let left = sample.leftovers();
            if left.is_empty() {
                println!("Every count returned to zero {when}.");
            } else {
                println!("LEFT OVER {when}: {left:?}");
            }
        }
        println!(
            "RSS {} the baseline (+{:.1} MiB allowed).",
            if self.rss_near_baseline() {
                "returned near"
            } else {
                "did NOT return near"
            },
            self.rss_tolerance_mib
        );
    }

    /// Writes `soak.json` and `soak.svg` into `dir`.
    pub fn write(&self, dir: &Path) {
        std::fs::create_dir_all(dir).unwrap();
        let leftovers = |s: &Sample| -> Value {
            s.leftovers()
                .into_iter()
                .map(|(name, n)| (name, json!(n)))
                .collect::<serde_json::Map<_, _>>()
                .into()
        };
        let body = json!({
            "settings": self.settings,
            "warmup": self.warmup,
            "soak": self.soak,
            "fresh": self.fresh.to_json(),
            "baseline": self.baseline.0.to_json(),
            "baselineSettleSecs": self.baseline.1.as_secs_f64(),
            "end": self.end.0.to_json(),
            "endSettleSecs": self.end.1.as_secs_f64(),
            "leftoversAfterWarmup": leftovers(&self.baseline.0),
            "leftoversAtEnd": leftovers(&self.end.0),
            "rssPeakMiB": self.peak(|s| s.rss_mib),
            "rssToleranceMiB": self.rss_tolerance_mib,
            "rssNearBaseline": self.rss_near_baseline(),
            "clean": self.clean(),
            "samples": self.samples.iter().map(Sample::to_json).collect::<Vec<_>>(),
        });
        std::fs::write(
            dir.join("soak.json"),
            serde_json::to_string_pretty(&body).unwrap(),
        )
        .unwrap();
        plot(&dir.join("soak.svg"), &self.samples);
    }
}

/// RSS (top) and resource counts (bottom) against minutes.
fn plot(path: &Path, samples: &[Sample]) {
    use crate::common::report::{chart, legend, line};
    use plotters::prelude::*;
    let root = SVGBackend::new(path, (900, 640)).into_drawing_area();
    root.fill(&WHITE).unwrap();
    let (top, bottom) = root.split_vertically(300);
    let minutes = |s: &Sample| s.t / 60.0;
    let x_max = samples.last().map(minutes).unwrap_or(1.0).max(0.1);
    let rss_max = samples.iter().map(|s| s.rss_mib).fold(1.0, f64::max) * 1.1;
    let mut rss = chart(&top, "Server RSS", ("minutes", x_max), ("MiB", rss_max));
    let points: Vec<(f64, f64)> = samples.iter().map(|s| (minutes(s), s.rss_mib)).collect();
    line(&mut rss, &points, BLUE, "RSS", false);
    let series: [(&str, RGBColor); 6] = [
        ("rooms", BLACK),
        ("participants", BLUE),
        ("transports", GREEN),
        ("consumers", RED),
        ("sockets", MAGENTA),
        ("reservations", CYAN),
    ];
    let y_max = samples
        .iter()
        .flat_map(|s| series.iter().map(|(name, _)| s.count(name)))
        .fold(1, u64::max) as f64
        * 1.1;
    let mut counts = chart(
        &bottom,
        "Resource counts",
        ("minutes", x_max),
        ("count", y_max),
    );
    for (name, color) in series {
        let points: Vec<(f64, f64)> = samples
            .iter()
            .map(|s| (minutes(s), s.count(name) as f64))
            .collect();
        line(&mut counts, &points, color, name, false);
    }
    legend(&mut counts);
    root.present().unwrap();
}
