//! The analytics and privacy API over the store: room stats, a wallet's
//! history, and a wallet's export and erasure of its own records.

use std::time::Duration;

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::auth::bearer_wallet;
use super::envelope::{ok, HttpError};
use super::forward;
use super::replies::{ErasedReply, History, RoomStats};
use crate::address::Address;
use crate::app::App;
use crate::error::ApiError;
use crate::store;

/// Speakers listed in a room's stats.
const TOP_SPEAKERS: usize = 10;
/// Debates listed in a room's stats.
const DEBATES: usize = 20;
/// Participations a history lists by default, and at most.
const HISTORY_DEFAULT: usize = 50;
const HISTORY_MAX: usize = 500;
/// Longest wait for queued records before an export or erasure.
const FLUSH_WAIT: Duration = Duration::from_secs(5);

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StatsQuery {
    market_address: String,
}

/// `GET /api/voice/stats?marketAddress=`: anyone. The room's record, the
/// wallets heard longest and its last debates. While another node runs the room, that node
/// answers (its records are the newest; with the embedded store, the only
/// ones).
pub async fn stats(
    app: web::Data<App>,
    req: HttpRequest,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, HttpError> {
    stats_of(&app, &req, &Address::parse(&query.market_address)?).await
}

/// The answer to a stats request for `market` (public, or with an API key).
pub async fn stats_of(
    app: &App,
    req: &HttpRequest,
    market: &Address,
) -> Result<HttpResponse, HttpError> {
    if let Err(e) = app.hub.answers_for(market).await {
        return forward::owner_or(app, req, None, e).await;
    }
    let store = app.hub.recorder().store();
    let room = store
        .room(market)
        .await?
        .ok_or_else(|| ApiError::not_found("no record of a room for this market"))?;
    let top_speakers = store.top_speakers(market, TOP_SPEAKERS).await?;
    let debates = store.debates(market, DEBATES).await?;
    Ok(ok(RoomStats {
        room,
        top_speakers,
        debates,
    }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HistoryQuery {
    wallet_address: String,
    limit: Option<usize>,
}

/// `GET /api/voice/history?walletAddress=&limit=`: the wallet itself. Its
/// most recent participations, newest first.
pub async fn history(
    app: web::Data<App>,
    req: HttpRequest,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, HttpError> {
    let wallet = bearer_wallet(&app, &req)?;
    if Address::parse(&query.wallet_address)? != wallet {
        return Err(ApiError::forbidden("a wallet may only read its own history").into());
    }
    let limit = query.limit.unwrap_or(HISTORY_DEFAULT);
    if !(1..=HISTORY_MAX).contains(&limit) {
        return Err(ApiError::bad_request(format!("`limit` must be 1..={HISTORY_MAX}")).into());
    }
    let participations = app.hub.recorder().store().history(&wallet, limit).await?;
    Ok(ok(History { participations }))
}

/// `GET /api/voice/me/data`: everything kept about the caller's wallet.
pub async fn export(app: web::Data<App>, req: HttpRequest) -> Result<HttpResponse, HttpError> {
    let wallet = bearer_wallet(&app, &req)?;
    let recorder = app.hub.recorder();
    recorder.flush(FLUSH_WAIT).await;
    Ok(ok(store::export(recorder.store().as_ref(), &wallet).await?))
}

/// `DELETE /api/voice/me/data`: removes the caller's wallet from every
/// record; room totals stay.
pub async fn erase(app: web::Data<App>, req: HttpRequest) -> Result<HttpResponse, HttpError> {
    let wallet = bearer_wallet(&app, &req)?;
    let recorder = app.hub.recorder();
    recorder.flush(FLUSH_WAIT).await;
    let erased = recorder.store().erase(&wallet).await?;
    tracing::info!(
        participations = erased.participations,
        reports = erased.reports,
        "wallet erased its records"
    );
    Ok(ok(ErasedReply { erased }))
}
