//! Times as the wire contract writes them.

use chrono::{DateTime, SecondsFormat, Utc};

/// A time as the contract writes it: RFC 3339 with milliseconds, UTC.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}
