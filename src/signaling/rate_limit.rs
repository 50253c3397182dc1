//! A token bucket for one socket's requests.

use std::time::{Duration, Instant};

/// Allows `rate` requests per second on average, in bursts of up to `rate`.
#[derive(Debug)]
pub struct TokenBucket {
    rate: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(rate: u32, now: Instant) -> Self {
        Self {
            rate: f64::from(rate),
            tokens: f64::from(rate),
            last: now,
        }
    }

    /// How long until a token is back, as of the last `allow`.
    pub fn wait(&self) -> Duration {
        Duration::from_secs_f64(((1.0 - self.tokens) / self.rate).max(0.0))
    }

    /// Takes a token if there is one.
    pub fn allow(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.rate);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_burst_then_refills_at_the_rate() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(50, t0);
        assert_eq!((0..60).filter(|_| bucket.allow(t0)).count(), 50);
        assert!(!bucket.allow(t0));
        assert!(bucket.wait() > Duration::ZERO && bucket.wait() <= Duration::from_millis(20));
        let later = t0 + Duration::from_millis(100);
        assert_eq!((0..10).filter(|_| bucket.allow(later)).count(), 5);
        let much_later = t0 + Duration::from_secs(60);
        assert_eq!((0..100).filter(|_| bucket.allow(much_later)).count(), 50);
    }
}
