//! The one place a refused request's error is logged: at the edge that
//! answers it (the REST error response, the socket's error reply), once,
//! with what was asked. Errors themselves log nothing when they are built
//! (`ApiError::internal`, `From<RegistryError>`, ...), since an error may be
//! built, mapped and dropped on its way out.

use crate::error::{ApiError, ErrorCode};

/// Logs `error`, the answer to `request` (a socket method or a REST path):
/// an `INTERNAL` one as an error, another that carries a cause (a backing
/// service failed: the registry, the store) as a warning; a plain refusal
/// (a client's mistake) not at all, since clients can produce those at will.
pub fn refused(error: &ApiError, request: &str) {
    match (error.code, error.cause()) {
        (ErrorCode::Internal, cause) => {
            tracing::error!(
                request,
                cause = cause.unwrap_or("unknown"),
                "internal error"
            );
        }
        (code, Some(cause)) => {
            tracing::warn!(request, code = code.as_str(), cause, "request failed");
        }
        (_, None) => {}
    }
}
