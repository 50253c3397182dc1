//! The voice REST API (docs/protocol.md, "REST API").

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::Deserialize;

use super::auth::bearer_credential;
use super::bodies::{
    from_object, Body, DebateBody, InMarket, JsonObject, ModerateBody, MuteBody, ReportBody,
    SettingsBody, WalletInMarketBody,
};
use super::client_ip::client_ip;
use super::envelope::{ok, HttpError};
use super::forward;
use super::replies::{Muted, Participants, ReportFiled, RoomListed, Rooms};
use crate::address::Address;
use crate::app::App;
use crate::error::{ApiError, ErrorCode};
use crate::hub::LeaveError;
use crate::protocol::{Empty, SettingsReply};
use crate::store::ReportRecord;

/// The caller's wallet (checked first: no credential, no other answer),
/// the checked body, and the body as it came (for the room's owner, when
/// another node runs the room). A token bound to another market than the
/// body's is `FORBIDDEN`.
fn authenticated<B: Body>(
    app: &App,
    req: &HttpRequest,
    body: web::Json<JsonObject>,
) -> Result<(Address, B::Checked, JsonObject), ApiError>
where
    B::Checked: InMarket,
{
    let caller = bearer_credential(app, req)?;
    let raw = body.into_inner();
    let checked = from_object::<B>(raw.clone())?;
    caller.may_act_in(checked.market())?;
    Ok((caller.wallet, checked, raw))
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
    let (caller, body, raw) = authenticated::<WalletInMarketBody>(&app, &req, body)?;
    acting_as(&caller, &body.wallet)?;
    app.signaling
        .may_start_room(&caller, &body.market, client_ip(&app, &req))
        .await?;
    match app.hub.reserve(&body.wallet, &body.market).await {
        Ok((room, admission)) => Ok(ok(app.signaling.join_data(&room, admission, &body.wallet))),
        Err(e) => forward::owner_or(&app, &req, Some(&raw), e).await,
    }
}

/// `POST /api/voice/leave`.
pub async fn leave(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, HttpError> {
    let (caller, body, raw) = authenticated::<WalletInMarketBody>(&app, &req, body)?;
    acting_as(&caller, &body.wallet)?;
    match app.hub.leave_any(&body.wallet, &body.market).await {
        Ok(()) => Ok(ok(Empty {})),
        Err(e) => forward::owner_or(&app, &req, Some(&raw), e).await,
    }
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
    req: HttpRequest,
    query: web::Query<MarketQuery>,
) -> Result<HttpResponse, HttpError> {
    participants_of(&app, &req, &Address::parse(&query.market_address)?).await
}

/// The answer to a participants request for `market` (public, or with an
/// API key): from the node running the room.
pub async fn participants_of(
    app: &App,
    req: &HttpRequest,
    market: &Address,
) -> Result<HttpResponse, HttpError> {
    match app.hub.participants(market).await {
        Ok(participants) => Ok(ok(Participants {
            total: participants.len(),
            participants,
        })),
        Err(e) => forward::owner_or(app, req, None, e).await,
    }
}

/// `POST /api/voice/mute`: self mute/unmute.
pub async fn mute(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, HttpError> {
    let (caller, body, raw) = authenticated::<MuteBody>(&app, &req, body)?;
    acting_as(&caller, &body.wallet)?;
    match app
        .hub
        .set_muted(&body.market, &body.wallet, None, body.muted)
        .await
    {
        Ok(()) => Ok(ok(Muted { muted: body.muted })),
        Err(e) => forward::owner_or(&app, &req, Some(&raw), e).await,
    }
}

/// `POST /api/voice/moderate`: the market's founder only. The body goes to
/// the room's owner as it came, whatever the action.
pub async fn moderate(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, HttpError> {
    let (caller, body, raw) = authenticated::<ModerateBody>(&app, &req, body)?;
    acting_as(&caller, &body.founder)?;
    let moderated = app
        .hub
        .moderate(
            &body.market,
            &body.founder,
            body.action,
            body.target.as_ref(),
        )
        .await;
    match moderated {
        Ok(()) => Ok(ok(Empty {})),
        Err(e) => forward::owner_or(&app, &req, Some(&raw), e).await,
    }
}

/// `POST /api/voice/settings`: the founder changes the room's settings
/// (an addition to the contract).
pub async fn settings(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, HttpError> {
    let (caller, body, raw) = authenticated::<SettingsBody>(&app, &req, body)?;
    acting_as(&caller, &body.founder)?;
    match app
        .hub
        .update_settings(&body.market, &body.founder, body.patch)
        .await
    {
        Ok(settings) => Ok(ok(SettingsReply { settings })),
        Err(e) => forward::owner_or(&app, &req, Some(&raw), e).await,
    }
}

/// `POST /api/voice/debate`: the host (the caller: the founder or a
/// co-host) runs the room's debate; the room's owner answers.
pub async fn debate(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, HttpError> {
    let (caller, body, raw) = authenticated::<DebateBody>(&app, &req, body)?;
    match app.hub.debate(&body.market, &caller, body.command).await {
        Ok(()) => Ok(ok(Empty {})),
        Err(e) => forward::owner_or(&app, &req, Some(&raw), e).await,
    }
}

/// `POST /api/voice/report`: any participant reports another wallet. The
/// room's owner files it (the participant check is its own).
pub async fn report(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, HttpError> {
    let (reporter, body, raw) = authenticated::<ReportBody>(&app, &req, body)?;
    if let Err(e) = app.hub.check_participant(&body.market, &reporter).await {
        return match e {
            LeaveError::NotInRoom => Err(ApiError::new(
                ErrorCode::NotInRoom,
                "only participants of the room may report",
            )
            .into()),
            e => forward::owner_or(&app, &req, Some(&raw), e).await,
        };
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

/// `GET /api/voice/rooms`: the running rooms of every node.
pub async fn rooms(app: web::Data<App>) -> Result<HttpResponse, HttpError> {
    let rooms = app.hub.directory().await?.into_iter().map(RoomListed::from);
    Ok(ok(Rooms {
        rooms: rooms.collect(),
    }))
}
