//! `POST /api/auth/challenge` and `POST /api/auth/verify`.

use actix_web::{web, HttpResponse};
use chrono::{SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::json;

use super::envelope::ok;
use crate::address::Address;
use crate::app::App;
use crate::error::ApiError;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeBody {
    wallet_address: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyBody {
    wallet_address: String,
    nonce: String,
    signature: String,
}

/// Issues a sign-in challenge.
pub async fn challenge(
    app: web::Data<App>,
    body: web::Json<ChallengeBody>,
) -> Result<HttpResponse, ApiError> {
    let wallet = Address::parse(&body.wallet_address)?;
    let c = app.auth.challenge(&wallet, Utc::now());
    Ok(ok(json!({
        "nonce": c.nonce,
        "message": c.message,
        "expiresAt": c.expires_at.to_rfc3339_opts(SecondsFormat::Secs, true),
    })))
}

/// Exchanges a signed challenge for a JWT.
pub async fn verify(
    app: web::Data<App>,
    body: web::Json<VerifyBody>,
) -> Result<HttpResponse, ApiError> {
    let wallet = Address::parse(&body.wallet_address)?;
    let token = app
        .auth
        .verify(&wallet, &body.nonce, &body.signature, Utc::now())?;
    Ok(ok(json!({
        "token": token.token,
        "expiresAt": token.expires_at.to_rfc3339_opts(SecondsFormat::Secs, true),
    })))
}
