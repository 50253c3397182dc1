//! When a failed delivery is tried again.

use std::time::Duration;

/// Pauses between attempts: `first`, doubling after each failure, never
/// above `max`, for at most `max_attempts` attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The pause after the first failure.
    pub first: Duration,
    /// The longest pause.
    pub max: Duration,
    /// Attempts before a delivery is given up.
    pub max_attempts: u32,
}

/// The pause after the `failures`-th failed attempt (1-based), or `None`
/// when that was the last attempt allowed.
pub fn next_attempt(backoff: &Backoff, failures: u32) -> Option<Duration> {
    if failures >= backoff.max_attempts {
        return None;
    }
    let doublings = failures.saturating_sub(1).min(30);
    Some(
        backoff
            .first
            .saturating_mul(1 << doublings)
            .min(backoff.max),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_the_longest_and_stop_after_the_last_attempt() {
        let backoff = Backoff {
            first: Duration::from_secs(1),
            max: Duration::from_secs(600),
            max_attempts: 30,
        };
        let pauses: Vec<u64> = (1..=12)
            .map(|n| next_attempt(&backoff, n).unwrap().as_secs())
            .collect();
        assert_eq!(pauses, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600]);
        assert_eq!(next_attempt(&backoff, 29), Some(Duration::from_secs(600)));
        assert_eq!(next_attempt(&backoff, 30), None);
        assert_eq!(next_attempt(&backoff, u32::MAX), None);
    }
}
