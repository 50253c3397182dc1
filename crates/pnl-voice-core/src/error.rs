//! The contract's error codes (docs/protocol.md, "Errors") and the one error type
//! every boundary converts into, for REST bodies and socket replies alike.

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
/// `WRONG_NODE`, where to go instead.
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
            cause: None,
        }
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

#[cfg(test)]
mod tests {
    use ts_rs::TS;

    use super::ErrorCode::{self, *};

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
