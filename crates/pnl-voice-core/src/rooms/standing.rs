//! A wallet's standing in a room as the moderation ledger keeps it: the
//! rules read it before a join and hand back the bans they decide, so bans
//! and churn history outlive the room (its destruction, a restart, a move
//! to another node) while the rules stay pure.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::address::Address;

/// What the moderation ledger knows of one wallet in one room, read before
/// it joins, with the grants its credential carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    /// Until when the wallet is banned from the room, if it was banned.
    pub banned_until: Option<DateTime<Utc>>,
    /// Its joins of the room within the policy's churn window, before this one.
    pub recent_joins: u32,
    /// What the market site granted it in a minted token.
    pub grants: Grants,
}

/// Room roles a market site grants a wallet when its backend mints the
/// wallet's token (`POST /api/server/tokens`): applied when the wallet
/// joins, as if the founder had granted them then.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Grants {
    /// A pre-approved speaker: on stage from the start.
    pub can_speak: bool,
    /// A co-host: grants, revokes, mutes and kicks members, never the founder.
    pub co_host: bool,
}

impl Grants {
    /// Whether nothing is granted.
    pub fn is_none(&self) -> bool {
        *self == Self::default()
    }
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
