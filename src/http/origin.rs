//! Origin policy: the server's own origin and `PNL_VOICE_ALLOWED_ORIGINS`,
//! for CORS on REST and for WebSocket upgrades. Only the configuration
//! decides: a request's `Host` says nothing about the page that sent it
//! (a DNS-rebinding page names its own host there).

use actix_cors::Cors;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, ResponseError};

use super::envelope::HttpError;
use crate::app::App;
use crate::error::ApiError;

/// Whether a browser page of `origin` may use this server. Requests
/// without an Origin header come from non-browser clients and pass.
pub fn allowed(app: &App, req: &HttpRequest) -> bool {
    let Some(origin) = req.headers().get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let origin = origin.trim_end_matches('/');
    origin == app.public_url || app.config.allowed_origins.iter().any(|o| o == origin)
}

/// CORS for the REST API.
pub fn cors(app: &App) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "DELETE"])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(3600)
        .allowed_origin(&app.public_url);
    for origin in &app.config.allowed_origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// Middleware in front of [`cors`]: a request (a preflight included) from
/// an origin that is not allowed is answered `403 FORBIDDEN` in the
/// contract's envelope, where actix-cors would answer 400 in plain text.
pub async fn refuse_foreign(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let refused = req
        .app_data::<web::Data<App>>()
        .is_some_and(|app| !allowed(app, req.request()));
    if refused {
        let response = HttpError(ApiError::forbidden("origin not allowed")).error_response();
        return Ok(req.into_response(response).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}
