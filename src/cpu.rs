//! This process's CPU and memory use, and its threads, from `/proc`
//! (Linux; `None` or empty elsewhere).

use std::collections::HashSet;
use std::time::Instant;

/// `comm` of mediasoup worker threads (their name, cut to 15 bytes).
const WORKER_THREAD_NAME: &str = "mediasoup-worke";

/// Measures the CPU time of the process, or of one of its threads, between
/// two samples.
#[derive(Debug)]
pub struct CpuMeter {
    stat: String,
    last: Option<(Instant, u64)>,
}

impl Default for CpuMeter {
    fn default() -> Self {
        Self {
            stat: "/proc/self/stat".into(),
            last: None,
        }
    }
}

impl CpuMeter {
    /// CPU use since the previous sample, in percent of `cores` cores;
    /// `None` on the first sample or where `/proc` is missing.
    pub fn sample(&mut self, cores: usize) -> Option<f32> {
        let stat = std::fs::read_to_string(&self.stat).ok()?;
        let ticks = cpu_ticks(&stat)?;
        let now = Instant::now();
        let previous = self.last.replace((now, ticks));
        let (then, before) = previous?;
        let elapsed = now.duration_since(then).as_secs_f64();
        let per_second = ticks_per_second()?;
        if elapsed <= 0.0 {
            return None;
        }
        let busy = ticks.saturating_sub(before) as f64 / per_second;
        Some((100.0 * busy / elapsed / cores.max(1) as f64) as f32)
    }
}

/// CPU time (user + system) of this process's thread `tid` so far, in
/// seconds; `None` where `/proc` is missing or the thread has ended.
pub fn thread_cpu_seconds(tid: i32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
    Some(cpu_ticks(&stat)? as f64 / ticks_per_second()?)
}

/// Clock ticks per second, the unit of `/proc`'s CPU times.
fn ticks_per_second() -> Option<f64> {
    // SAFETY: sysconf only reads a system constant.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    (per_second > 0).then_some(per_second as f64)
}

/// User + system clock ticks from the text of `/proc/<pid>/stat`.
pub fn cpu_ticks(stat: &str) -> Option<u64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
}

/// Ids of this process's mediasoup worker threads.
pub fn worker_threads() -> HashSet<i32> {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return HashSet::new();
    };
    tasks
        .flatten()
        .filter(|task| {
            std::fs::read_to_string(task.path().join("comm"))
                .is_ok_and(|name| name.trim_end() == WORKER_THREAD_NAME)
        })
        .filter_map(|task| task.file_name().to_str()?.parse().ok())
        .collect()
}

/// Resident memory of this process, in bytes.
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf only reads a system constant.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    Some(pages * u64::try_from(page).ok()?)
}

/// The machine's memory, in bytes (`MemTotal`).
pub fn host_memory_bytes() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_user_and_system_ticks_even_with_odd_process_names() {
        let stat = "4242 (pnl voice) (x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 150 25 0 0 20 0 9 0 100 0 0";
        assert_eq!(cpu_ticks(stat), Some(175));
        assert_eq!(cpu_ticks("garbage"), None);
    }

    #[test]
    fn memory_figures_are_read() {
        assert!(resident_bytes().is_some_and(|b| b > 0));
        assert!(host_memory_bytes().is_some_and(|b| b > resident_bytes().unwrap()));
    }

    #[test]
    fn a_thread_of_this_process_has_a_cpu_time() {
        // SAFETY: gettid has no preconditions.
        let tid = unsafe { libc::gettid() };
        assert!(thread_cpu_seconds(tid).is_some_and(|s| s >= 0.0));
        assert_eq!(thread_cpu_seconds(-1), None);
    }

    #[test]
    fn the_second_sample_gives_a_percentage() {
        let mut meter = CpuMeter::default();
        assert_eq!(meter.sample(1), None);
        let value = meter.sample(1).expect("a percentage on Linux");
        assert!(value >= 0.0);
    }
}
