//! Invitations to speak: a moderator invites a listener, who accepts (and
//! is granted the floor, exactly as by `grant_speaker`) or declines; an
//! unanswered invitation lapses after the policy's time (60 s by default). The rules take
//! the time; the room's task owns the timer (the rules: `rooms/audience.rs`).
//!
//! An invitation also ends, silently, when its wallet leaves (or is
//! kicked), is granted the floor directly, is named co-host or the floor
//! opens to everyone: the events of those changes say enough.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::address::Address;

/// Why an invitation ended without a grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "InviteDeclineReason")]
pub enum InviteEnd {
    /// The invited member said no.
    Declined,
    /// Nobody answered in time.
    Expired,
}

/// Pending invitations: wallet -> when it lapses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Invitations {
    pending: BTreeMap<Address, DateTime<Utc>>,
}

impl Invitations {
    /// When `wallet`'s invitation lapses, if it has one.
    pub(super) fn get(&self, wallet: &Address) -> Option<DateTime<Utc>> {
        self.pending.get(wallet).copied()
    }

    /// Ends `wallet`'s invitation, if any (it left, or went on stage).
    pub(super) fn end(&mut self, wallet: &Address) {
        self.pending.remove(wallet);
    }

    /// Ends every invitation (the floor opened to everyone).
    pub(super) fn clear(&mut self) {
        self.pending.clear();
    }

    /// Records `wallet`'s invitation, lapsing at `expires_at`.
    pub(super) fn insert(&mut self, wallet: Address, expires_at: DateTime<Utc>) {
        self.pending.insert(wallet, expires_at);
    }

    /// Ends and returns the invitations lapsed at `now`.
    pub(super) fn take_lapsed(&mut self, now: DateTime<Utc>) -> Vec<Address> {
        let lapsed: Vec<Address> = self
            .pending
            .iter()
            .filter(|(_, expires_at)| **expires_at <= now)
            .map(|(wallet, _)| wallet.clone())
            .collect();
        for wallet in &lapsed {
            self.pending.remove(wallet);
        }
        lapsed
    }

    /// Every invited wallet.
    pub(super) fn wallets(&self) -> impl Iterator<Item = &Address> {
        self.pending.keys()
    }

    /// When the next invitation lapses.
    pub(super) fn next_expiry(&self) -> Option<DateTime<Utc>> {
        self.pending.values().min().copied()
    }
}
