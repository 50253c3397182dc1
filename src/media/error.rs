//! Failures of mediasoup operations. The wire mapping lives with the hub's
//! per-operation errors (`hub/errors.rs`), so a worker's own error stays
//! attached as the source until the edge logs it.

use mediasoup::prelude::{ConsumeError, ProduceError};
use mediasoup::worker::RequestError;

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
    /// The worker could not be set up (settings it refused, a worker that
    /// would not start).
    #[error("media worker setup failed: {0}")]
    Worker(String),
    /// The worker refused or failed a request; `what` says which.
    #[error("media worker request failed: {what}")]
    Request {
        /// The request, for the log.
        what: &'static str,
        /// The worker's answer.
        #[source]
        source: RequestError,
    },
    /// A call shared by every request that waited on it (a pipe to a
    /// fan-out router, a new fan-out router) failed.
    #[error("shared media call failed")]
    Shared(#[source] std::sync::Arc<MediaError>),
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

impl MediaError {
    /// A failed worker request, named for the log.
    pub fn request(what: &'static str) -> impl FnOnce(RequestError) -> Self {
        move |source| Self::Request { what, source }
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
            ConsumeError::Request(source) => MediaError::Request {
                what: "consume",
                source,
            },
            other => MediaError::CannotConsume(other.to_string()),
        }
    }
}
