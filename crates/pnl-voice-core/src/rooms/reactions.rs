//! Reactions: a short fixed set of emoji any member may send to the room,
//! at most one a second each, so a reaction storm stays a few frames a
//! second per member however fast a client sends.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::address::Address;

/// The shortest time between two reactions of one member.
pub const REACTION_INTERVAL: Duration = Duration::seconds(1);

/// A reaction: one of the fixed set (anything else is `BAD_REQUEST` when
/// decoded), so clients can draw every one and nobody sends text this way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum Emoji {
    /// 👍
    #[serde(rename = "👍")]
    ThumbsUp,
    /// 👎
    #[serde(rename = "👎")]
    ThumbsDown,
    /// 👏
    #[serde(rename = "👏")]
    Clap,
    /// 🔥
    #[serde(rename = "🔥")]
    Fire,
    /// 😂
    #[serde(rename = "😂")]
    Laugh,
    /// 🤔
    #[serde(rename = "🤔")]
    Thinking,
    /// 💯
    #[serde(rename = "💯")]
    Hundred,
    /// ❤️
    #[serde(rename = "❤️")]
    Heart,
}

impl Emoji {
    /// Every reaction, in the order clients show them.
    pub const ALL: [Emoji; 8] = [
        Self::ThumbsUp,
        Self::ThumbsDown,
        Self::Clap,
        Self::Fire,
        Self::Laugh,
        Self::Thinking,
        Self::Hundred,
        Self::Heart,
    ];
}

/// When each member last reacted (members only: a leave forgets it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Reactions {
    last: BTreeMap<Address, DateTime<Utc>>,
}

impl Reactions {
    /// Forgets `wallet` (it left).
    pub(super) fn forget(&mut self, wallet: &Address) {
        self.last.remove(wallet);
    }

    /// Counts a reaction of `wallet` at `now`; one less than
    /// [`REACTION_INTERVAL`] after its last is refused with the wait.
    pub(super) fn take(&mut self, wallet: &Address, now: DateTime<Utc>) -> Result<(), Duration> {
        if let Some(last) = self.last.get(wallet) {
            let next = *last + REACTION_INTERVAL;
            if next > now {
                return Err(next - now);
            }
        }
        self.last.insert(wallet.clone(), now);
        Ok(())
    }
}
