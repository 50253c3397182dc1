//! Who may call `/api/server/*`: a market site's backend with an API key
//! (`Authorization: Bearer <key id>.<secret>`) that carries the route's
//! scope. A request from a web page (it has an `Origin`) is refused
//! whatever it carries: a key in a page is a key published.

use actix_web::http::header::ORIGIN;
use actix_web::HttpRequest;

use super::auth::bearer;
use crate::app::App;
use crate::error::ApiError;
use crate::server_api::{ApiKeySecret, Scope};
use crate::store::ApiKeyRecord;

/// The stored key behind the request's `Authorization`, if it is valid,
/// not revoked and has `scope`: `FORBIDDEN` from a page or without the
/// scope, `UNAUTHORIZED` for anything but a live key.
pub async fn authorize(
    app: &App,
    req: &HttpRequest,
    scope: Scope,
) -> Result<ApiKeyRecord, ApiError> {
    if req.headers().contains_key(ORIGIN) {
        return Err(ApiError::forbidden(
            "server-only endpoint: call it from the site's backend with an API key, never from a page",
        ));
    }
    let presented = ApiKeySecret::parse(bearer(req)?)
        .map_err(|_| ApiError::unauthorized("expected an API key (`Bearer <key id>.<secret>`)"))?;
    let refused = || ApiError::unauthorized("unknown or revoked API key");
    let stored = app
        .hub
        .recorder()
        .store()
        .api_key(presented.id())
        .await?
        .ok_or_else(refused)?;
    if stored.revoked_at.is_some() || !presented.matches(&stored.secret_hash) {
        return Err(refused());
    }
    if !stored.scopes.contains(&scope) {
        return Err(ApiError::forbidden(format!(
            "the API key {} lacks the scope {scope}",
            stored.id
        )));
    }
    Ok(stored)
}
