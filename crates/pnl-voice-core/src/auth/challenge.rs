//! Single-use sign-in challenges.

use std::collections::HashMap;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use parking_lot::Mutex;
use rand::RngCore;

use super::AuthError;
use crate::address::Address;

/// Most challenges kept at once; past it, expired ones are purged first and
/// then the oldest go.
const MAX_OUTSTANDING: usize = 100_000;

/// A challenge handed to a wallet.
#[derive(Debug, Clone)]
pub struct Challenge {
    /// Random single-use value.
    pub nonce: String,
    /// The exact text the wallet signs.
    pub message: String,
    /// Until when it may be verified.
    pub expires_at: DateTime<Utc>,
    wallet: Address,
}

/// Outstanding challenges, keyed by nonce.
pub struct ChallengeStore {
    domain: String,
    ttl: Duration,
    pending: Mutex<HashMap<String, Challenge>>,
}

impl ChallengeStore {
    /// A store for `domain` whose challenges live `ttl_secs`.
    pub fn new(domain: String, ttl_secs: u64) -> Self {
        Self {
            domain,
            ttl: Duration::seconds(ttl_secs as i64),
            pending: Mutex::new(HashMap::new()),
        }
    }

    /// Issues a fresh challenge for `wallet`.
    pub fn issue(&self, wallet: &Address, now: DateTime<Utc>) -> Challenge {
        let mut raw = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut raw);
        let nonce = bs58::encode(raw).into_string();
        let expires_at = now + self.ttl;
        let message = format!(
            "{domain} wants you to sign in with your Solana account:\n{wallet}\n\n\
             Sign in to PNL Voice Rooms.\n\nNonce: {nonce}\nIssued At: {issued}\nExpires At: {expires}",
            domain = self.domain,
            issued = now.to_rfc3339_opts(SecondsFormat::Secs, true),
            expires = expires_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        );
        let challenge = Challenge {
            nonce: nonce.clone(),
            message,
            expires_at,
            wallet: wallet.clone(),
        };
        let mut pending = self.pending.lock();
        if pending.len() >= MAX_OUTSTANDING {
            pending.retain(|_, c| c.expires_at > now);
        }
        if pending.len() >= MAX_OUTSTANDING {
            if let Some(oldest) = pending
                .values()
                .min_by_key(|c| c.expires_at)
                .map(|c| c.nonce.clone())
            {
                pending.remove(&oldest);
            }
        }
        pending.insert(nonce, challenge.clone());
        challenge
    }

    /// Removes and returns the challenge of `nonce` if it belongs to `wallet`
    /// and is still valid. A nonce can be taken once, whatever the outcome.
    pub fn take(
        &self,
        wallet: &Address,
        nonce: &str,
        now: DateTime<Utc>,
    ) -> Result<Challenge, AuthError> {
        let challenge = self
            .pending
            .lock()
            .remove(nonce)
            .ok_or(AuthError::UnknownNonce)?;
        if &challenge.wallet != wallet {
            return Err(AuthError::UnknownNonce);
        }
        if challenge.expires_at <= now {
            return Err(AuthError::Expired);
        }
        Ok(challenge)
    }

    /// Number of outstanding challenges.
    pub fn len(&self) -> usize {
        self.pending.lock().len()
    }

    /// Whether no challenge is outstanding.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
