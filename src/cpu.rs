//! This process's CPU use, from `/proc/self/stat` (Linux).

use std::time::Instant;

/// Measures the process's CPU time between two samples.
#[derive(Debug, Default)]
pub struct CpuMeter {
    last: Option<(Instant, u64)>,
}

impl CpuMeter {
    /// CPU use since the previous sample, in percent of `cores` cores;
    /// `None` on the first sample or where `/proc` is missing.
    pub fn sample(&mut self, cores: usize) -> Option<f32> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        let ticks = cpu_ticks(&stat)?;
        let now = Instant::now();
        let previous = self.last.replace((now, ticks));
        let (then, before) = previous?;
        let elapsed = now.duration_since(then).as_secs_f64();
        // SAFETY: sysconf only reads a system constant.
        let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
        if elapsed <= 0.0 || per_second <= 0.0 {
            return None;
        }
        let busy = ticks.saturating_sub(before) as f64 / per_second;
        Some((100.0 * busy / elapsed / cores.max(1) as f64) as f32)
    }
}

/// User + system clock ticks from the text of `/proc/<pid>/stat`.
pub fn cpu_ticks(stat: &str) -> Option<u64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
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
    fn the_second_sample_gives_a_percentage() {
        let mut meter = CpuMeter::default();
        assert_eq!(meter.sample(1), None);
        let value = meter.sample(1).expect("a percentage on Linux");
        assert!(value >= 0.0);
    }
}
