//! `GET /ws`: the signaling WebSocket. The token comes as the subprotocol
//! `bearer.<jwt>` next to `pnl-voice` (browsers, so it stays out of URLs,
//! logs and the console), or as `?token=<jwt>` (other clients).

use actix_web::http::header::{HeaderValue, SEC_WEBSOCKET_PROTOCOL};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::client_ip::client_ip;
use super::envelope::HttpError;
use super::origin;
use crate::app::App;
use crate::error::ApiError;
use crate::signaling;

/// The subprotocol a client offers, with `bearer.<jwt>`, to pass its token
/// in the upgrade's headers; the server answers with it.
const SUBPROTOCOL: &str = "pnl-voice";
/// The prefix of the subprotocol that carries the token.
const BEARER_PREFIX: &str = "bearer.";
/// The wait a client refused for too many open sockets is told: a socket
/// of its address closes in about that time, or it should close one.
const SOCKET_RETRY: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Deserialize)]
pub struct WsQuery {
    token: Option<String>,
}

/// The token offered in `Sec-WebSocket-Protocol` (`pnl-voice, bearer.<jwt>`):
/// `Some` only when both are offered.
fn subprotocol_token(req: &HttpRequest) -> Option<String> {
    let offered: Vec<&str> = req
        .headers()
        .get_all(SEC_WEBSOCKET_PROTOCOL)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    if !offered.contains(&SUBPROTOCOL) {
        return None;
    }
    offered
        .iter()
        .find_map(|p| p.strip_prefix(BEARER_PREFIX))
        .map(str::to_owned)
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
    let offered = subprotocol_token(&req);
    let token = offered
        .as_deref()
        .or(query.token.as_deref())
        .ok_or_else(|| {
            HttpError(ApiError::unauthorized(
                "missing token (subprotocol bearer.<token> or ?token=)",
            ))
        })?;
    let credential = app.auth.credential_of(token).map_err(HttpError::from)?;
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
    let (mut response, session, stream) = actix_ws::handle(&req, body)?;
    if offered.is_some() {
        // A browser fails the socket unless the server picks one of the offered subprotocols.
        response.headers_mut().insert(
            SEC_WEBSOCKET_PROTOCOL,
            HeaderValue::from_static(SUBPROTOCOL),
        );
    }
    actix_web::rt::spawn(signaling::run(
        app.signaling.clone(),
        credential,
        ticket,
        session,
        stream,
    ));
    Ok(response)
}
