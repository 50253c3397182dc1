//! The voice REST API (PROTOCOL.md section 2).

use std::sync::Arc;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::json;

use super::auth::bearer_wallet;
use super::envelope::ok;
use crate::address::Address;
use crate::app::App;
use crate::error::{ApiError, ErrorCode};
use crate::hub::LiveRoom;
use crate::protocol::ModerationAction;
use crate::rooms::SettingsPatch;
use crate::store::ReportRecord;

/// Longest abuse report reason, in characters.
const MAX_REASON_CHARS: usize = 1000;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WalletInMarket {
    market_address: String,
    wallet_address: String,
}

/// The caller's wallet, which must be `claimed`.
fn acting_as(app: &App, req: &HttpRequest, claimed: &str) -> Result<Address, ApiError> {
    let wallet = bearer_wallet(app, req)?;
    if Address::parse(claimed)? != wallet {
        return Err(ApiError::forbidden("a wallet may only act for itself"));
    }
    Ok(wallet)
}

/// The running room of `market`, or `missing`.
fn running(app: &App, market: &str, missing: ErrorCode) -> Result<Arc<LiveRoom>, ApiError> {
    let market = Address::parse(market)?;
    app.hub.running_room(&market).ok_or_else(|| {
        ApiError::new(
            missing,
            "no running room for this market (or you are not in it)",
        )
    })
}

/// `POST /api/voice/join`: reserves a place and returns the join data.
pub async fn join(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<WalletInMarket>,
) -> Result<HttpResponse, ApiError> {
    let wallet = acting_as(&app, &req, &body.wallet_address)?;
    let market = Address::parse(&body.market_address)?;
    match app.hub.reserve(&wallet, &market).await {
        Ok((room, admission)) => Ok(ok(app.join_data(&room, admission, &wallet))),
        Err(e) if e.code == ErrorCode::WrongNode && !req.headers().contains_key(FORWARDED) => {
            forward_join(&app, &req, &market, &body).await
        }
        Err(e) => Err(e),
    }
}

/// Header marking a join forwarded from another node (never forwarded again).
const FORWARDED: &str = "x-pnl-voice-forwarded";

/// Asks the owning node for the join, with the caller's credentials, and
/// answers what it answered.
async fn forward_join(
    app: &App,
    req: &HttpRequest,
    market: &Address,
    body: &WalletInMarket,
) -> Result<HttpResponse, ApiError> {
    let owner = app.hub.owner_of(market).await?.ok_or_else(|| {
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
        .json(
            &json!({ "marketAddress": body.market_address, "walletAddress": body.wallet_address }),
        )
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
    body: web::Json<WalletInMarket>,
) -> Result<HttpResponse, ApiError> {
    let wallet = acting_as(&app, &req, &body.wallet_address)?;
    let market = Address::parse(&body.market_address)?;
    app.hub.leave_any(&wallet, &market)?;
    Ok(ok(json!({})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketQuery {
    market_address: String,
}

/// `GET /api/voice/participants?marketAddress=`: anyone.
pub async fn participants(
    app: web::Data<App>,
    query: web::Query<MarketQuery>,
) -> Result<HttpResponse, ApiError> {
    let market = Address::parse(&query.market_address)?;
    let participants = app
        .hub
        .running_room(&market)
        .map(|r| r.participants())
        .unwrap_or_default();
    Ok(ok(
        json!({ "total": participants.len(), "participants": participants }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MuteBody {
    market_address: String,
    wallet_address: String,
    muted: bool,
}

/// `POST /api/voice/mute`: self mute/unmute.
pub async fn mute(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<MuteBody>,
) -> Result<HttpResponse, ApiError> {
    let wallet = acting_as(&app, &req, &body.wallet_address)?;
    let room = running(&app, &body.market_address, ErrorCode::NotInRoom)?;
    room.set_muted(&wallet, body.muted).await?;
    Ok(ok(json!({ "muted": body.muted })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModerateBody {
    market_address: String,
    founder_wallet: String,
    action: ModerationAction,
    target_wallet: Option<String>,
}

/// `POST /api/voice/moderate`: the market's founder only.
pub async fn moderate(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<ModerateBody>,
) -> Result<HttpResponse, ApiError> {
    let founder = acting_as(&app, &req, &body.founder_wallet)?;
    let market = Address::parse(&body.market_address)?;
    let target = body
        .target_wallet
        .as_deref()
        .map(Address::parse)
        .transpose()?;
    if target.is_none() && body.action != ModerationAction::MuteAll {
        return Err(ApiError::bad_request(
            "`targetWallet` is required for this action",
        ));
    }
    app.hub
        .moderate(&market, &founder, body.action, target.as_ref())
        .await?;
    Ok(ok(json!({})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsBody {
    market_address: String,
    founder_wallet: String,
    settings: SettingsPatch,
}

/// `POST /api/voice/settings`: the founder changes the room's settings
/// (an addition to the contract).
pub async fn settings(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<SettingsBody>,
) -> Result<HttpResponse, ApiError> {
    let founder = acting_as(&app, &req, &body.founder_wallet)?;
    let room = running(&app, &body.market_address, ErrorCode::NotFound)?;
    let settings = room.update_settings(&founder, &body.settings)?;
    Ok(ok(json!({ "settings": settings })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportBody {
    market_address: String,
    target_wallet: String,
    reason: String,
}

/// `POST /api/voice/report`: any participant reports another wallet.
pub async fn report(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<ReportBody>,
) -> Result<HttpResponse, ApiError> {
    let reporter = bearer_wallet(&app, &req)?;
    let market = Address::parse(&body.market_address)?;
    let target = Address::parse(&body.target_wallet)?;
    let reason = body.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(ApiError::bad_request(format!(
            "`reason` must be 1..={MAX_REASON_CHARS} characters"
        )));
    }
    let in_room = app
        .hub
        .running_room(&market)
        .is_some_and(|r| r.is_participant(&reporter));
    if !in_room {
        return Err(ApiError::new(
            ErrorCode::NotInRoom,
            "only participants of the room may report",
        ));
    }
    let report = ReportRecord {
        id: uuid::Uuid::new_v4(),
        market_address: market,
        reporter_wallet: Some(reporter),
        target_wallet: Some(target),
        reason: reason.to_string(),
        created_at: Utc::now(),
    };
    let id = report.id;
    app.hub.file_report(report);
    Ok(ok(json!({ "reportId": id })))
}

/// `GET /api/voice/rooms`: the running rooms.
pub async fn rooms(app: web::Data<App>) -> HttpResponse {
    let rooms: Vec<_> = app
        .hub
        .running_rooms()
        .into_iter()
        .map(|room| {
            let (participants, speakers, created_at) = room.summary();
            json!({
                "roomId": room.id,
                "participants": participants,
                "speakers": speakers,
                "createdAt": created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            })
        })
        .collect();
    ok(json!({ "rooms": rooms }))
}
