//! Single-use sign-in challenges.
//!
//! The store cannot be flooded into forgetting someone else's challenge:
//! every client address holds a bounded number of live challenges, and so
//! does every wallet from one address (so that others asking for a
//! wallet's challenges from elsewhere do not use up its own), the whole
//! store is bounded too, and a request past any bound is refused
//! ([`AuthError::TooManyChallenges`]) instead of evicting a live challenge. Challenges all live the same time, so the order of issue is
//! the order of expiry: a queue in that order lets each call drop what has
//! expired from its front, in constant time per challenge, with no scan.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::IpAddr;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use parking_lot::Mutex;
use rand::RngCore;

use super::AuthError;
use crate::address::Address;

/// How many live challenges the store holds at most, in all, per wallet
/// and per client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChallengeLimits {
    /// Live challenges in all.
    pub total: usize,
    /// Live challenges of one wallet asked for from one address: a person
    /// signs in with a few at once at most (two tabs, a retry).
    pub per_wallet: usize,
    /// Live challenges asked for from one client address (a NAT may hide
    /// many people behind it).
    pub per_client: usize,
}

impl Default for ChallengeLimits {
    fn default() -> Self {
        Self {
            total: 100_000,
            per_wallet: 5,
            per_client: 200,
        }
    }
}

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
    client: Option<IpAddr>,
}

/// Outstanding challenges, keyed by nonce.
pub struct ChallengeStore {
    domain: String,
    ttl: Duration,
    limits: ChallengeLimits,
    pending: Mutex<Pending>,
}

/// The live challenges, the order they expire in, and how many each
/// wallet and client address holds.
#[derive(Default)]
struct Pending {
    by_nonce: HashMap<String, Challenge>,
    /// `(expires_at, nonce)` in order of issue; a nonce taken already is
    /// skipped when it reaches the front.
    expiry: VecDeque<(DateTime<Utc>, String)>,
    per_wallet: HashMap<(Address, Option<IpAddr>), usize>,
    per_client: HashMap<IpAddr, usize>,
}

impl Pending {
    /// Forgets the challenges expired at `now`, from the queue's front.
    fn expire(&mut self, now: DateTime<Utc>) {
        while let Some((expires_at, _)) = self.expiry.front() {
            if *expires_at > now {
                break;
            }
            let (_, nonce) = self.expiry.pop_front().expect("front exists");
            self.remove(&nonce);
        }
        // Taken nonces leave their queue entries behind until they expire;
        // keep the queue within a constant factor of the live challenges.
        if self.expiry.len() > 2 * self.by_nonce.len() + 1024 {
            let live = &self.by_nonce;
            self.expiry.retain(|(_, nonce)| live.contains_key(nonce));
        }
    }

    /// Removes the challenge of `nonce`, if live, and its counts.
    fn remove(&mut self, nonce: &str) -> Option<Challenge> {
        let challenge = self.by_nonce.remove(nonce)?;
        release(
            &mut self.per_wallet,
            &(challenge.wallet.clone(), challenge.client),
        );
        if let Some(client) = &challenge.client {
            release(&mut self.per_client, client);
        }
        Some(challenge)
    }
}

/// One fewer for `key`; the entry goes at zero, so the maps hold only
/// wallets and addresses with live challenges.
fn release<K: Hash + Eq>(counts: &mut HashMap<K, usize>, key: &K) {
    if let Some(n) = counts.get_mut(key) {
        *n -= 1;
        if *n == 0 {
            counts.remove(key);
        }
    }
}

impl ChallengeStore {
    /// A store for `domain` whose challenges live `ttl_secs`, with the
    /// default [`ChallengeLimits`].
    pub fn new(domain: String, ttl_secs: u64) -> Self {
        Self::with_limits(domain, ttl_secs, ChallengeLimits::default())
    }

    /// A store for `domain` whose challenges live `ttl_secs`, bounded by `limits`.
    pub fn with_limits(domain: String, ttl_secs: u64, limits: ChallengeLimits) -> Self {
        Self {
            domain,
            ttl: Duration::seconds(ttl_secs as i64),
            limits,
            pending: Mutex::new(Pending::default()),
        }
    }

    /// Issues a fresh challenge for `wallet`, asked for from `client`
    /// (when known). Refused when the wallet from that address, the address
    /// or the store holds as many live challenges as allowed: nothing live
    /// is evicted.
    pub fn issue(
        &self,
        wallet: &Address,
        client: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<Challenge, AuthError> {
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
            client,
        };
        let mut pending = self.pending.lock();
        pending.expire(now);
        let wallet_here = (wallet.clone(), client);
        let total_full = pending.by_nonce.len() >= self.limits.total;
        let wallet_full =
            pending.per_wallet.get(&wallet_here).copied().unwrap_or(0) >= self.limits.per_wallet;
        let client_full = client.is_some_and(|c| {
            pending.per_client.get(&c).copied().unwrap_or(0) >= self.limits.per_client
        });
        if total_full || wallet_full || client_full {
            // A place frees when a challenge counted by each full limit expires.
            let frees = |counted: &dyn Fn(&Challenge) -> bool| {
                pending
                    .by_nonce
                    .values()
                    .filter(|c| counted(c))
                    .map(|c| c.expires_at)
                    .min()
                    .unwrap_or(now)
            };
            let mut free_at = now;
            if total_full {
                free_at = free_at.max(frees(&|_| true));
            }
            if wallet_full {
                free_at = free_at.max(frees(&|c| c.wallet == *wallet && c.client == client));
            }
            if client_full {
                free_at = free_at.max(frees(&|c| c.client == client));
            }
            return Err(AuthError::TooManyChallenges(free_at - now));
        }
        *pending.per_wallet.entry(wallet_here).or_default() += 1;
        if let Some(client) = client {
            *pending.per_client.entry(client).or_default() += 1;
        }
        pending.expiry.push_back((expires_at, nonce.clone()));
        pending.by_nonce.insert(nonce, challenge.clone());
        Ok(challenge)
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
        self.pending.lock().by_nonce.len()
    }

    /// Whether no challenge is outstanding.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
