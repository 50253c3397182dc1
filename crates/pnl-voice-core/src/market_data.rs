//! Reading market data into position badges: a wallet's holdings of a
//! market's YES and NO tokens, and the Solana JSON-RPC answer they come
//! from. Only the parsing lives here (it reads what a remote node sends, so
//! it is tested and kept free of I/O); asking the node is the server's
//! `positions` module.

use serde_json::Value;

use crate::rooms::{Position, Profile};

/// A wallet's holdings of a market's outcome tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Deserialize)]
pub struct Holding {
    /// YES tokens.
    #[serde(default)]
    pub yes: f64,
    /// NO tokens.
    #[serde(default)]
    pub no: f64,
}

impl Holding {
    /// The badge: the larger holding wins; nothing held is `NONE`.
    pub fn profile(self) -> Profile {
        let (position, size) = if self.yes <= 0.0 && self.no <= 0.0 {
            (Position::None, 0.0)
        } else if self.yes >= self.no {
            (Position::Yes, self.yes)
        } else {
            (Position::No, self.no)
        };
        Profile {
            position,
            position_size: size,
        }
    }
}

/// Why a holdings lookup failed.
#[derive(Debug, thiserror::Error)]
pub enum RpcError {
    /// Transport failure or timeout.
    #[error("rpc request failed: {0}")]
    Http(String),
    /// The node answered with a JSON-RPC error.
    #[error("rpc error {code}: {message}")]
    Rpc {
        /// JSON-RPC error code.
        code: i64,
        /// Its message.
        message: String,
    },
    /// The answer did not have the documented shape.
    #[error("unexpected rpc answer: {0}")]
    Shape(String),
}

/// Sums `tokenAmount.uiAmountString` over the accounts of a
/// `getTokenAccountsByOwner` (jsonParsed) answer.
pub fn parse_balance(body: &Value) -> Result<f64, RpcError> {
    if let Some(error) = body.get("error") {
        return Err(RpcError::Rpc {
            code: error["code"].as_i64().unwrap_or(0),
            message: error["message"].as_str().unwrap_or("").to_string(),
        });
    }
    let accounts = body["result"]["value"]
        .as_array()
        .ok_or_else(|| RpcError::Shape("no result.value array".into()))?;
    let mut total = 0.0;
    for account in accounts {
        let amount = &account["account"]["data"]["parsed"]["info"]["tokenAmount"];
        let ui = amount["uiAmountString"]
            .as_str()
            .and_then(|s| s.parse::<f64>().ok())
            .or_else(|| amount["uiAmount"].as_f64())
            .ok_or_else(|| RpcError::Shape("account without tokenAmount".into()))?;
        total += ui;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_larger_holding_wins() {
        let p = |yes, no| Holding { yes, no }.profile();
        assert_eq!(p(0.0, 0.0).position, Position::None);
        assert_eq!(
            p(3.0, 1.0),
            Profile {
                position: Position::Yes,
                position_size: 3.0
            }
        );
        assert_eq!(
            p(1.0, 3.5),
            Profile {
                position: Position::No,
                position_size: 3.5
            }
        );
        assert_eq!(p(2.0, 2.0).position, Position::Yes);
    }
}
