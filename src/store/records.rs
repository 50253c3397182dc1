//! What the store keeps (the collections of docs/operations.md, "Records") and
//! the writes that change it.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::address::Address;
use crate::rooms::{DebateSummary, Position, RoomSettings};

/// A `voice_rooms` record: one per market that ever had a room.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomRecord {
    /// The market.
    pub market_address: Address,
    /// The worker that ran the room last.
    pub worker_id: String,
    /// When the room was first created.
    #[serde(serialize_with = "iso")]
    pub created_at: DateTime<Utc>,
    /// The last join or leave.
    #[serde(serialize_with = "iso")]
    pub last_activity_at: DateTime<Utc>,
    /// The room's settings as last set (absent if never recorded).
    pub settings: Option<RoomSettings>,
    /// Totals over the room's life.
    pub stats: RoomTotals,
}

/// `stats` of a room record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomTotals {
    /// Joins ever.
    pub total_joins: u64,
    /// Most participants at once.
    pub peak_participants: u64,
    /// Sum of every participation's length, in minutes.
    pub total_minutes: f64,
}

/// A `voice_participants` record: one stay of one wallet in one room.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipationRecord {
    /// Its id.
    pub id: Uuid,
    /// The market.
    pub market_address: Address,
    /// The wallet.
    pub wallet_address: Address,
    /// Its badge at join.
    pub position: Position,
    /// Its holding at join.
    pub position_size: f64,
    /// Whether it is the market's founder.
    pub is_founder: bool,
    /// When it joined.
    #[serde(serialize_with = "iso")]
    pub joined_at: DateTime<Utc>,
    /// When it left; `None` while it is in the room.
    #[serde(serialize_with = "iso_opt")]
    pub left_at: Option<DateTime<Utc>>,
    /// Seconds it was heard speaking.
    pub total_speaking_time: f64,
    /// Whether the founder kicked it.
    pub was_kicked: bool,
    /// Whether the node holding the room stopped without closing it (a
    /// crash): `left_at` is then when the room was opened again, an upper
    /// bound, and the stay's minutes are not in the room's totals.
    pub cut_short: bool,
}

/// A `voice_reports` record. Reporter and target are `None` once erased.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportRecord {
    /// Its id.
    pub id: Uuid,
    /// The room it was filed in.
    pub market_address: Address,
    /// Who filed it.
    pub reporter_wallet: Option<Address>,
    /// Who it is about.
    pub target_wallet: Option<Address>,
    /// Why.
    pub reason: String,
    /// When.
    #[serde(serialize_with = "iso")]
    pub created_at: DateTime<Utc>,
}

/// One wallet's total speaking time in a room.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpeakerTotal {
    /// The wallet.
    pub wallet_address: Address,
    /// Seconds heard, over all its participations.
    pub total_speaking_time: f64,
}

/// Everything kept about one wallet (`GET /api/voice/me/data`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WalletData {
    /// The wallet.
    pub wallet_address: Address,
    /// Its participations, newest first.
    pub participations: Vec<ParticipationRecord>,
    /// Reports it filed.
    pub reports_filed: Vec<ReportRecord>,
    /// Reports about it, without who filed them.
    pub reports_about: Vec<ReportRecord>,
    /// Debates it had a turn in, newest first.
    pub debates: Vec<DebateSummary>,
}

/// What erasing a wallet removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Erased {
    /// Participation records deleted.
    pub participations: u64,
    /// Reports the wallet was removed from.
    pub reports: u64,
    /// Debate summaries its turns were taken out of.
    pub debates: u64,
}

/// A change to the records. Every write is idempotent, so a batch retried
/// after a failure leaves the same records as one applied once.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// A room was created (again) on `worker_id` with `settings`.
    RoomOpened {
        /// The market.
        market: Address,
        /// The worker.
        worker_id: String,
        /// The settings it starts with.
        settings: RoomSettings,
        /// When.
        at: DateTime<Utc>,
    },
    /// The founder changed the settings.
    SettingsChanged {
        /// The market.
        market: Address,
        /// The new settings.
        settings: RoomSettings,
        /// When.
        at: DateTime<Utc>,
    },
    /// A wallet joined, making the room `participants` strong.
    Joined {
        /// The new participation (open).
        participation: ParticipationRecord,
        /// Participants in the room after the join.
        participants: u64,
    },
    /// A wallet left: closes its participation and adds its minutes.
    Left {
        /// The participation.
        id: Uuid,
        /// The market.
        market: Address,
        /// When it joined.
        joined_at: DateTime<Utc>,
        /// When it left.
        left_at: DateTime<Utc>,
        /// Seconds it was heard.
        speaking_secs: f64,
        /// Whether it was kicked.
        was_kicked: bool,
    },
    /// `market`'s room was opened at `at`: stays of it still open were cut
    /// short by a crash and are closed (a later [`Write::Left`] of one of
    /// them still applies in full).
    CutShort {
        /// The market.
        market: Address,
        /// When the room was opened again.
        at: DateTime<Utc>,
    },
    /// An abuse report.
    Report(ReportRecord),
    /// A debate whose poll closed (`voice_debates`).
    Debate(Box<DebateSummary>),
    /// A webhook event to deliver to each of `urls`: enters the outbox
    /// (written once however often the batch is applied).
    Webhook {
        /// The event's id.
        event_id: String,
        /// Its JSON body.
        body: String,
        /// When it happened.
        created_at: DateTime<Utc>,
        /// The deployment's webhook URLs.
        urls: Vec<String>,
    },
    /// Deletes participations, reports, debates and dead webhook
    /// deliveries from before `before` (retention).
    Purge {
        /// The cut-off.
        before: DateTime<Utc>,
    },
}

/// Takes `wallet`'s turns out of `summary` (the per-side speaking time
/// stays, as room totals do); whether it had any.
pub fn without_turns_of(summary: &mut DebateSummary, wallet: &Address) -> bool {
    let before = summary.turns.len();
    summary.turns.retain(|t| &t.wallet_address != wallet);
    summary.turns.len() != before
}

/// The wallets that had a turn in `summary`, each once (what MongoDB
/// indexes to find a wallet's debates).
pub fn debaters_of(summary: &DebateSummary) -> Vec<String> {
    let mut wallets: Vec<String> = summary
        .turns
        .iter()
        .map(|t| t.wallet_address.to_string())
        .collect();
    wallets.sort_unstable();
    wallets.dedup();
    wallets
}

/// When a debate's turns ended, as the stores sort debates (its summary's
/// own `endedAt`; the epoch if that were unreadable).
pub fn debate_ended_at(summary: &DebateSummary) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&summary.ended_at)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// Minutes between two instants (never negative).
pub fn minutes_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    ((to - from).num_milliseconds().max(0) as f64) / 60_000.0
}

/// Milliseconds since the epoch, as both stores keep times.
pub fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// The instant of `ms` milliseconds since the epoch.
pub fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// A time as ISO 8601 with milliseconds (`2026-12-03T15:00:00.123Z`), the
/// form every answer about records and rooms uses.
pub fn iso<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true))
}

fn iso_opt<S: serde::Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => iso(t, s),
        None => s.serialize_none(),
    }
}
