//! The REST envelope: `{success: true, data}` or `{success: false, error}`
//! with the error code's HTTP status.

use actix_web::error::{JsonPayloadError, PayloadError};
use actix_web::http::header::{HeaderValue, CACHE_CONTROL};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::json;

use crate::error::{ApiError, ErrorCode};

/// A wire error as a REST answer: `{success: false, error}` with the code's
/// HTTP status. A newtype, since the error type lives in the core crate,
/// which knows no actix; handlers return it and `?` converts any
/// [`ApiError`] (and what converts into one) on the way.
#[derive(Debug)]
pub struct HttpError(pub ApiError);

impl<E: Into<ApiError>> From<E> for HttpError {
    fn from(error: E) -> Self {
        Self(error.into())
    }
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for HttpError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The answer, and the error's one log line (`error_log::refused`).
    fn error_response(&self) -> HttpResponse {
        crate::error_log::refused(&self.0, "REST");
        HttpResponse::build(self.status_code()).json(json!({ "success": false, "error": self.0 }))
    }
}

/// `200 {success: true, data}`.
pub fn ok(data: impl Serialize) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "success": true, "data": data }))
}

/// `response` with `Cache-Control: public, max-age={secs}`: for public
/// answers that may be reused for a short while.
pub fn cacheable(mut response: HttpResponse, secs: u32) -> HttpResponse {
    let value = format!("public, max-age={secs}");
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(CACHE_CONTROL, value);
    }
    response
}

/// JSON body extraction with a size limit and contract errors.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|err, _req| {
            let api = match &err {
                JsonPayloadError::Overflow { .. }
                | JsonPayloadError::OverflowKnownLength { .. } => {
                    ApiError::new(ErrorCode::PayloadTooLarge, "request body too large")
                }
                JsonPayloadError::ContentType => {
                    ApiError::bad_request("Content-Type must be application/json")
                }
                JsonPayloadError::Payload(PayloadError::Io(e))
                    if e.kind() == std::io::ErrorKind::TimedOut =>
                {
                    ApiError::bad_request(e.to_string())
                }
                other => ApiError::bad_request(format!("invalid JSON body: {other}")),
            };
            HttpError(api).into()
        })
}

/// Query-string extraction with contract errors.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        HttpError(ApiError::bad_request(format!("invalid query: {err}"))).into()
    })
}
