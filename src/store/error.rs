//! Store failures, mapped once to the contract's error codes.

use crate::error::{ApiError, ErrorCode};

/// A store operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store cannot be reached or refused the operation.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// A record could not be read back.
    #[error("unreadable record: {0}")]
    Corrupt(String),
}

impl From<StoreError> for ApiError {
    /// Keeps the store's message as the cause, for the edge's log line.
    fn from(e: StoreError) -> Self {
        let error = match e {
            StoreError::Unavailable(_) => ApiError::new(
                ErrorCode::Unavailable,
                "the record store is unavailable; try again later",
            ),
            StoreError::Corrupt(_) => ApiError::new(ErrorCode::Internal, "unreadable record"),
        };
        error.with_cause(e)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..) => Self::Corrupt(e.to_string()),
            e => Self::Unavailable(e.to_string()),
        }
    }
}

impl From<mongodb::error::Error> for StoreError {
    fn from(e: mongodb::error::Error) -> Self {
        match *e.kind {
            mongodb::error::ErrorKind::BsonDeserialization(_) => Self::Corrupt(e.to_string()),
            _ => Self::Unavailable(e.to_string()),
        }
    }
}
