//! Market data from a JSON file (`PNL_VOICE_MARKETS_FILE`): titles, founders
//! and mints for every source, holdings for local runs and tests.
//!
//! ```json
//! {"markets": [{"marketAddress": "…", "title": "Will SOL close above $200 in June?",
//!   "founderWallet": "…", "yesMint": "…", "noMint": "…",
//!   "holdings": {"<wallet>": {"yes": 120, "no": 0}}}]}
//! ```

use std::collections::HashMap;
use std::path::Path;

use async_trait::async_trait;
use serde::Deserialize;

use super::{Holding, MarketSource};
use crate::address::Address;
use crate::rooms::Profile;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FileMarket {
    market_address: String,
    #[serde(default)]
    title: Option<String>,
    founder_wallet: Option<String>,
    #[serde(default)]
    yes_mint: Option<String>,
    #[serde(default)]
    no_mint: Option<String>,
    #[serde(default)]
    holdings: HashMap<String, Holding>,
}

#[derive(Deserialize)]
struct File {
    markets: Vec<FileMarket>,
}

/// What the file says about one market.
#[derive(Debug, Clone, Default)]
pub struct MarketInfo {
    /// The market's question, shown before joining (`"title"`).
    pub title: Option<String>,
    /// The founder's wallet.
    pub founder: Option<Address>,
    /// The YES token mint.
    pub yes_mint: Option<Address>,
    /// The NO token mint.
    pub no_mint: Option<Address>,
    holdings: HashMap<Address, Holding>,
}

/// Markets read once from a file.
#[derive(Default)]
pub struct StaticMarkets {
    markets: HashMap<Address, MarketInfo>,
}

impl StaticMarkets {
    /// No market data at all.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Reads and checks the file.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("invalid markets file {}: {e}", path.display()))
    }

    /// Parses the JSON text of a markets file.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: File = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let addr = |s: &str| Address::parse(s).map_err(|_| format!("not a Solana address: {s:?}"));
        let mut markets = HashMap::new();
        for m in file.markets {
            let holdings = m
                .holdings
                .iter()
                .map(|(w, h)| Ok((addr(w)?, *h)))
                .collect::<Result<_, String>>()?;
            let info = MarketInfo {
                title: m
                    .title
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty()),
                founder: m.founder_wallet.as_deref().map(addr).transpose()?,
                yes_mint: m.yes_mint.as_deref().map(addr).transpose()?,
                no_mint: m.no_mint.as_deref().map(addr).transpose()?,
                holdings,
            };
            markets.insert(addr(&m.market_address)?, info);
        }
        Ok(Self { markets })
    }

    /// What is known of `market`.
    pub fn market(&self, market: &Address) -> Option<&MarketInfo> {
        self.markets.get(market)
    }
}

#[async_trait]
impl MarketSource for StaticMarkets {
    async fn title(&self, market: &Address) -> Option<String> {
        self.markets.get(market).and_then(|m| m.title.clone())
    }

    async fn founder(&self, market: &Address) -> Option<Address> {
        self.markets.get(market).and_then(|m| m.founder.clone())
    }

    async fn profile(&self, market: &Address, wallet: &Address) -> Profile {
        self.markets
            .get(market)
            .and_then(|m| m.holdings.get(wallet))
            .map(|h| h.profile())
            .unwrap_or_else(Profile::none)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> String {
        bs58::encode([n; 32]).into_string()
    }

    #[tokio::test]
    async fn a_market_may_have_a_title() {
        let text = serde_json::json!({"markets": [
            {"marketAddress": key(1), "title": " Will it rain? ", "founderWallet": key(2)},
            {"marketAddress": key(3), "title": "  "},
            {"marketAddress": key(4)},
        ]})
        .to_string();
        let markets = StaticMarkets::parse(&text).unwrap();
        let title = |n| {
            markets
                .markets
                .get(&Address::from_bytes([n; 32]))
                .and_then(|m| m.title.clone())
        };
        assert_eq!(title(1).as_deref(), Some("Will it rain?"));
        assert_eq!(title(3), None, "a blank title is no title");
        assert_eq!(title(4), None);
        assert_eq!(
            markets.founder(&Address::from_bytes([1; 32])).await,
            Some(Address::from_bytes([2; 32]))
        );
    }
}
