//! The set of audible speakers, with hysteresis: a speaker joins the set
//! with the first level report that names them and leaves it only after
//! [`HOLD`] without one, so the natural pauses of a talker do not make the
//! set (and the event every member receives when it changes) flap.
//!
//! Pure bookkeeping over instants handed in by the caller: no clock, no
//! mediasoup, so it is tested on its own.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// How long a speaker stays audible after the last report that named them.
pub const HOLD: Duration = Duration::from_secs(1);

/// Who is audible now, by when each was last heard.
#[derive(Debug)]
pub struct Audible<K> {
    hold: Duration,
    last_heard: BTreeMap<K, Instant>,
}

impl<K: Ord + Clone> Audible<K> {
    /// An empty set whose members leave after `hold` unheard.
    pub fn new(hold: Duration) -> Self {
        Self {
            hold,
            last_heard: BTreeMap::new(),
        }
    }

    /// A level report at `at` naming `heard`; then those unheard for the
    /// hold leave. True when the set changed.
    pub fn report(&mut self, at: Instant, heard: impl IntoIterator<Item = K>) -> bool {
        let mut changed = false;
        for key in heard {
            changed |= self.last_heard.insert(key, at).is_none();
        }
        self.expire(at) || changed
    }

    /// Time passed until `now`: those unheard for the hold leave. True when the set changed.
    pub fn expire(&mut self, now: Instant) -> bool {
        let before = self.last_heard.len();
        let hold = self.hold;
        self.last_heard
            .retain(|_, last| now.saturating_duration_since(*last) < hold);
        self.last_heard.len() != before
    }

    /// When the next member leaves if nobody is heard again, if anyone is audible.
    pub fn next_expiry(&self) -> Option<Instant> {
        self.last_heard.values().min().map(|last| *last + self.hold)
    }

    /// The audible, in order.
    pub fn members(&self) -> Vec<K> {
        self.last_heard.keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const REPORT: Duration = Duration::from_millis(250);

    #[test]
    fn a_talker_with_pauses_shorter_than_the_hold_joins_once_and_leaves_once() {
        let start = Instant::now();
        let mut audible = Audible::new(HOLD);
        let mut changes = 0;
        // 10 s of speech: 2 s talking, 750 ms pause, again and again.
        for tick in 0..40u32 {
            let at = start + REPORT * tick;
            let talking = tick % 11 < 8;
            let heard = talking.then_some("alice");
            changes += usize::from(audible.report(at, heard));
        }
        assert_eq!(changes, 1, "joined once, stayed through the pauses");
        assert_eq!(audible.members(), vec!["alice"]);
        let end = start + REPORT * 40 + HOLD;
        assert!(audible.expire(end));
        assert!(audible.members().is_empty());
        assert_eq!(audible.next_expiry(), None);
    }

    #[test]
    fn silence_empties_the_set_at_the_expiry_it_announced() {
        let start = Instant::now();
        let mut audible = Audible::new(HOLD);
        assert!(audible.report(start, ["alice", "bob"]));
        assert!(!audible.report(start + REPORT, ["bob"]));
        assert_eq!(audible.next_expiry(), Some(start + HOLD));
        assert!(!audible.expire(start + HOLD - Duration::from_millis(1)));
        assert!(audible.expire(start + HOLD));
        assert_eq!(audible.members(), vec!["bob"]);
        assert_eq!(audible.next_expiry(), Some(start + REPORT + HOLD));
    }

    proptest! {
        /// Whatever the reports, after each one the set is exactly those
        /// named within the hold, and it changed exactly when it says so.
        #[test]
        fn the_set_is_who_was_heard_within_the_hold(
            reports in prop::collection::vec((0u64..2_000, prop::collection::btree_set(0u8..4, 0..4)), 1..60)
        ) {
            let start = Instant::now();
            let mut audible = Audible::new(HOLD);
            let mut at = start;
            let mut history: Vec<(Instant, u8)> = Vec::new();
            for (gap, heard) in reports {
                at += Duration::from_millis(gap);
                let before = audible.members();
                let changed = audible.report(at, heard.iter().copied());
                history.extend(heard.iter().map(|k| (at, *k)));
                let mut expected: Vec<u8> = history
                    .iter()
                    .filter(|(when, _)| at.duration_since(*when) < HOLD)
                    .map(|(_, k)| *k)
                    .collect();
                expected.sort_unstable();
                expected.dedup();
                prop_assert_eq!(&audible.members(), &expected);
                prop_assert_eq!(changed, before != expected);
            }
        }
    }
}
