//! The contract's error codes (docs/protocol.md, "Errors") and the one error type
//! every boundary converts into, for REST bodies and socket replies alike.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use ts_rs::TS;

/// An error code of the wire contract.
// Serialized as `as_str`; `every_code_has_its_wire_name` checks that the
// TypeScript union (derived from the variants) names the same codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TS)]
#[ts(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// Malformed request: JSON, method, missing or mistyped field.
    BadRequest,
    /// A field that should be a Solana public key is not one.
    InvalidAddress,
    /// Missing, expired, forged or replayed credential.
    Unauthorized,
    /// Authenticated, but not allowed to do this.
    Forbidden,
    /// No such room, transport, producer or consumer.
    NotFound,
    /// The caller is not in the room.
    NotInRoom,
    /// The room has `maxParticipants` people.
    RoomFull,
    /// The wallet is banned from the room.
    Banned,
    /// Too many requests.
    RateLimited,
    /// The consumer's capabilities cannot receive the producer.
    CannotConsume,
    /// The request conflicts with the current state.
    Conflict,
    /// Another node owns the room.
    WrongNode,
    /// No worker can take the room.
    Capacity,
    /// Something failed on the server.
    Internal,
    /// A backing service (the record store) is down; try again later.
    Unavailable,
    /// A body over the size limit (REST only).
    PayloadTooLarge,
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl ErrorCode {
    /// The wire name (`NOT_FOUND`, ...), also its metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "BAD_REQUEST",
            Self::InvalidAddress => "INVALID_ADDRESS",
            Self::Unauthorized => "UNAUTHORIZED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::NotInRoom => "NOT_IN_ROOM",
            Self::RoomFull => "ROOM_FULL",
            Self::Banned => "BANNED",
            Self::RateLimited => "RATE_LIMITED",
            Self::CannotConsume => "CANNOT_CONSUME",
            Self::Conflict => "CONFLICT",
            Self::WrongNode => "WRONG_NODE",
            Self::Capacity => "CAPACITY",
            Self::Internal => "INTERNAL",
            Self::Unavailable => "UNAVAILABLE",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
        }
    }

    /// The HTTP status REST answers with.
    pub fn http_status(self) -> u16 {
        match self {
            Self::BadRequest | Self::InvalidAddress | Self::CannotConsume => 400,
            Self::Unauthorized => 401,
            Self::Forbidden | Self::Banned => 403,
            Self::NotFound | Self::NotInRoom => 404,
            Self::RoomFull | Self::Conflict | Self::WrongNode => 409,
            Self::PayloadTooLarge => 413,
            Self::RateLimited => 429,
            Self::Capacity | Self::Unavailable => 503,
            Self::Internal => 500,
        }
    }
}

/// An error as clients see it: a code, a human message and, for
/// `WRONG_NODE`, where to go instead; `BANNED` says until when, and
/// `RATE_LIMITED` how long to wait, so a client can say it in its own
/// words and local time (the message says it in words, without
/// timestamps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{code:?}: {message}")]
#[serde(rename_all = "camelCase")]
#[ts(rename = "WireError")]
pub struct ApiError {
    /// Contract error code.
    pub code: ErrorCode,
    /// Human-readable explanation (never holds secrets).
    pub message: String,
    /// The owning node's WebSocket URL, with `WRONG_NODE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub worker_url: Option<String>,
    /// With `BANNED`: when the ban ends (RFC 3339, whole seconds, rounded
    /// up so that a join at that time is let in).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub until: Option<String>,
    /// With `RATE_LIMITED`: whole seconds (at least 1) before a retry can
    /// succeed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub retry_after_secs: Option<u64>,
    /// What went wrong underneath, for the server's log line only (never
    /// serialized: a cause may name internals).
    #[serde(skip)]
    #[ts(skip)]
    cause: Option<String>,
}

impl ApiError {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            worker_url: None,
            until: None,
            retry_after_secs: None,
            cause: None,
        }
    }

    /// `BANNED` until `until`; `message` says it in words.
    pub fn banned(message: impl Into<String>, until: DateTime<Utc>) -> Self {
        let mut error = Self::new(ErrorCode::Banned, message);
        error.until = Some(whole_seconds_up(until).to_rfc3339_opts(SecondsFormat::Secs, true));
        error
    }

    /// `RATE_LIMITED`, retry in `retry_after` (rounded up to whole
    /// seconds, at least 1); `message` says what was limited.
    pub fn rate_limited(message: impl Into<String>, retry_after: std::time::Duration) -> Self {
        let mut error = Self::new(ErrorCode::RateLimited, message);
        error.retry_after_secs = Some(whole_secs(retry_after));
        error
    }

    /// The same error, pointing the client at the node whose WebSocket
    /// URL is `url` (with `WRONG_NODE`).
    pub fn with_worker_url(mut self, url: impl Into<String>) -> Self {
        self.worker_url = Some(url.into());
        self
    }

    /// The same error, remembering `cause` for the log (clients never see
    /// it). Errors are values: nothing is logged here; the edge that
    /// answers with the error logs it once, with the request's context.
    pub fn with_cause(mut self, cause: impl std::fmt::Display) -> Self {
        self.cause = Some(cause.to_string());
        self
    }

    /// The cause recorded by [`ApiError::with_cause`] or
    /// [`ApiError::internal`], if any.
    pub fn cause(&self) -> Option<&str> {
        self.cause.as_deref()
    }

    /// `BAD_REQUEST`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    /// `UNAUTHORIZED`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthorized, message)
    }

    /// `FORBIDDEN`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    /// `NOT_FOUND`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    /// `INTERNAL`, with its cause kept for the log (clients only see
    /// "internal server error"). Constructing it logs nothing: an error may
    /// be built and then dropped or mapped again, so the edge that answers
    /// with it (the REST error response, the socket's error reply) logs it,
    /// once, with the request's context.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::Internal, "internal server error").with_cause(cause)
    }
}

/// `wait` in whole seconds, rounded up, at least 1.
pub fn whole_secs(wait: std::time::Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// `at`, rounded up to a whole second.
fn whole_seconds_up(at: DateTime<Utc>) -> DateTime<Utc> {
    let fraction = chrono::Duration::nanoseconds(i64::from(at.timestamp_subsec_nanos()));
    if fraction.is_zero() {
        at
    } else {
        at - fraction + chrono::Duration::seconds(1)
    }
}

/// A wait in words for a person ("9 minutes", "1 second"), rounded up to
/// its unit, so a message can say when without a timestamp.
pub fn in_words(wait: chrono::Duration) -> String {
    let secs = u64::try_from(wait.num_milliseconds().max(0))
        .map(|ms| ms.div_ceil(1000))
        .unwrap_or(0)
        .max(1);
    let (count, unit) = if secs < 60 {
        (secs, "second")
    } else if secs < 3600 {
        (secs.div_ceil(60), "minute")
    } else {
        (secs.div_ceil(3600), "hour")
    };
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};
    use ts_rs::TS;

    use super::ErrorCode::{self, *};
    use super::{in_words, whole_secs, ApiError};

    #[test]
    fn waits_are_said_in_words_rounded_up() {
        assert_eq!(in_words(Duration::milliseconds(200)), "1 second");
        assert_eq!(in_words(Duration::seconds(45)), "45 seconds");
        assert_eq!(in_words(Duration::seconds(60)), "1 minute");
        assert_eq!(in_words(Duration::seconds(8 * 60 + 1)), "9 minutes");
        assert_eq!(in_words(Duration::minutes(90)), "2 hours");
        assert_eq!(in_words(Duration::seconds(-5)), "1 second");
        assert_eq!(whole_secs(std::time::Duration::ZERO), 1);
        assert_eq!(whole_secs(std::time::Duration::from_millis(1500)), 2);
    }

    #[test]
    fn details_are_on_the_wire_in_whole_seconds() {
        let until: DateTime<Utc> = "2026-12-03T08:13:01.720574743Z".parse().unwrap();
        let banned = serde_json::to_value(ApiError::banned("banned", until)).unwrap();
        assert_eq!(banned["until"], "2026-12-03T08:13:02Z");
        assert!(banned.get("retryAfterSecs").is_none());
        let limited = ApiError::rate_limited("slow down", std::time::Duration::from_millis(10));
        let limited = serde_json::to_value(limited).unwrap();
        assert_eq!(limited["retryAfterSecs"], 1);
        assert!(limited.get("until").is_none());
    }

    /// TypeScript's union is derived from the variants, the wire names from
    /// `as_str`: they must name the same codes, in the same order.
    #[test]
    fn every_code_has_its_wire_name() {
        let codes: [ErrorCode; 16] = [
            BadRequest,
            InvalidAddress,
            Unauthorized,
            Forbidden,
            NotFound,
            NotInRoom,
            RoomFull,
            Banned,
            RateLimited,
            CannotConsume,
            Conflict,
            WrongNode,
            Capacity,
            Internal,
            Unavailable,
            PayloadTooLarge,
        ];
        let wire: Vec<String> = codes
            .iter()
            .map(|c| format!("\"{}\"", c.as_str()))
            .collect();
        let typescript = ErrorCode::inline(&ts_rs::Config::default());
        assert_eq!(typescript.split(" | ").collect::<Vec<_>>(), wire);
        for code in codes {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}
