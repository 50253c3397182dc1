//! `PNL_BENCH_PERF=1`: the server is profiled with Linux `perf` (Debian's
//! `linux-perf`) during each step's steady window, as one would by hand
//! with `perf record -g -p <server pid>`. The recording and two summaries,
//! the share of each shared object (DSO) and the top symbols, go to
//! [`out_dir`] as `perf-<rooms>-<listeners>.data` (not kept in git),
//! `perf-<rooms>-<listeners>-dso.txt` and `…-symbols.txt`.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::report::out_dir;

/// Symbols kept in the summary.
const TOP_SYMBOLS: usize = 40;

/// A `perf record` of the server running for one window.
pub struct Profile {
    child: Child,
    name: String,
}

impl Profile {
    /// Starts recording `pid` for `window` when `PNL_BENCH_PERF` is set;
    /// `name` tells the step apart in the file names.
    pub fn start(pid: u64, window: Duration, name: &str) -> Option<Self> {
        std::env::var_os("PNL_BENCH_PERF")?;
        let out = out_dir();
        std::fs::create_dir_all(&out).ok()?;
        let data = out.join(format!("perf-{name}.data"));
        let child = Command::new("perf")
            .args(["record", "-g", "-q", "-o"])
            .arg(&data)
            .args(["-p", &pid.to_string(), "--", "sleep"])
            .arg(window.as_secs_f64().to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                eprintln!("PNL_BENCH_PERF: perf did not start ({e}); apt install linux-perf")
            })
            .ok()?;
        Some(Self {
            child,
            name: name.to_owned(),
        })
    }

    /// Waits for the recording to end and writes its two summaries.
    pub fn finish(mut self) {
        if !self.child.wait().is_ok_and(|s| s.success()) {
            eprintln!("PNL_BENCH_PERF: perf record failed for {}", self.name);
            return;
        }
        let out = out_dir();
        let data = out.join(format!("perf-{}.data", self.name));
        for (sort, file) in [("dso", "dso"), ("dso,sym", "symbols")] {
            let report = Command::new("perf")
                .args([
                    "report",
                    "--no-children",
                    "--stdio",
                    "-g",
                    "none",
                    "--sort",
                    sort,
                    "-i",
                ])
                .arg(&data)
                .output();
            let Ok(report) = report else { continue };
            let lines: Vec<&str> = std::str::from_utf8(&report.stdout)
                .unwrap_or_default()
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .take(TOP_SYMBOLS)
                .collect();
            let path = out.join(format!("perf-{}-{file}.txt", self.name));
            let _ = std::fs::write(path, lines.join("\n") + "\n");
        }
    }
}
