//! What the store keeps for the server-to-server API: API keys (hashed)
//! and the webhook outbox, the durable queue every node's sender takes
//! deliveries from.

use chrono::{DateTime, Utc};

use crate::server_api::Scope;

/// An API key as stored: its secret only as a hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    /// The public half of the key (`pnlk_…`).
    pub id: String,
    /// What the operator called it (`market-site`).
    pub name: String,
    /// What it may do.
    pub scopes: Vec<Scope>,
    /// SHA-256 of the secret, hex.
    pub secret_hash: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKeyRecord {
    /// The scopes as stored: names joined by spaces (as OAuth writes them).
    pub fn scopes_text(&self) -> String {
        self.scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Scopes read back from [`ApiKeyRecord::scopes_text`]; unknown names
    /// (from a later version) are skipped.
    pub fn scopes_from_text(text: &str) -> Vec<Scope> {
        text.split_whitespace()
            .filter_map(|s| s.parse().ok())
            .collect()
    }
}

/// One event on its way to one webhook URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The event's id (`evt_…`), also in its body.
    pub event_id: String,
    /// Where it goes.
    pub url: String,
    /// The JSON body, exactly as signed and sent on every attempt.
    pub body: String,
    /// Attempts made before this one.
    pub attempts: u32,
    /// When the event happened (deliveries go oldest first).
    pub created_at: DateTime<Utc>,
}

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// The receiver answered 2xx: the delivery leaves the outbox.
    Delivered,
    /// It failed; the next attempt is not before `at`.
    Retry {
        /// When to try again.
        at: DateTime<Utc>,
        /// What went wrong (kept for operators).
        error: String,
    },
    /// It failed too often: kept, marked dead, never sent again.
    GiveUp {
        /// What went wrong last.
        error: String,
    },
}
