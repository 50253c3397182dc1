//! JWTs (HS256): `sub` is the wallet address. A token minted by a market
//! site's backend (`POST /api/server/tokens`) may also name one market
//! (`mkt`), room grants (`grants`) and the API key that minted it (`kid`).

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::{AuthError, IssuedToken};
use crate::address::Address;
use crate::error::ApiError;
use crate::rooms::Grants;

const ISSUER: &str = "pnl-voice";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iss: String,
    iat: i64,
    exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mkt: Option<String>,
    #[serde(default, skip_serializing_if = "Grants::is_none")]
    grants: Grants,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kid: Option<String>,
}

/// What a token minted for a market site says beyond its wallet.
#[derive(Debug, Clone, Default)]
pub struct MintOptions {
    /// The one market the token may be used in.
    pub market: Option<Address>,
    /// Room roles granted on joining.
    pub grants: Grants,
    /// Lifetime; the server's JWT lifetime when absent.
    pub ttl: Option<Duration>,
    /// The API key that minted it (kept in the token for audits).
    pub key_id: Option<String>,
}

/// Who a valid token speaks for, and what it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// The wallet.
    pub wallet: Address,
    /// The one market it may be used in, if bound to one.
    pub market: Option<Address>,
    /// Room roles granted on joining.
    pub grants: Grants,
}

impl Credential {
    /// Refuses (`FORBIDDEN`) a token bound to a market other than `market`.
    pub fn may_act_in(&self, market: &Address) -> Result<(), ApiError> {
        match &self.market {
            Some(bound) if bound != market => Err(ApiError::forbidden(format!(
                "this token is for market {bound} only"
            ))),
            _ => Ok(()),
        }
    }
}

/// Signing and checking keys for session JWTs.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl TokenKeys {
    /// Keys from an HS256 secret; tokens live `ttl_secs`.
    pub fn new(secret: &[u8], ttl_secs: u64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        validation.leeway = 0;
        // A token that names a start (`nbf`) is refused before it.
        validation.validate_nbf = true;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl: Duration::seconds(ttl_secs as i64),
        }
    }

    /// A token for `wallet` issued at `now`.
    pub fn issue(&self, wallet: &Address, now: DateTime<Utc>) -> IssuedToken {
        self.mint(wallet, &MintOptions::default(), now)
    }

    /// A token for `wallet` issued at `now` with `options`.
    pub fn mint(&self, wallet: &Address, options: &MintOptions, now: DateTime<Utc>) -> IssuedToken {
        let expires_at = now + options.ttl.unwrap_or(self.ttl);
        let claims = Claims {
            sub: wallet.to_string(),
            iss: ISSUER.into(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            mkt: options.market.as_ref().map(Address::to_string),
            grants: options.grants,
            kid: options.key_id.clone(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 encoding cannot fail");
        IssuedToken { token, expires_at }
    }

    /// The credential of a valid token.
    pub fn credential_of(&self, token: &str) -> Result<Credential, AuthError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| AuthError::BadToken(e.to_string()))?;
        let claims = data.claims;
        let wallet =
            Address::parse(&claims.sub).map_err(|_| AuthError::BadToken("bad subject".into()))?;
        let market = claims
            .mkt
            .map(|m| Address::parse(&m).map_err(|_| AuthError::BadToken("bad market".into())))
            .transpose()?;
        Ok(Credential {
            wallet,
            market,
            grants: claims.grants,
        })
    }
}
