//! Holdings from Solana JSON-RPC: `getTokenAccountsByOwner` with the
//! market's YES and NO mints, cached with a TTL. Founders and mints come from
//! the markets file (the market program's account layout is not part of this
//! service's contract). A failing RPC gives `NONE` with a warning.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use parking_lot::Mutex;
use serde_json::{json, Value};

use super::{parse_balance, Holding, MarketSource, RpcError, StaticMarkets};
use crate::address::Address;
use crate::rooms::Profile;

/// How long a failed lookup is remembered, so a broken RPC is not hammered.
const FAILURE_TTL: Duration = Duration::from_secs(10);
/// Most cached (market, wallet) pairs.
const MAX_CACHED: usize = 100_000;

/// A lookup's result and when it was made; `None`: the lookup failed
/// (remembered for the shorter of [`FAILURE_TTL`] and the TTL).
type Cached = (Instant, Option<Profile>);

/// Market data backed by a Solana RPC node.
pub struct SolanaRpcMarkets {
    url: String,
    http: reqwest::Client,
    metadata: StaticMarkets,
    ttl: Duration,
    cache: Mutex<HashMap<(Address, Address), Cached>>,
}

impl SolanaRpcMarkets {
    /// A source asking `url`, with market metadata from `metadata`.
    pub fn new(url: String, metadata: StaticMarkets, timeout: Duration, ttl: Duration) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .expect("HTTP client builds");
        Self {
            url,
            http,
            metadata,
            ttl,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The wallet's total balance (UI amount) of `mint`.
    pub async fn balance(&self, wallet: &Address, mint: &Address) -> Result<f64, RpcError> {
        let request = json!({
            "jsonrpc": "2.0",
            "id": 1,
            "method": "getTokenAccountsByOwner",
            "params": [wallet, { "mint": mint }, { "encoding": "jsonParsed", "commitment": "confirmed" }],
        });
        let response = self
            .http
            .post(&self.url)
            .json(&request)
            .send()
            .await
            .map_err(|e| RpcError::Http(e.to_string()))?;
        if !response.status().is_success() {
            return Err(RpcError::Http(format!("HTTP {}", response.status())));
        }
        let body: Value = response
            .json()
            .await
            .map_err(|e| RpcError::Shape(e.to_string()))?;
        parse_balance(&body)
    }

    async fn lookup(&self, market: &Address, wallet: &Address) -> Result<Profile, RpcError> {
        let Some(info) = self.metadata.market(market) else {
            return Ok(Profile::none());
        };
        let balance = |mint: &Option<Address>| {
            let mint = mint.clone();
            async move {
                match mint {
                    Some(mint) => self.balance(wallet, &mint).await,
                    None => Ok(0.0),
                }
            }
        };
        let (yes, no) = futures_util::join!(balance(&info.yes_mint), balance(&info.no_mint));
        Ok(Holding { yes: yes?, no: no? }.profile())
    }
}

#[async_trait]
impl MarketSource for SolanaRpcMarkets {
    /// The chain has no title for a market (its question lives with the
    /// market program's off-chain metadata, which this service does not
    /// read): only the markets file's `title` is known, else `None`.
    async fn title(&self, market: &Address) -> Option<String> {
        self.metadata.title(market).await
    }

    async fn founder(&self, market: &Address) -> Option<Address> {
        self.metadata.founder(market).await
    }

    async fn profile(&self, market: &Address, wallet: &Address) -> Profile {
        let key = (market.clone(), wallet.clone());
        if let Some((at, cached)) = self.cache.lock().get(&key) {
            let ttl = if cached.is_some() {
                self.ttl
            } else {
                FAILURE_TTL
            };
            if at.elapsed() < ttl {
                return cached.clone().unwrap_or_else(Profile::none);
            }
        }
        let looked_up = match self.lookup(market, wallet).await {
            Ok(profile) => Some(profile),
            Err(e) => {
                tracing::warn!(%market, %wallet, error = %e, "holdings lookup failed; badge NONE");
                None
            }
        };
        let mut cache = self.cache.lock();
        if cache.len() >= MAX_CACHED {
            let ttl = self.ttl;
            cache.retain(|_, (at, _)| at.elapsed() < ttl);
            if cache.len() >= MAX_CACHED {
                cache.clear();
            }
        }
        cache.insert(key, (Instant::now(), looked_up.clone()));
        looked_up.unwrap_or_else(Profile::none)
    }
}
