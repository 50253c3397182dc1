//! `GET /api/voice/preview`'s answer: a room as seen from outside it, for
//! a market page that shows whether a room is live before anyone joins.

use serde::Serialize;
use ts_rs::TS;

use crate::address::Address;

/// The `data` of a preview (TypeScript: `RoomPreview`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoomPreview {
    /// The market (= room).
    pub market_address: Address,
    /// The market's question, from the markets file.
    pub title: Option<String>,
    /// Someone is in the room.
    pub live: bool,
    /// Participants who may speak (the founder and granted speakers, or
    /// everyone in a room that is not speaker-only).
    pub speakers: u32,
    /// Everyone else in the room.
    pub listeners: u32,
    /// The market's founder, who moderates the room.
    #[ts(inline)]
    pub host: Option<PreviewHost>,
    /// When the running room was created (RFC 3339), `null` when not live.
    pub started_at: Option<String>,
}

/// The host of a previewed room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PreviewHost {
    /// The founder's wallet.
    pub wallet_address: Address,
}
