//! API keys: `<key id>.<secret>`, shown once when created and kept only as
//! the SHA-256 of the secret; and the scopes a key carries.

use std::fmt;
use std::str::FromStr;

use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Scope {
    /// `POST /api/server/tokens`.
    #[serde(rename = "tokens:mint")]
    TokensMint,
    /// The room directory, a room's participants, stats and debates.
    #[serde(rename = "rooms:read")]
    RoomsRead,
    /// The REST moderation calls, on behalf of the market's founder.
    #[serde(rename = "rooms:moderate")]
    RoomsModerate,
}

impl Scope {
    /// Every scope, in the order the docs list them.
    pub const ALL: [Scope; 3] = [Scope::TokensMint, Scope::RoomsRead, Scope::RoomsModerate];

    /// The scope's name (`tokens:mint`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::TokensMint => "tokens:mint",
            Scope::RoomsRead => "rooms:read",
            Scope::RoomsModerate => "rooms:moderate",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A scope name that is none of [`Scope::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scope `{0}` (known: tokens:mint, rooms:read, rooms:moderate)")]
pub struct ScopeError(pub String);

impl FromStr for Scope {
    type Err = ScopeError;

    fn from_str(s: &str) -> Result<Self, ScopeError> {
        Scope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s.trim())
            .ok_or_else(|| ScopeError(s.to_string()))
    }
}

/// Prefix of every key id, so that a key is told from a JWT at a glance
/// (and found by secret scanners).
const ID_PREFIX: &str = "pnlk_";
/// Random bytes of a key id and of a secret.
const ID_BYTES: usize = 8;
const SECRET_BYTES: usize = 32;

/// A presented or freshly made API key.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKeySecret {
    id: String,
    secret: String,
}

/// A bearer value that is not `<key id>.<secret>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an API key (expected `{ID_PREFIX}…<id>.<secret>`)")]
pub struct KeyFormatError;

impl ApiKeySecret {
    /// A new random key.
    pub fn generate() -> Self {
        let mut id = [0u8; ID_BYTES];
        let mut secret = [0u8; SECRET_BYTES];
        rand::thread_rng().fill_bytes(&mut id);
        rand::thread_rng().fill_bytes(&mut secret);
        Self {
            id: format!("{ID_PREFIX}{}", hex::encode(id)),
            secret: hex::encode(secret),
        }
    }

    /// Reads `<key id>.<secret>` as sent in `Authorization: Bearer …`.
    pub fn parse(value: &str) -> Result<Self, KeyFormatError> {
        let (id, secret) = value.trim().split_once('.').ok_or(KeyFormatError)?;
        let well_formed = |s: &str, len: usize| {
            s.len() == len
                && s.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        };
        match id.strip_prefix(ID_PREFIX) {
            Some(hex_id)
                if well_formed(hex_id, 2 * ID_BYTES) && well_formed(secret, 2 * SECRET_BYTES) =>
            {
                Ok(Self {
                    id: id.to_string(),
                    secret: secret.to_string(),
                })
            }
            _ => Err(KeyFormatError),
        }
    }

    /// The public half, which names the key in lists and logs.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The SHA-256 of the secret, hex: what the store keeps. The secret is
    /// 256 random bits, so a fast hash is enough (no password stretching).
    pub fn secret_hash(&self) -> String {
        hex::encode(Sha256::digest(self.secret.as_bytes()))
    }

    /// Whether the secret hashes to `stored` (compared in constant time).
    pub fn matches(&self, stored: &str) -> bool {
        self.secret_hash()
            .as_bytes()
            .ct_eq(stored.as_bytes())
            .into()
    }

    /// The whole key, `<key id>.<secret>`: printed once, when created.
    pub fn reveal(&self) -> String {
        format!("{}.{}", self.id, self.secret)
    }
}

/// Never prints the secret.
impl fmt::Debug for ApiKeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKeySecret({}.…)", self.id)
    }
}
