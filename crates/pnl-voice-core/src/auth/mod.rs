//! Wallet sign-in: a one-time challenge signed with the wallet's ed25519 key
//! (what Phantom's `signMessage` does) is exchanged for a JWT.

mod challenge;
mod token;

pub use challenge::{Challenge, ChallengeLimits, ChallengeStore};
pub use token::{Credential, MintOptions, TokenKeys};

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, VerifyingKey};

use crate::address::Address;
use crate::error::ApiError;

/// Why a credential was refused (`UNAUTHORIZED`), or a challenge was
/// not issued (`RATE_LIMITED`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The nonce was never issued, was used already, or is for another wallet.
    #[error("unknown or already used nonce")]
    UnknownNonce,
    /// The nonce's time is up.
    #[error("challenge expired")]
    Expired,
    /// The signature is malformed or does not verify.
    #[error("bad signature")]
    BadSignature,
    /// The JWT is missing, malformed, forged, expired or not valid yet.
    #[error("invalid token: {0}")]
    BadToken(String),
    /// The wallet (from this address), the address or the store holds as
    /// many live challenges as allowed: this one is refused (nobody's is
    /// evicted) until one of them expires, after the wait it carries.
    #[error(
        "too many sign-in challenges outstanding: use one, or try again in {}",
        crate::error::in_words(*.0)
    )]
    TooManyChallenges(chrono::Duration),
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::TooManyChallenges(wait) => {
                ApiError::rate_limited(e.to_string(), wait.to_std().unwrap_or_default())
            }
            _ => ApiError::unauthorized(e.to_string()),
        }
    }
}

/// A signed-in session credential.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// The JWT.
    pub token: String,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// Challenges and tokens of one server.
pub struct Auth {
    challenges: ChallengeStore,
    keys: TokenKeys,
}

impl Auth {
    /// An authority signing messages for `domain` with the given lifetimes
    /// and the default [`ChallengeLimits`].
    pub fn new(domain: String, secret: &[u8], nonce_ttl_secs: u64, jwt_ttl_secs: u64) -> Self {
        Self::with_limits(
            domain,
            secret,
            nonce_ttl_secs,
            jwt_ttl_secs,
            ChallengeLimits::default(),
        )
    }

    /// An authority as [`Auth::new`], its live challenges bounded by `limits`.
    pub fn with_limits(
        domain: String,
        secret: &[u8],
        nonce_ttl_secs: u64,
        jwt_ttl_secs: u64,
        limits: ChallengeLimits,
    ) -> Self {
        Self {
            challenges: ChallengeStore::with_limits(domain, nonce_ttl_secs, limits),
            keys: TokenKeys::new(secret, jwt_ttl_secs),
        }
    }

    /// Issues a single-use challenge for `wallet`, asked for from `client`;
    /// [`AuthError::TooManyChallenges`] past the store's limits.
    pub fn challenge(
        &self,
        wallet: &Address,
        client: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<Challenge, AuthError> {
        self.challenges.issue(wallet, client, now)
    }

    /// Checks `signature` (base58 of 64 bytes) over the challenge message of
    /// `nonce` and issues a JWT. The nonce is used up whatever the outcome.
    pub fn verify(
        &self,
        wallet: &Address,
        nonce: &str,
        signature: &str,
        now: DateTime<Utc>,
    ) -> Result<IssuedToken, AuthError> {
        let challenge = self.challenges.take(wallet, nonce, now)?;
        verify_signature(wallet, challenge.message.as_bytes(), signature)?;
        Ok(self.keys.issue(wallet, now))
    }

    /// The credential a JWT carries, if the JWT is valid now.
    pub fn credential_of(&self, token: &str) -> Result<Credential, AuthError> {
        self.keys.credential_of(token)
    }

    /// A token for `wallet` minted for a market site at `now` (the site
    /// vouches for the wallet: no challenge is signed).
    pub fn mint(&self, wallet: &Address, options: &MintOptions, now: DateTime<Utc>) -> IssuedToken {
        self.keys.mint(wallet, options, now)
    }
}

/// Verifies a base58 ed25519 signature of `message` by `wallet`.
pub fn verify_signature(
    wallet: &Address,
    message: &[u8],
    signature: &str,
) -> Result<(), AuthError> {
    let mut bytes = [0u8; 64];
    match bs58::decode(signature).onto(&mut bytes) {
        Ok(64) => {}
        _ => return Err(AuthError::BadSignature),
    }
    let key = VerifyingKey::from_bytes(&wallet.to_bytes()).map_err(|_| AuthError::BadSignature)?;
    key.verify_strict(message, &Signature::from_bytes(&bytes))
        .map_err(|_| AuthError::BadSignature)
}

#[cfg(test)]
mod tests;
