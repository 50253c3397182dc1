//! Webhook events and their signatures. A site's backend learns what
//! happens in its rooms from signed POSTs: the body is a [`WebhookEvent`],
//! and `X-PNL-Signature: t=<unix seconds>,v1=<hex>` carries the
//! HMAC-SHA256 of `<t>.<body>` under the deployment's webhook secret (the
//! scheme of Stripe and Svix). Receivers check the signature and the
//! timestamp's age, and drop ids they have seen: delivery is at least once.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use ts_rs::TS;

use crate::address::Address;
use crate::rooms::{rfc3339, DebateSummary, RoomEvent};

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-PNL-Signature";
/// How old a signature's timestamp may be when checked (and how far ahead).
pub const SIGNATURE_TOLERANCE_SECS: i64 = 300;

/// One webhook delivery's body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEvent {
    /// Unique per event (`evt_…`); a retried delivery repeats it.
    pub id: String,
    /// RFC 3339 time the event happened.
    pub created_at: String,
    /// The market (= room).
    pub market_address: Address,
    /// What happened.
    #[serde(flatten)]
    pub kind: WebhookEventType,
}

/// What happened, as `type` and `data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum WebhookEventType {
    /// The room opened (its first member is joining).
    RoomStarted {},
    /// The room closed: `idle` (empty for its settings' time), `ended`
    /// (the host ended it), `server_shutdown`, …
    RoomEnded {
        /// Why.
        reason: String,
    },
    /// A wallet joined the room.
    #[serde(rename_all = "camelCase")]
    ParticipantJoined {
        /// Who.
        wallet_address: Address,
    },
    /// A wallet left the room (or was removed).
    #[serde(rename_all = "camelCase")]
    ParticipantLeft {
        /// Who.
        wallet_address: Address,
    },
    /// A member was given the floor.
    #[serde(rename_all = "camelCase")]
    SpeakerGranted {
        /// Who.
        wallet_address: Address,
    },
    /// The host started a YES vs NO debate.
    #[serde(rename_all = "camelCase")]
    DebateStarted {
        /// Each turn's length, in seconds.
        turn_seconds: u32,
    },
    /// A debate's poll closed: its turns, time per side and result.
    DebateEnded {
        /// The debate's record.
        summary: DebateSummary,
    },
    /// A member reported another.
    #[serde(rename_all = "camelCase")]
    ReportFiled {
        /// The report's id.
        report_id: String,
        /// Who reported.
        reporter_wallet: Option<Address>,
        /// Whom.
        target_wallet: Option<Address>,
        /// Why, in the reporter's words.
        reason: String,
    },
}

impl WebhookEventType {
    /// The webhook event a room event is, if any.
    pub fn of_room_event(event: &RoomEvent) -> Option<Self> {
        Some(match event {
            RoomEvent::UserJoined(view) => Self::ParticipantJoined {
                wallet_address: view.wallet_address.clone(),
            },
            RoomEvent::UserLeft(wallet) => Self::ParticipantLeft {
                wallet_address: wallet.clone(),
            },
            RoomEvent::SpeakerGranted(wallet) => Self::SpeakerGranted {
                wallet_address: wallet.clone(),
            },
            RoomEvent::DebateStarted { turn_seconds, .. } => Self::DebateStarted {
                turn_seconds: *turn_seconds,
            },
            RoomEvent::DebateEnded(summary) => Self::DebateEnded {
                summary: summary.clone(),
            },
            _ => return None,
        })
    }
}

impl WebhookEvent {
    /// A new event in `market`'s room at `at`, with a fresh id.
    pub fn new(market: &Address, kind: WebhookEventType, at: DateTime<Utc>) -> Self {
        Self {
            id: format!("evt_{}", uuid::Uuid::new_v4().simple()),
            created_at: rfc3339(at),
            market_address: market.clone(),
            kind,
        }
    }
}

/// The MAC of `<timestamp>.<body>` under `secret`, before finalising.
fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// HMAC-SHA256 of `<timestamp>.<body>` under `secret`, hex.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
}

/// The `X-PNL-Signature` value for `body` sent at `timestamp`.
pub fn signature_header(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", sign(secret, timestamp, body))
}

/// Why a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The header is not `t=…,v1=…`.
    #[error("malformed signature header")]
    Malformed,
    /// The timestamp is further from now than the tolerance (a replay).
    #[error("signature timestamp outside the tolerance")]
    Stale,
    /// No `v1` matches the body under the secret.
    #[error("no signature matches")]
    Mismatch,
}

/// Checks `header` for `body` under `secret` at `now` (unix seconds),
/// accepting timestamps within `tolerance_secs`. Several `v1` entries
/// may be present (while a secret is rotated); one must match.
pub fn verify(
    secret: &[u8],
    header: &str,
    body: &[u8],
    now: i64,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => {
                timestamp = Some(t.parse::<i64>().map_err(|_| SignatureError::Malformed)?)
            }
            Some(("v1", v)) => {
                signatures.push(hex::decode(v).map_err(|_| SignatureError::Malformed)?)
            }
            Some(_) => {}
            None => return Err(SignatureError::Malformed),
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > tolerance_secs {
        return Err(SignatureError::Stale);
    }
    let matches =
        |signature: &Vec<u8>| mac(secret, timestamp, body).verify_slice(signature).is_ok();
    if signatures.iter().any(matches) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}
