//! `POST /api/auth/challenge` and `POST /api/auth/verify`.

use actix_web::{web, HttpResponse};
use chrono::Utc;

use super::bodies::{from_object, ChallengeBody, JsonObject, VerifyBody};
use super::envelope::{ok, HttpError};
use super::replies::{Challenge, Token};
use crate::address::Address;
use crate::app::App;
use crate::error::ApiError;

/// Issues a sign-in challenge.
pub async fn challenge(
    app: web::Data<App>,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, HttpError> {
    let wallet = from_object::<ChallengeBody>(body.into_inner())?;
    let c = app.auth.challenge(&wallet, Utc::now());
    Ok(ok(Challenge {
        nonce: c.nonce,
        message: c.message,
        expires_at: c.expires_at,
    }))
}

/// Exchanges a signed challenge for a JWT.
pub async fn verify(
    app: web::Data<App>,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, HttpError> {
    let body = from_object::<VerifyBody>(body.into_inner())?;
    let token = app
        .auth
        .verify(&body.wallet, &body.nonce, &body.signature, Utc::now())?;
    Ok(ok(Token {
        token: token.token,
        expires_at: token.expires_at,
    }))
}

/// The wallet behind `Authorization: Bearer <jwt>`.
pub fn bearer_wallet(app: &App, req: &actix_web::HttpRequest) -> Result<Address, ApiError> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .ok_or_else(|| ApiError::unauthorized("missing Authorization header"))?;
    let token = header
        .strip_prefix("Bearer ")
        .ok_or_else(|| ApiError::unauthorized("Authorization must be `Bearer <token>`"))?;
    Ok(app.auth.wallet_of(token.trim())?)
}
