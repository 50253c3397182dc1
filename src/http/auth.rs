//! `POST /api/auth/challenge` and `POST /api/auth/verify`.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;

use super::bodies::{from_object, ChallengeBody, JsonObject, VerifyBody};
use super::client_ip::client_ip;
use super::envelope::{ok, HttpError};
use super::replies::{Challenge, Token};
use crate::address::Address;
use crate::app::App;
use crate::auth::Credential;
use crate::error::ApiError;

/// Issues a sign-in challenge; `RATE_LIMITED` when the wallet or the
/// client's address holds as many live challenges as allowed.
pub async fn challenge(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<JsonObject>,
) -> Result<HttpResponse, HttpError> {
    let wallet = from_object::<ChallengeBody>(body.into_inner())?;
    let c = app
        .auth
        .challenge(&wallet, client_ip(&app, &req), Utc::now())?;
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

/// The credential behind `Authorization: Bearer <jwt>` (the scheme's name
/// in any case, as RFC 7235 has it).
pub fn bearer_credential(app: &App, req: &HttpRequest) -> Result<Credential, ApiError> {
    Ok(app.auth.credential_of(bearer(req)?)?)
}

/// The wallet behind `Authorization: Bearer <jwt>`.
pub fn bearer_wallet(app: &App, req: &HttpRequest) -> Result<Address, ApiError> {
    Ok(bearer_credential(app, req)?.wallet)
}

/// The value of `Authorization: Bearer <value>`.
pub fn bearer(req: &HttpRequest) -> Result<&str, ApiError> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .ok_or_else(|| ApiError::unauthorized("missing Authorization header"))?;
    bearer_token(header)
        .ok_or_else(|| ApiError::unauthorized("Authorization must be `Bearer <token>`"))
}

/// The token of an `Authorization` value whose scheme is `Bearer`, in any case.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim_start().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::bearer_token;

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        for header in ["Bearer abc", "bearer abc", "BEARER  abc ", "bEaReR abc"] {
            assert_eq!(bearer_token(header), Some("abc"), "{header}");
        }
        for header in ["Basic abc", "Bearer", "Bearer ", "Bearerabc", ""] {
            assert_eq!(bearer_token(header), None, "{header}");
        }
    }
}
