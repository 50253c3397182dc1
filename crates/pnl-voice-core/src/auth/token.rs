//! JWTs (HS256): `sub` is the wallet address.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::{AuthError, IssuedToken};
use crate::address::Address;

const ISSUER: &str = "pnl-voice";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iss: String,
    iat: i64,
    exp: i64,
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
        let expires_at = now + self.ttl;
        let claims = Claims {
            sub: wallet.to_string(),
            iss: ISSUER.into(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 encoding cannot fail");
        IssuedToken { token, expires_at }
    }

    /// The wallet of a valid token.
    pub fn wallet_of(&self, token: &str) -> Result<Address, AuthError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| AuthError::BadToken(e.to_string()))?;
        Address::parse(&data.claims.sub).map_err(|_| AuthError::BadToken("bad subject".into()))
    }
}
