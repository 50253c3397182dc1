//! Origin policy: the server's own origin and `PNL_VOICE_ALLOWED_ORIGINS`,
//! for CORS on REST and for WebSocket upgrades.

use actix_cors::Cors;
use actix_web::http::header;
use actix_web::HttpRequest;

use crate::app::App;

/// Whether a browser page of `origin` may use this server. Requests
/// without an Origin header come from non-browser clients and pass.
pub fn allowed(app: &App, req: &HttpRequest) -> bool {
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
    else {
        return true;
    };
    let origin = origin.trim_end_matches('/');
    if origin == app.public_url || app.config.allowed_origins.iter().any(|o| o == origin) {
        return true;
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    let authority = origin.split("://").nth(1);
    host.is_some() && authority == host
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
