//! `GET /ws?token=<jwt>`: the signaling WebSocket.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::client_ip::client_ip;
use super::envelope::HttpError;
use super::origin;
use crate::app::App;
use crate::error::ApiError;
use crate::signaling;

/// The wait a client refused for too many open sockets is told: a socket
/// of its address closes in about that time, or it should close one.
const SOCKET_RETRY: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Deserialize)]
pub struct WsQuery {
    token: Option<String>,
}

/// Checks origin, token and the sockets of the client's address, then
/// hands the socket to a session task.
pub async fn upgrade(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Payload,
    query: web::Query<WsQuery>,
) -> Result<HttpResponse, actix_web::Error> {
    if !origin::allowed(&app, &req) {
        return Err(HttpError(ApiError::forbidden("origin not allowed")).into());
    }
    let token = query
        .token
        .as_deref()
        .ok_or_else(|| HttpError(ApiError::unauthorized("missing ?token=")))?;
    let wallet = app.auth.wallet_of(token).map_err(HttpError::from)?;
    let ticket = app
        .sockets
        .enter(
            client_ip(&app, &req),
            app.config.limits.ws_connections_per_ip,
        )
        .ok_or_else(|| {
            HttpError(ApiError::rate_limited(
                "too many open sockets from this address; close one first",
                SOCKET_RETRY,
            ))
        })?;
    let (response, session, stream) = actix_ws::handle(&req, body)?;
    actix_web::rt::spawn(signaling::run(
        app.signaling.clone(),
        wallet,
        ticket,
        session,
        stream,
    ));
    Ok(response)
}
