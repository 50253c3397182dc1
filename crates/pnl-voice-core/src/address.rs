//! Solana addresses: base58 text that decodes to exactly 32 bytes.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorCode};

/// A validated Solana public key, kept in its base58 text form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Address(String);

impl TryFrom<String> for Address {
    type Error = ApiError;

    fn try_from(text: String) -> Result<Self, ApiError> {
        Self::parse(&text)
    }
}

impl From<Address> for String {
    fn from(a: Address) -> String {
        a.0
    }
}

impl Address {
    /// Parses base58 text; anything that is not 32 bytes is `INVALID_ADDRESS`.
    pub fn parse(text: &str) -> Result<Self, ApiError> {
        let bytes = Self::decode(text).ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidAddress, "not a base58 Solana address")
        })?;
        Ok(Self(bs58::encode(bytes).into_string()))
    }

    /// From the 32 public-key bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bs58::encode(bytes).into_string())
    }

    /// The 32 bytes of the key.
    pub fn to_bytes(&self) -> [u8; 32] {
        Self::decode(&self.0).expect("an Address always decodes")
    }

    /// The base58 text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn decode(text: &str) -> Option<[u8; 32]> {
        if text.is_empty() || text.len() > 44 {
            return None;
        }
        let mut out = [0u8; 32];
        match bs58::decode(text).onto(&mut out) {
            Ok(32) => Some(out),
            _ => None,
        }
    }
}

/// On the wire an address is its base58 text: TypeScript sees a `string`.
impl ts_rs::TS for Address {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;

    fn name(_: &ts_rs::Config) -> String {
        "string".to_owned()
    }

    fn inline(cfg: &ts_rs::Config) -> String {
        Self::name(cfg)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_32_byte_key_and_keeps_its_text() {
        let text = bs58::encode([7u8; 32]).into_string();
        assert_eq!(Address::parse(&text).unwrap().as_str(), text);
        assert_eq!(Address::parse(&text).unwrap().to_bytes(), [7u8; 32]);
    }

    #[test]
    fn refuses_everything_else() {
        let short = bs58::encode([7u8; 31]).into_string();
        let long = bs58::encode([7u8; 33]).into_string();
        for bad in [
            "",
            "0OIl",
            "not base58!",
            short.as_str(),
            long.as_str(),
            &"1".repeat(200),
        ] {
            let err = Address::parse(bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidAddress, "{bad:?}");
        }
    }
}
