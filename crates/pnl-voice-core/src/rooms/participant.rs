//! A participant's state and its wire view.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::address::Address;

/// The side of the market a wallet holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "UPPERCASE")]
pub enum Position {
    /// Holds more YES than NO.
    Yes,
    /// Holds more NO than YES.
    No,
    /// Holds neither.
    None,
}

impl Position {
    /// The wire name: `YES`, `NO` or `NONE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Yes => "YES",
            Self::No => "NO",
            Self::None => "NONE",
        }
    }
}

impl std::str::FromStr for Position {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "YES" => Ok(Self::Yes),
            "NO" => Ok(Self::No),
            "NONE" => Ok(Self::None),
            other => Err(format!("unknown position {other:?}")),
        }
    }
}

/// What market data says about a wallet, fixed at join.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Badge side.
    pub position: Position,
    /// Size of the larger holding.
    pub position_size: f64,
}

impl Profile {
    /// A wallet holding nothing.
    pub fn none() -> Self {
        Self {
            position: Position::None,
            position_size: 0.0,
        }
    }
}

/// One person in a room.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    /// The wallet.
    pub wallet: Address,
    /// Market holdings.
    pub profile: Profile,
    /// The market's founder.
    pub is_founder: bool,
    /// Named a co-host by the founder (may moderate; always may speak).
    pub is_co_host: bool,
    /// Granted the floor (the founder and co-hosts always are).
    pub granted: bool,
    /// Muted: its producer is paused.
    pub muted: bool,
    /// Seconds it has been heard speaking.
    pub speaking_secs: f64,
    /// When it joined.
    pub joined_at: DateTime<Utc>,
}

/// `Participant` as clients see it (docs/protocol.md, "Participant").
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "Participant")]
pub struct ParticipantView {
    /// Wallet address.
    pub wallet_address: Address,
    /// Short form of the wallet.
    pub display_name: String,
    /// YES, NO or NONE.
    pub position: Position,
    /// Size of the holding.
    pub position_size: f64,
    /// The market's founder.
    pub is_founder: bool,
    /// Holds the host role (the founder's, unless handed to a co-host).
    pub is_host: bool,
    /// A co-host: grants, revokes, mutes and kicks members who are not
    /// hosts.
    pub is_co_host: bool,
    /// May produce audio.
    pub is_speaker: bool,
    /// Producer paused.
    pub is_muted: bool,
    /// In the speaker queue.
    pub hand_raised: bool,
    /// Invited to speak by a moderator, not yet answered.
    pub invited: bool,
    /// RFC 3339 join time.
    pub joined_at: String,
    /// Seconds heard speaking so far (an addition to the contract).
    pub speaking_time: f64,
}

/// `AbCd…WxYz`: the first and last four characters of a wallet.
pub fn display_name(wallet: &Address) -> String {
    let s = wallet.as_str();
    if s.len() <= 10 {
        return s.to_string();
    }
    format!("{}…{}", &s[..4], &s[s.len() - 4..])
}

impl Participant {
    /// The wire view; `speaker_only` is the room's setting.
    pub fn view(
        &self,
        speaker_only: bool,
        hand_raised: bool,
        is_host: bool,
        invited: bool,
    ) -> ParticipantView {
        ParticipantView {
            wallet_address: self.wallet.clone(),
            display_name: display_name(&self.wallet),
            position: self.profile.position,
            position_size: self.profile.position_size,
            is_founder: self.is_founder,
            is_host,
            is_co_host: self.is_co_host,
            is_speaker: self.is_speaker(speaker_only),
            is_muted: self.muted,
            hand_raised,
            invited,
            joined_at: self.joined_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            speaking_time: self.speaking_secs,
        }
    }

    /// Whether it may produce audio in a room with this `speaker_only`.
    pub fn is_speaker(&self, speaker_only: bool) -> bool {
        self.is_founder || self.is_co_host || self.granted || !speaker_only
    }
}
