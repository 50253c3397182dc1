//! `GET /api/voice/preview?marketAddress=`: what a room is before joining
//! it (the market's question, whether it is live, how many speak and
//! listen, who hosts it). Public, and the same on every node: a node that
//! does not run the room asks the node that does (the registry's owner),
//! as `POST /api/voice/join` does, so the counts are never stale.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::SecondsFormat;
use serde::Deserialize;

use super::envelope::{cacheable, ok, HttpError};
use super::voice::FORWARDED;
use crate::address::Address;
use crate::app::App;
use crate::error::{ApiError, ErrorCode};
use crate::protocol::{PreviewHost, RoomPreview};

/// How long browsers and proxies may reuse a preview, in seconds: short,
/// since people come and go, but enough to spare the node a page's reloads.
const MAX_AGE_SECS: u32 = 5;

/// `?marketAddress=`; a missing one is as invalid as a malformed one.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewQuery {
    #[serde(default)]
    market_address: String,
}

/// Answers from this node's room, or from the owner's when another node
/// runs it.
pub async fn preview(
    app: web::Data<App>,
    req: HttpRequest,
    query: web::Query<PreviewQuery>,
) -> Result<HttpResponse, HttpError> {
    let market = Address::parse(&query.market_address)?;
    if !app.hub.runs(&market) && !req.headers().contains_key(FORWARDED) {
        let owner = app.hub.owner_of(&market).await?;
        if let Some(owner) = owner.filter(|o| o.node_id != app.node_id) {
            return forward(&app, &owner.http_url, &owner.node_id, &market).await;
        }
    }
    Ok(cacheable(ok(local(&app, market).await), MAX_AGE_SECS))
}

/// The preview of `market` as this node sees it.
async fn local(app: &App, market: Address) -> RoomPreview {
    let title = app.markets.title(&market).await;
    let host = app
        .markets
        .founder(&market)
        .await
        .map(|wallet_address| PreviewHost { wallet_address });
    let room = app
        .hub
        .summary(&market)
        .filter(|room| room.participants > 0)
        .map(|room| (room.participants, room.speakers, room.created_at));
    let (live, speakers, listeners, started_at) = match room {
        Some((participants, speakers, created_at)) => (
            true,
            count(speakers),
            count(participants.saturating_sub(speakers)),
            Some(created_at.to_rfc3339_opts(SecondsFormat::Millis, true)),
        ),
        None => (false, 0, 0, None),
    };
    RoomPreview {
        market_address: market,
        title,
        live,
        speakers,
        listeners,
        host,
        started_at,
    }
}

/// The owner's answer, passed on as it is.
async fn forward(
    app: &App,
    http_url: &str,
    node_id: &str,
    market: &Address,
) -> Result<HttpResponse, HttpError> {
    let unreachable = |e: String| {
        tracing::warn!(owner = %node_id, error = %e, "cannot get a preview from the room's owner");
        ApiError::new(
            ErrorCode::Unavailable,
            "the room's node is unreachable; try again",
        )
    };
    let response = app
        .http
        .get(format!("{http_url}/api/voice/preview"))
        .query(&[("marketAddress", market.as_str())])
        .header(FORWARDED, &app.node_id)
        .send()
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    let status = actix_web::http::StatusCode::from_u16(response.status().as_u16())
        .unwrap_or(actix_web::http::StatusCode::BAD_GATEWAY);
    let body: serde_json::Value = response
        .json()
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    let answer = HttpResponse::build(status).json(body);
    Ok(if status.is_success() {
        cacheable(answer, MAX_AGE_SECS)
    } else {
        answer
    })
}

/// A head count on the wire (rooms hold at most 10 000 people).
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
