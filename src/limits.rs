//! Limits on what one wallet or one client address may start: new rooms
//! per minute (per wallet and per address) and reports per member per
//! room per minute. Keyed token buckets (`governor`), each refilled over a
//! minute; a key whose bucket is full again is forgotten
//! ([`ActionLimits::forget_idle`]), so idle wallets and addresses cost
//! nothing.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::address::Address;
use crate::config::Limits;
use crate::error::ApiError;

/// The node's limits on new rooms and reports.
pub struct ActionLimits {
    rooms_by_wallet: Option<DefaultKeyedRateLimiter<Address>>,
    rooms_by_ip: Option<DefaultKeyedRateLimiter<IpAddr>>,
    reports: Option<DefaultKeyedRateLimiter<(Address, Address)>>,
}

/// A keyed limiter of `per_minute` (none at 0).
fn per_minute<K: Hash + Eq + Clone>(per_minute: u32) -> Option<DefaultKeyedRateLimiter<K>> {
    NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n)))
}

/// Takes a token from `key`'s bucket in `limiter`; without one, the wait
/// until the next.
fn allowed<K: Hash + Eq + Clone>(
    limiter: &Option<DefaultKeyedRateLimiter<K>>,
    key: &K,
) -> Result<(), Duration> {
    match limiter {
        Some(l) => l
            .check_key(key)
            .map_err(|refused| refused.wait_time_from(DefaultClock::default().now())),
        None => Ok(()),
    }
}

impl ActionLimits {
    /// The limits `limits` sets.
    pub fn new(limits: &Limits) -> Self {
        Self {
            rooms_by_wallet: per_minute(limits.rooms_per_minute_per_wallet),
            rooms_by_ip: per_minute(limits.rooms_per_minute_per_ip),
            reports: per_minute(limits.reports_per_minute),
        }
    }

    /// `wallet`, from `client`, starts a room: `RATE_LIMITED` past the
    /// wallet's or the address's rooms per minute.
    pub fn start_room(&self, wallet: &Address, client: Option<IpAddr>) -> Result<(), ApiError> {
        client
            .map_or(Ok(()), |ip| allowed(&self.rooms_by_ip, &ip))
            .and_then(|()| allowed(&self.rooms_by_wallet, wallet))
            .map_err(|wait| {
                ApiError::rate_limited(
                    "too many new rooms from this wallet or address; join a running room or wait a minute",
                    wait,
                )
            })
    }

    /// `reporter` files a report in `room`: `RATE_LIMITED` past its reports
    /// per minute there.
    pub fn report(&self, reporter: &Address, room: &Address) -> Result<(), ApiError> {
        allowed(&self.reports, &(reporter.clone(), room.clone())).map_err(|wait| {
            ApiError::rate_limited("too many reports in this room; wait a minute", wait)
        })
    }

    /// Forgets the keys whose buckets are full again.
    pub fn forget_idle(&self) {
        fn forget<K: Hash + Eq + Clone>(limiter: &Option<DefaultKeyedRateLimiter<K>>) {
            if let Some(l) = limiter {
                l.retain_recent();
                l.shrink_to_fit();
            }
        }
        forget(&self.rooms_by_wallet);
        forget(&self.rooms_by_ip);
        forget(&self.reports);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn address(n: u8) -> Address {
        Address::from_bytes([n; 32])
    }

    #[test]
    fn rooms_and_reports_are_limited_per_key() {
        let limits = ActionLimits::new(&Limits {
            rooms_per_minute_per_wallet: 2,
            rooms_per_minute_per_ip: 3,
            reports_per_minute: 1,
            ..Limits::default()
        });
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let other_ip: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(limits.start_room(&address(1), Some(ip)).is_ok());
        assert!(limits.start_room(&address(1), Some(ip)).is_ok());
        let refused = limits.start_room(&address(1), Some(other_ip)).unwrap_err();
        assert_eq!(refused.code, ErrorCode::RateLimited, "the wallet's share");
        let wait = refused.retry_after_secs.expect("the wait is said");
        assert!(
            (1..=60).contains(&wait),
            "a token comes back within the minute: {wait}"
        );
        assert!(limits.start_room(&address(2), Some(ip)).is_ok());
        let refused = limits.start_room(&address(3), Some(ip)).unwrap_err();
        assert_eq!(refused.code, ErrorCode::RateLimited, "the address's share");
        assert!(limits.start_room(&address(3), Some(other_ip)).is_ok());

        assert!(limits.report(&address(1), &address(9)).is_ok());
        assert!(limits.report(&address(1), &address(9)).is_err());
        assert!(limits.report(&address(1), &address(8)).is_ok(), "per room");
        assert!(
            limits.report(&address(2), &address(9)).is_ok(),
            "per reporter"
        );
    }

    #[test]
    fn zero_means_no_limit() {
        let limits = ActionLimits::new(&Limits {
            rooms_per_minute_per_wallet: 0,
            rooms_per_minute_per_ip: 0,
            reports_per_minute: 0,
            ..Limits::default()
        });
        for _ in 0..100 {
            assert!(limits.start_room(&address(1), None).is_ok());
            assert!(limits.report(&address(1), &address(2)).is_ok());
        }
    }
}
