//! The two sides of a debate, from the badges' positions.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::participant::Position;

/// A side of the debate: what a debater holds more of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "UPPERCASE")]
pub enum DebateSide {
    /// Holds more YES.
    Yes,
    /// Holds more NO.
    No,
}

impl DebateSide {
    /// The other side.
    pub fn other(self) -> Self {
        match self {
            Self::Yes => Self::No,
            Self::No => Self::Yes,
        }
    }

    /// The side a badge argues for (none for a wallet holding nothing).
    pub fn of(position: Position) -> Option<Self> {
        match position {
            Position::Yes => Some(Self::Yes),
            Position::No => Some(Self::No),
            Position::None => None,
        }
    }
}
