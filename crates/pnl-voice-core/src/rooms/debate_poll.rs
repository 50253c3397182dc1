//! A debate's poll (which side argued better, one vote per wallet,
//! weighted by position size) and the summary a debate leaves: its turns,
//! the speaking time of each side and the poll's result. The summary is
//! sent to every member (`voice:debate_ended`) and kept in the store
//! (`voice_debates`), so it is plain data both ways.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::debate_side::DebateSide;
use crate::address::Address;

/// The votes of an open poll, one per wallet (a second replaces the first).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Poll {
    votes: BTreeMap<Address, (DebateSide, f64)>,
}

impl Poll {
    /// Records `voter`'s vote for `side`, weighing `weight` (its position
    /// size), replacing any earlier vote of the wallet.
    pub(super) fn vote(&mut self, voter: &Address, side: DebateSide, weight: f64) {
        let weight = if weight.is_finite() && weight > 0.0 {
            weight
        } else {
            0.0
        };
        self.votes.insert(voter.clone(), (side, weight));
    }

    /// How many wallets voted.
    pub fn voters(&self) -> usize {
        self.votes.len()
    }

    /// The tally: votes and weight per side, the winner by weight.
    pub fn result(&self) -> DebatePollResult {
        let mut result = DebatePollResult::default();
        for (side, weight) in self.votes.values() {
            let tally = match side {
                DebateSide::Yes => &mut result.yes,
                DebateSide::No => &mut result.no,
            };
            tally.votes += 1;
            tally.weight += weight;
        }
        result.winner = if result.yes.weight > result.no.weight {
            Some(DebateSide::Yes)
        } else if result.no.weight > result.yes.weight {
            Some(DebateSide::No)
        } else {
            None
        };
        result
    }
}

/// One side's votes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct DebateTally {
    /// Wallets that voted for the side (each counts once, holding or not).
    pub votes: u32,
    /// The sum of their position sizes.
    pub weight: f64,
}

/// The poll's result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct DebatePollResult {
    /// Votes for YES.
    pub yes: DebateTally,
    /// Votes for NO.
    pub no: DebateTally,
    /// The side with more weight; `null` on a tie or without votes.
    pub winner: Option<DebateSide>,
}

/// One turn a debate held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DebateTurnRecord {
    /// The side that spoke.
    pub side: DebateSide,
    /// Who spoke.
    pub wallet_address: Address,
    /// RFC 3339 start of the turn.
    pub started_at: String,
    /// How long it lasted, in seconds (to the millisecond).
    pub seconds: f64,
}

/// Seconds each side held the floor, summed from its turns' lengths.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct DebateSpeakingSeconds {
    /// YES's turns.
    pub yes: f64,
    /// NO's turns.
    pub no: f64,
}

/// What a debate leaves: sent to every member when its poll closes and
/// kept in the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DebateSummary {
    /// The debate's id.
    pub id: String,
    /// The market whose room held it.
    pub market_address: Address,
    /// RFC 3339 start (`start`).
    pub started_at: String,
    /// RFC 3339 end of the turns (`end`; the poll closed later).
    pub ended_at: String,
    /// Each turn's length as set at the start.
    pub turn_seconds: u32,
    /// The turns held, in order.
    pub turns: Vec<DebateTurnRecord>,
    /// Seconds per side, from the turns.
    pub speaking_seconds: DebateSpeakingSeconds,
    /// The poll's result.
    pub poll: DebatePollResult,
}
