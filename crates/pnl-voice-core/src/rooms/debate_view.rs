//! A running debate as clients see it: the join data's `debate`, so a late
//! joiner sees the current turn, the floor and the poll.

use serde::Serialize;
use ts_rs::TS;

use super::debate::{Debate, Phase, Turn};
use super::debate_side::DebateSide;
use super::wire_time::rfc3339;
use crate::address::Address;

/// The join data's `debate`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DebateView {
    /// Each turn's length, in seconds.
    pub turn_seconds: u32,
    /// RFC 3339 start.
    pub started_at: String,
    /// The current turn; `null` with nobody to debate or once the poll
    /// opened.
    pub turn: Option<DebateCurrentTurn>,
    /// Whether the host lifted the turn's pauses.
    pub floor_open: bool,
    /// The poll, once the turns ended.
    pub poll: Option<DebatePollView>,
}

/// The turn running now.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DebateCurrentTurn {
    /// The side speaking.
    pub side: DebateSide,
    /// Who speaks.
    pub wallet_address: Address,
    /// RFC 3339 end of the turn (unless the host moves on first).
    pub ends_at: String,
    /// Its 1-based number.
    pub turn: u32,
}

impl From<&Turn> for DebateCurrentTurn {
    fn from(turn: &Turn) -> Self {
        Self {
            side: turn.side,
            wallet_address: turn.wallet.clone(),
            ends_at: rfc3339(turn.ends_at),
            turn: turn.number,
        }
    }
}

/// An open poll.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DebatePollView {
    /// RFC 3339 time it closes by itself.
    pub closes_at: String,
}

impl Debate {
    /// The debate as the join data shows it.
    pub fn view(&self) -> DebateView {
        let poll = match &self.phase {
            Phase::Poll { closes_at, .. } => Some(DebatePollView {
                closes_at: rfc3339(*closes_at),
            }),
            Phase::Turns { .. } => None,
        };
        DebateView {
            turn_seconds: self.turn_seconds,
            started_at: rfc3339(self.started_at),
            turn: self.turn().map(DebateCurrentTurn::from),
            floor_open: self.floor_open(),
            poll,
        }
    }
}
