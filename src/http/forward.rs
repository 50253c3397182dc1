//! Any node answers any REST call as the room's owner would: when the hub
//! says another node owns the room ([`OwnedElsewhere`]), the call is passed
//! to that node (same method, path, query and JSON body, with the caller's
//! `Authorization`) and its status and body are answered as they are,
//! refusals included. The receiving node has checked the credential and
//! the body first, so a call without a token or with a bad body never
//! leaves it.

use std::time::Duration;

use actix_web::http::header::{AUTHORIZATION, CACHE_CONTROL};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

use super::bodies::JsonObject;
use super::envelope::HttpError;
use crate::app::App;
use crate::error::{ApiError, ErrorCode};
use crate::hub::OwnedElsewhere;
use crate::registry::RoomOwner;

/// Header marking a request forwarded from another node: it is never
/// forwarded again (a node that does not run the room either answers
/// `WRONG_NODE`).
pub const FORWARDED: &str = "x-pnl-voice-forwarded";

/// Longest wait for the owner's answer.
const TIMEOUT: Duration = Duration::from_secs(5);

/// The owner's answer to this request when `error` says another node owns
/// the room (and the request was not forwarded already); `error` itself
/// otherwise. `body` is the request's JSON body, if it has one.
pub async fn owner_or<E>(
    app: &App,
    req: &HttpRequest,
    body: Option<&JsonObject>,
    error: E,
) -> Result<HttpResponse, HttpError>
where
    E: OwnedElsewhere + Into<ApiError>,
{
    match error.elsewhere() {
        Some(owner) if !req.headers().contains_key(FORWARDED) => {
            to_owner(app, req, owner, body).await
        }
        _ => Err(HttpError(error.into())),
    }
}

/// Sends the request to `owner` and answers what it answered. An owner
/// that cannot be reached (or answers something that is not JSON) is
/// `CAPACITY`: the caller tries again.
async fn to_owner(
    app: &App,
    req: &HttpRequest,
    owner: &RoomOwner,
    body: Option<&JsonObject>,
) -> Result<HttpResponse, HttpError> {
    let unreachable = |e: &dyn std::fmt::Display| {
        tracing::warn!(owner = %owner.node_id, path = req.path(), error = %e, "cannot reach the room's owner");
        ApiError::new(
            ErrorCode::Capacity,
            "the room's node is unreachable; try again",
        )
    };
    let method = reqwest::Method::from_bytes(req.method().as_str().as_bytes())
        .map_err(|e| unreachable(&e))?;
    let target = req
        .uri()
        .path_and_query()
        .map_or(req.path(), |p| p.as_str());
    let mut request = app
        .http
        .request(method, format!("{}{target}", owner.http_url))
        .timeout(TIMEOUT)
        .header(FORWARDED, &app.node_id);
    if let Some(authorization) = req.headers().get(AUTHORIZATION) {
        request = request.header(reqwest::header::AUTHORIZATION, authorization.as_bytes());
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.map_err(|e| unreachable(&e))?;
    let status = StatusCode::from_u16(response.status().as_u16()).map_err(|e| unreachable(&e))?;
    let cache_control = response
        .headers()
        .get(reqwest::header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let answer = response.bytes().await.map_err(|e| unreachable(&e))?;
    serde_json::from_slice::<serde::de::IgnoredAny>(&answer).map_err(|e| unreachable(&e))?;
    let mut reply = HttpResponse::build(status);
    reply.content_type("application/json");
    if let Some(cache_control) = cache_control {
        reply.insert_header((CACHE_CONTROL, cache_control));
    }
    Ok(reply.body(answer))
}
