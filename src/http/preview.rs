//! `GET /api/voice/preview?marketAddress=`: what a room is before joining
//! it (the market's question, whether it is live, how many speak and
//! listen, who hosts it). Public, and the same on every node: a node that
//! does not run the room passes the call to the node that does
//! (`forward`), so the counts are never stale.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::SecondsFormat;
use serde::Deserialize;

use super::envelope::{cacheable, ok, HttpError};
use super::forward;
use crate::address::Address;
use crate::app::App;
use crate::hub::RoomSummary;
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

/// Answers from this node's room, or the owner's answer when another node
/// runs it.
pub async fn preview(
    app: web::Data<App>,
    req: HttpRequest,
    query: web::Query<PreviewQuery>,
) -> Result<HttpResponse, HttpError> {
    let market = Address::parse(&query.market_address)?;
    match app.hub.summary(&market).await {
        Ok(room) => Ok(cacheable(ok(local(&app, market, room).await), MAX_AGE_SECS)),
        Err(e) => forward::owner_or(&app, &req, None, e).await,
    }
}

/// The preview of `market` from its running `room`, if any.
async fn local(app: &App, market: Address, room: Option<RoomSummary>) -> RoomPreview {
    let title = app.markets.title(&market).await;
    let host = app
        .markets
        .founder(&market)
        .await
        .map(|wallet_address| PreviewHost { wallet_address });
    let room = room
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

/// A head count on the wire (rooms hold at most 10 000 people).
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
