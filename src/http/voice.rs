//! The voice REST API (docs/protocol.md, "REST API").

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::auth::bearer_wallet;
use super::bodies::{
    from_object, Body, JsonObject, ModerateBody, MuteBody, ReportBody, SettingsBody,
    WalletInMarket, WalletInMarketBody,
};
use super::client_ip::client_ip;
use super::envelope::{ok, HttpError};
use super::replies::{Muted, Participants, ReportFiled, RoomListed, Rooms};
use crate::address::Address;
use crate::app::App;
use crate::error::{ApiError, ErrorCode};
use crate::hub::JoinError;
use crate::protocol::{Empty, SettingsReply};
use crate::store::ReportRecord;

/// The caller's wallet (checked first: no credential, no other answer) and
/// the checked body.
fn authenticated<B: Body>(
    app: &App,
    req: &HttpRequest,
    body: web::Json<JsonObject>,
) -> Result<(Address, B::Checked), ApiError> {
    let caller = bearer_wallet(app, req)?;
    Ok((caller, from_object::<B>(body.into_inner())?))
}

/// Refuses a body whose `claimed` wallet is not the caller's.
fn acting_as(caller: &Address, claimed: &Address) -> Result<(), ApiError> {
    if claimed != caller {
        return Err(ApiError::forbidden("a wallet may only act for itself"));
    }
    Ok(())
}

/// `POST /api/voice/join`: reserves a place and returns the join data.
pub async fn join(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, HttpError> {
    let (caller, body) = authenticated::<WalletInMarketBody>(&app, &req, body)?;
    acting_as(&caller, &body.wallet)?;
    app.signaling
        .may_start_room(&caller, &body.market, client_ip(&app, &req))?;
    match app.hub.reserve(&body.wallet, &body.market).await {
        Ok((room, admission)) => Ok(ok(app.signaling.join_data(&room, admission, &body.wallet))),
        Err(JoinError::WrongNode(_)) if !req.headers().contains_key(FORWARDED) => {
            forward_join(&app, &req, &body).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Header marking a request forwarded from another node (never forwarded
/// again).
pub(super) const FORWARDED: &str = "x-pnl-voice-forwarded";

/// Asks the owning node for the join, with the caller's credentials, and
/// answers what it answered.
async fn forward_join(
    app: &App,
    req: &HttpRequest,
    body: &WalletInMarket,
) -> Result<HttpResponse, HttpError> {
    let owner = app.hub.owner_of(&body.market).await?.ok_or_else(|| {
        ApiError::new(ErrorCode::Capacity, "the room's owner vanished; try again")
    })?;
    let authorization = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let response = app
        .http
        .post(format!("{}/api/voice/join", owner.http_url))
        .header("authorization", authorization)
        .header(FORWARDED, &app.node_id)
        .json(&json!({ "marketAddress": body.market, "walletAddress": body.wallet }))
        .send()
        .await
        .map_err(|e| {
            tracing::warn!(owner = %owner.node_id, error = %e, "cannot reach the room's owner");
            ApiError::new(
                ErrorCode::Capacity,
                "the room's node is unreachable; try again",
            )
        })?;
    let status = actix_web::http::StatusCode::from_u16(response.status().as_u16())
        .unwrap_or(actix_web::http::StatusCode::BAD_GATEWAY);
    let value: serde_json::Value = response
        .json()
        .await
        .map_err(|_| ApiError::new(ErrorCode::Capacity, "the room's node answered nonsense"))?;
    Ok(HttpResponse::build(status).json(value))
}

/// `POST /api/voice/leave`.
pub async fn leave(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, HttpError> {
    let (caller, body) = authenticated::<WalletInMarketBody>(&app, &req, body)?;
    acting_as(&caller, &body.wallet)?;
    app.hub.leave_any(&body.wallet, &body.market).await?;
    Ok(ok(Empty {}))
}

/// `?marketAddress=`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketQuery {
    market_address: String,
}

/// `GET /api/voice/participants?marketAddress=`: anyone.
pub async fn participants(
    app: web::Data<App>,
    query: web::Query<MarketQuery>,
) -> Result<HttpResponse, HttpError> {
    let market = Address::parse(&query.market_address)?;
    let participants = app.hub.participants(&market).await;
    Ok(ok(Participants {
        total: participants.len(),
        participants,
    }))
}

/// `POST /api/voice/mute`: self mute/unmute.
pub async fn mute(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, HttpError> {
    let (caller, body) = authenticated::<MuteBody>(&app, &req, body)?;
    acting_as(&caller, &body.wallet)?;
    app.hub
        .set_muted(&body.market, &body.wallet, None, body.muted)
        .await?;
    Ok(ok(Muted { muted: body.muted }))
}

/// `POST /api/voice/moderate`: the market's founder only.
pub async fn moderate(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, HttpError> {
    let (caller, body) = authenticated::<ModerateBody>(&app, &req, body)?;
    acting_as(&caller, &body.founder)?;
    app.hub
        .moderate(
            &body.market,
            &body.founder,
            body.action,
            body.target.as_ref(),
        )
        .await?;
    Ok(ok(Empty {}))
}

/// `POST /api/voice/settings`: the founder changes the room's settings
/// (an addition to the contract).
pub async fn settings(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, HttpError> {
    let (caller, body) = authenticated::<SettingsBody>(&app, &req, body)?;
    acting_as(&caller, &body.founder)?;
    let settings = app
        .hub
        .update_settings(&body.market, &body.founder, body.patch)
        .await?;
    Ok(ok(SettingsReply { settings }))
}

/// `POST /api/voice/report`: any participant reports another wallet.
pub async fn report(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, HttpError> {
    let (reporter, body) = authenticated::<ReportBody>(&app, &req, body)?;
    let in_room = app.hub.is_participant(&body.market, &reporter).await;
    if !in_room {
        return Err(ApiError::new(
            ErrorCode::NotInRoom,
            "only participants of the room may report",
        )
        .into());
    }
    app.signaling.actions.report(&reporter, &body.market)?;
    let report = ReportRecord {
        id: uuid::Uuid::new_v4(),
        market_address: body.market,
        reporter_wallet: Some(reporter),
        target_wallet: Some(body.target),
        reason: body.reason,
        created_at: Utc::now(),
    };
    let id = report.id;
    app.hub.file_report(report);
    Ok(ok(ReportFiled { report_id: id }))
}

/// `GET /api/voice/rooms`: the running rooms.
pub async fn rooms(app: web::Data<App>) -> HttpResponse {
    let rooms = app.hub.summaries().into_iter().map(RoomListed::from);
    ok(Rooms {
        rooms: rooms.collect(),
    })
}
