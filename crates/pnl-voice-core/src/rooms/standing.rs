//! A wallet's standing in a room as the moderation ledger keeps it: the
//! rules read it before a join and hand back the bans they decide, so bans
//! and churn history outlive the room (its destruction, a restart, a move
//! to another node) while the rules stay pure.

use chrono::{DateTime, Utc};

use crate::address::Address;

/// What the moderation ledger knows of one wallet in one room, read before
/// it joins.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    /// Until when the wallet is banned from the room, if it was banned.
    pub banned_until: Option<DateTime<Utc>>,
    /// Its joins of the room within the policy's churn window, before this one.
    pub recent_joins: u32,
}

impl Standing {
    /// The end of a ban still running at `now`.
    pub fn banned_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.banned_until.filter(|until| *until > now)
    }
}

/// A ban the rules decided (a kick, or joining too often), for the
/// moderation ledger to keep until `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ban {
    /// The banned wallet.
    pub wallet: Address,
    /// When the ban ends.
    pub until: DateTime<Utc>,
}
