//! The `data` of each REST answer, typed: what docs/openapi.json documents
//! for every route is what these structs serialize to (tests/api/openapi.rs
//! validates real answers against it), so a field cannot be added or
//! renamed in one place only.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};

use crate::address::Address;
use crate::hub::RoomSummary;
use crate::rooms::{DebateSummary, ParticipantView};
use crate::store::{self, Erased, ParticipationRecord, RoomRecord, SpeakerTotal};

/// A time in whole seconds (`2026-12-03T15:00:00Z`), as sign-in answers.
fn seconds<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&at.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// `POST /api/auth/challenge`: the message to sign.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Challenge {
    /// Single-use nonce inside the message.
    pub nonce: String,
    /// The exact text the wallet signs.
    pub message: String,
    /// When the nonce stops being accepted.
    #[serde(serialize_with = "seconds")]
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/auth/verify`: the session token.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Token {
    /// The JWT for sockets and REST.
    pub token: String,
    /// When it expires.
    #[serde(serialize_with = "seconds")]
    pub expires_at: DateTime<Utc>,
}

/// `GET /api/voice/participants`.
#[derive(Debug, Serialize)]
pub struct Participants {
    /// How many are in the room.
    pub total: usize,
    /// Each of them.
    pub participants: Vec<ParticipantView>,
}

/// `POST /api/voice/mute`.
#[derive(Debug, Serialize)]
pub struct Muted {
    /// The caller's mute state now.
    pub muted: bool,
}

/// `POST /api/voice/report`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportFiled {
    /// The report's id, for follow-up.
    pub report_id: uuid::Uuid,
}

/// One running room in `GET /api/voice/rooms`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomListed {
    /// The market (= room).
    pub room_id: Address,
    /// Members now.
    pub participants: usize,
    /// Of whom may speak.
    pub speakers: usize,
    /// When the room started.
    #[serde(serialize_with = "store::iso")]
    pub created_at: DateTime<Utc>,
}

impl From<RoomSummary> for RoomListed {
    fn from(room: RoomSummary) -> Self {
        Self {
            room_id: room.id,
            participants: room.participants,
            speakers: room.speakers,
            created_at: room.created_at,
        }
    }
}

/// `GET /api/voice/rooms`.
#[derive(Debug, Serialize)]
pub struct Rooms {
    /// The node's running rooms.
    pub rooms: Vec<RoomListed>,
}

/// `GET /api/voice/stats`: a room's record, who spoke most and its last
/// debates.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomStats {
    /// The room's lifetime record.
    pub room: RoomRecord,
    /// Speakers by speaking time, longest first.
    pub top_speakers: Vec<SpeakerTotal>,
    /// The room's last debates, newest first.
    pub debates: Vec<DebateSummary>,
}

/// `GET /api/voice/me/history`.
#[derive(Debug, Serialize)]
pub struct History {
    /// The caller's stays, newest first.
    pub participations: Vec<ParticipationRecord>,
}

/// `DELETE /api/voice/me/data`.
#[derive(Debug, Serialize)]
pub struct ErasedReply {
    /// What was removed.
    pub erased: Erased,
}

/// `GET /api/embed/config`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbedConfig<'a> {
    /// Origins that may embed the room and talk to the API.
    pub allowed_origins: &'a [String],
}

/// `GET /api/server/rooms/{marketAddress}/debates`.
#[derive(Debug, Serialize)]
pub struct Debates {
    /// The room's last debates, newest first.
    pub debates: Vec<DebateSummary>,
}
