//! `/api/server/*`: what a market site's backend calls with an API key
//! (docs/server-api.md). It mints tokens for its signed-in users, reads
//! rooms and moderates them as the market's founder. A room another node
//! runs is answered by that node, as for every REST call.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::Deserialize;

use super::api_key::authorize;
use super::bodies::{from_object, JsonObject};
use super::envelope::{ok, HttpError};
use super::forward;
use super::replies::{Debates, Token};
use crate::address::Address;
use crate::app::App;
use crate::auth::MintOptions;
use crate::error::ApiError;
use crate::protocol::Empty;
use crate::server_api::{MintTokenBody, Scope, ServerModerateBody};

/// Debates a read lists by default, and at most.
const DEBATES_DEFAULT: usize = 20;
const DEBATES_MAX: usize = 100;

/// `POST /api/server/tokens` (`tokens:mint`): a session token for a wallet
/// the site vouches for, the same JWT wallet sign-in gives, optionally
/// bound to one market and with room grants.
pub async fn mint(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, HttpError> {
    let key = authorize(&app, &req, Scope::TokensMint).await?;
    let body = from_object::<MintTokenBody>(body.into_inner())?;
    let options = MintOptions {
        market: body.market,
        grants: body.grants,
        ttl: body.ttl_secs.map(|s| chrono::Duration::seconds(s as i64)),
        key_id: Some(key.id),
    };
    let minted = app.auth.mint(&body.wallet, &options, Utc::now());
    Ok(ok(Token {
        token: minted.token,
        expires_at: minted.expires_at,
    }))
}

/// `GET /api/server/rooms` (`rooms:read`): the running rooms of every node.
pub async fn rooms(app: web::Data<App>, req: HttpRequest) -> Result<HttpResponse, HttpError> {
    authorize(&app, &req, Scope::RoomsRead).await?;
    super::voice::rooms(app).await
}

/// `GET /api/server/rooms/{marketAddress}/participants` (`rooms:read`).
pub async fn participants(
    app: web::Data<App>,
    req: HttpRequest,
    market: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    authorize(&app, &req, Scope::RoomsRead).await?;
    super::voice::participants_of(&app, &req, &Address::parse(&market)?).await
}

/// `GET /api/server/rooms/{marketAddress}/stats` (`rooms:read`): as the
/// public stats.
pub async fn stats(
    app: web::Data<App>,
    req: HttpRequest,
    market: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    authorize(&app, &req, Scope::RoomsRead).await?;
    super::records::stats_of(&app, &req, &Address::parse(&market)?).await
}

/// `?limit=`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitQuery {
    limit: Option<usize>,
}

/// `GET /api/server/rooms/{marketAddress}/debates?limit=` (`rooms:read`):
/// the room's last debates, newest first.
pub async fn debates(
    app: web::Data<App>,
    req: HttpRequest,
    market: web::Path<String>,
    query: web::Query<LimitQuery>,
) -> Result<HttpResponse, HttpError> {
    authorize(&app, &req, Scope::RoomsRead).await?;
    let market = Address::parse(&market)?;
    let limit = query.limit.unwrap_or(DEBATES_DEFAULT);
    if !(1..=DEBATES_MAX).contains(&limit) {
        return Err(ApiError::bad_request(format!("`limit` must be 1 to {DEBATES_MAX}")).into());
    }
    if let Err(e) = app.hub.answers_for(&market).await {
        return forward::owner_or(&app, &req, None, e).await;
    }
    let debates = app.hub.recorder().store().debates(&market, limit).await?;
    Ok(ok(Debates { debates }))
}

/// `POST /api/server/rooms/{marketAddress}/moderate` (`rooms:moderate`):
/// `{action, targetWallet?}` done as the market's founder, with the
/// founder's rights and refusals.
pub async fn moderate(
    app: web::Data<App>,
    req: HttpRequest,
    market: web::Path<String>,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, HttpError> {
    authorize(&app, &req, Scope::RoomsModerate).await?;
    let market = Address::parse(&market)?;
    let raw = body.into_inner();
    let body = from_object::<ServerModerateBody>(raw.clone())?;
    let founder = app
        .markets
        .founder(&market)
        .await
        .ok_or_else(|| ApiError::forbidden("this market has no founder to moderate for"))?;
    match app
        .hub
        .moderate(&market, &founder, body.action, body.target.as_ref())
        .await
    {
        Ok(()) => Ok(ok(Empty {})),
        Err(e) => forward::owner_or(&app, &req, Some(&raw), e).await,
    }
}
