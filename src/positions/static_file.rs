//! Market data from a JSON file (`PNL_VOICE_MARKETS_FILE`), for local runs
//! and tests.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::{Holding, MarketSource};
use crate::address::Address;
use crate::rooms::Profile;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FileMarket {
    market_address: String,
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

struct Market {
    founder: Option<Address>,
    holdings: HashMap<Address, Holding>,
}

/// Markets read once from a file.
#[derive(Default)]
pub struct StaticMarkets {
    markets: HashMap<Address, Market>,
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
            for mint in [&m.yes_mint, &m.no_mint].into_iter().flatten() {
                addr(mint)?;
            }
            let holdings = m
                .holdings
                .iter()
                .map(|(w, h)| Ok((addr(w)?, *h)))
                .collect::<Result<_, String>>()?;
            let market = Market {
                founder: m.founder_wallet.as_deref().map(addr).transpose()?,
                holdings,
            };
            markets.insert(addr(&m.market_address)?, market);
        }
        Ok(Self { markets })
    }
}

impl MarketSource for StaticMarkets {
    fn founder(&self, market: &Address) -> Option<Address> {
        self.markets.get(market).and_then(|m| m.founder.clone())
    }

    fn profile(&self, market: &Address, wallet: &Address) -> Profile {
        self.markets
            .get(market)
            .and_then(|m| m.holdings.get(wallet))
            .map(|h| h.profile())
            .unwrap_or_else(Profile::none)
    }
}
