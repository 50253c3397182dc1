//! Failures of mediasoup operations, mapped once to the contract's codes.

use mediasoup::prelude::{ConsumeError, ProduceError};

use crate::error::{ApiError, ErrorCode};

/// A mediasoup operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// No worker is alive to take a room.
    #[error("no media worker available")]
    NoWorker,
    /// The node has no RTC port (or file descriptor) left for a transport:
    /// its capacity, not a fault.
    #[error("this node has no media port left for another transport")]
    NoPorts,
    /// The worker refused or failed a request.
    #[error("media worker request failed: {0}")]
    Worker(String),
    /// The client's RTP parameters are unusable.
    #[error("bad rtpParameters: {0}")]
    BadRtpParameters(String),
    /// The client's DTLS parameters are unusable.
    #[error("bad dtlsParameters: {0}")]
    BadDtlsParameters(String),
    /// The client's capabilities cannot receive the producer.
    #[error("cannot consume: {0}")]
    CannotConsume(String),
}

impl From<MediaError> for ApiError {
    fn from(e: MediaError) -> Self {
        match e {
            MediaError::NoWorker | MediaError::NoPorts => {
                ApiError::new(ErrorCode::Capacity, e.to_string())
            }
            MediaError::Worker(_) => ApiError::internal(e),
            MediaError::BadRtpParameters(_) | MediaError::BadDtlsParameters(_) => {
                ApiError::bad_request(e.to_string())
            }
            MediaError::CannotConsume(_) => ApiError::new(ErrorCode::CannotConsume, e.to_string()),
        }
    }
}

impl From<ProduceError> for MediaError {
    fn from(e: ProduceError) -> Self {
        match e {
            ProduceError::Request(r) => MediaError::BadRtpParameters(r.to_string()),
            other => MediaError::BadRtpParameters(other.to_string()),
        }
    }
}

impl From<ConsumeError> for MediaError {
    fn from(e: ConsumeError) -> Self {
        match e {
            ConsumeError::Request(r) => MediaError::Worker(r.to_string()),
            other => MediaError::CannotConsume(other.to_string()),
        }
    }
}
