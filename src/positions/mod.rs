//! Market data: a market's title, founder and YES/NO mints, and each wallet's
//! holdings, which become the position badges.

mod solana_rpc;
mod static_file;

pub use pnl_voice_core::market_data::{parse_balance, Holding, RpcError};
pub use solana_rpc::SolanaRpcMarkets;
pub use static_file::{MarketInfo, StaticMarkets};

use async_trait::async_trait;

use crate::address::Address;
use crate::rooms::Profile;

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
