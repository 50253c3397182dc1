//! Market data: a market's title, founder and YES/NO mints, and each wallet's
//! holdings, which become the position badges.

mod solana_rpc;
mod static_file;

pub use solana_rpc::{parse_balance, RpcError, SolanaRpcMarkets};
pub use static_file::{MarketInfo, StaticMarkets};

use async_trait::async_trait;

use crate::address::Address;
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

/// Where market facts come from.
#[async_trait]
pub trait MarketSource: Send + Sync {
    /// The market's question (its title), if known.
    async fn title(&self, market: &Address) -> Option<String>;
    /// The market's founder wallet, if known.
    async fn founder(&self, market: &Address) -> Option<Address>;
    /// The wallet's badge in the market (`NONE` when unknown).
    async fn profile(&self, market: &Address, wallet: &Address) -> Profile;
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
