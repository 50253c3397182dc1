//! The JSON bodies of `/api/server/*`. Unlike the browser's bodies, unknown
//! fields are refused: a backend that misspells `grants` learns it at once
//! instead of minting a token without them.

use serde::Deserialize;

use crate::address::Address;
use crate::error::ApiError;
use crate::protocol::ModerationAction;
use crate::rest::{moderation_target, Body};
use crate::rooms::Grants;

/// Longest lifetime a minted token may ask for: one day.
pub const MAX_TOKEN_TTL_SECS: u64 = 24 * 3600;
/// Shortest: a minute (a socket needs time to open).
const MIN_TOKEN_TTL_SECS: u64 = 60;

/// `POST /api/server/tokens`: `{walletAddress, marketAddress?, ttlSeconds?,
/// grants?: {canSpeak?, coHost?}}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MintTokenBody {
    wallet_address: String,
    market_address: Option<String>,
    ttl_seconds: Option<u64>,
    #[serde(default)]
    grants: Grants,
}

/// A checked [`MintTokenBody`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MintToken {
    /// The wallet the site vouches for.
    pub wallet: Address,
    /// The one market the token may be used in.
    pub market: Option<Address>,
    /// Lifetime in seconds, if the site chose one.
    pub ttl_secs: Option<u64>,
    /// Room roles granted on joining.
    pub grants: Grants,
}

impl Body for MintTokenBody {
    type Checked = MintToken;

    fn check(self) -> Result<MintToken, ApiError> {
        let wallet = Address::parse(&self.wallet_address)?;
        let market = self
            .market_address
            .as_deref()
            .map(Address::parse)
            .transpose()?;
        if let Some(ttl) = self.ttl_seconds {
            if !(MIN_TOKEN_TTL_SECS..=MAX_TOKEN_TTL_SECS).contains(&ttl) {
                return Err(ApiError::bad_request(format!(
                    "`ttlSeconds` must be between {MIN_TOKEN_TTL_SECS} and {MAX_TOKEN_TTL_SECS}"
                )));
            }
        }
        if !self.grants.is_none() && market.is_none() {
            return Err(ApiError::bad_request(
                "`grants` need a `marketAddress`: a role is granted in one room",
            ));
        }
        Ok(MintToken {
            wallet,
            market,
            ttl_secs: self.ttl_seconds,
            grants: self.grants,
        })
    }
}

/// `POST /api/server/rooms/{marketAddress}/moderate`: `{action,
/// targetWallet?}`, done as the market's founder.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServerModerateBody {
    action: ModerationAction,
    target_wallet: Option<String>,
}

/// A checked [`ServerModerateBody`]: every action that needs one has a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerModerate {
    /// What to do.
    pub action: ModerationAction,
    /// To whom.
    pub target: Option<Address>,
}

impl Body for ServerModerateBody {
    type Checked = ServerModerate;

    fn check(self) -> Result<ServerModerate, ApiError> {
        Ok(ServerModerate {
            action: self.action,
            target: moderation_target(self.action, self.target_wallet.as_deref())?,
        })
    }
}
