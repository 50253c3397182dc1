//! The JSON bodies of the REST API: each as sent (serde fields) and as
//! checked (valid addresses, lengths, the contract's rules). Pure data, no
//! I/O.
//!
//! A handler extracts the body as a [`JsonObject`] with actix's `Json`
//! (`serde_json::from_slice` under the size limit), authenticates the
//! caller, and only then reads it with [`from_object`], so a request without
//! a credential gets `UNAUTHORIZED` whatever its fields say. [`decode`] does
//! both steps at once, for the fuzz targets.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use crate::address::Address;
use crate::error::ApiError;
use crate::protocol::{DebateAction, ModerationAction};
use crate::rooms::{DebateCommand, SettingsPatch};

/// Longest abuse report reason, in characters.
pub const MAX_REASON_CHARS: usize = 1000;

/// A REST body as sent, with the checks that make it a [`Body::Checked`].
pub trait Body: DeserializeOwned {
    /// The body with every field checked.
    type Checked;

    /// Checks the fields: `INVALID_ADDRESS` for a wallet or market that is
    /// not a Solana key, `BAD_REQUEST` for a broken rule.
    fn check(self) -> Result<Self::Checked, ApiError>;
}

/// A checked body acting in one market's room: a token bound to another
/// market may not send it.
pub trait InMarket {
    /// The market (= room).
    fn market(&self) -> &Address;
}

macro_rules! in_market {
    ($($checked:ty),*) => {$(
        impl InMarket for $checked {
            fn market(&self) -> &Address {
                &self.market
            }
        }
    )*};
}

in_market!(WalletInMarket, Mute, Moderate, Settings, Report, Debate);

/// Every REST body is a JSON object (a struct's fields given as an array
/// are refused).
pub type JsonObject = serde_json::Map<String, Value>;

/// Reads a `B` from its JSON object and checks it.
pub fn from_object<B: Body>(object: JsonObject) -> Result<B::Checked, ApiError> {
    let raw: B = serde_json::from_value(Value::Object(object)).map_err(invalid)?;
    raw.check()
}

/// Parses a body's bytes as the handlers' extractor does, then
/// [`from_object`].
pub fn decode<B: Body>(json: &[u8]) -> Result<B::Checked, ApiError> {
    from_object::<B>(serde_json::from_slice(json).map_err(invalid)?)
}

fn invalid(e: serde_json::Error) -> ApiError {
    ApiError::bad_request(format!("invalid JSON body: {e}"))
}

/// `POST /api/auth/challenge`: `{walletAddress}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeBody {
    wallet_address: String,
}

impl Body for ChallengeBody {
    type Checked = Address;

    fn check(self) -> Result<Address, ApiError> {
        Address::parse(&self.wallet_address)
    }
}

/// `POST /api/auth/verify`: `{walletAddress, nonce, signature}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyBody {
    wallet_address: String,
    nonce: String,
    signature: String,
}

/// A checked [`VerifyBody`]. The nonce and signature are checked by
/// [`crate::auth::Auth::verify`], which uses the nonce up first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verify {
    /// The signing wallet.
    pub wallet: Address,
    /// The challenge's nonce.
    pub nonce: String,
    /// Base58 of the 64-byte ed25519 signature.
    pub signature: String,
}

impl Body for VerifyBody {
    type Checked = Verify;

    fn check(self) -> Result<Verify, ApiError> {
        Ok(Verify {
            wallet: Address::parse(&self.wallet_address)?,
            nonce: self.nonce,
            signature: self.signature,
        })
    }
}

/// `POST /api/voice/join` and `/leave`: `{marketAddress, walletAddress}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WalletInMarketBody {
    market_address: String,
    wallet_address: String,
}

/// A checked [`WalletInMarketBody`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletInMarket {
    /// The market (= room).
    pub market: Address,
    /// The wallet acting (must be the caller).
    pub wallet: Address,
}

impl Body for WalletInMarketBody {
    type Checked = WalletInMarket;

    fn check(self) -> Result<WalletInMarket, ApiError> {
        Ok(WalletInMarket {
            wallet: Address::parse(&self.wallet_address)?,
            market: Address::parse(&self.market_address)?,
        })
    }
}

/// `POST /api/voice/mute`: `{marketAddress, walletAddress, muted}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MuteBody {
    market_address: String,
    wallet_address: String,
    muted: bool,
}

/// A checked [`MuteBody`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mute {
    /// The market (= room).
    pub market: Address,
    /// The wallet acting (must be the caller).
    pub wallet: Address,
    /// Muted or live.
    pub muted: bool,
}

impl Body for MuteBody {
    type Checked = Mute;

    fn check(self) -> Result<Mute, ApiError> {
        Ok(Mute {
            wallet: Address::parse(&self.wallet_address)?,
            market: Address::parse(&self.market_address)?,
            muted: self.muted,
        })
    }
}

/// `POST /api/voice/moderate`: `{marketAddress, founderWallet, action,
/// targetWallet?}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModerateBody {
    market_address: String,
    founder_wallet: String,
    action: ModerationAction,
    target_wallet: Option<String>,
}

/// A checked [`ModerateBody`]: every action that needs one has a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moderate {
    /// The market (= room).
    pub market: Address,
    /// The wallet acting (must be the caller: the founder, the host or a
    /// co-host).
    pub founder: Address,
    /// What to do.
    pub action: ModerationAction,
    /// To whom.
    pub target: Option<Address>,
}

impl Body for ModerateBody {
    type Checked = Moderate;

    fn check(self) -> Result<Moderate, ApiError> {
        let founder = Address::parse(&self.founder_wallet)?;
        let market = Address::parse(&self.market_address)?;
        Ok(Moderate {
            market,
            founder,
            action: self.action,
            target: moderation_target(self.action, self.target_wallet.as_deref())?,
        })
    }
}

/// The target of a moderation `action`: required, and a valid address,
/// for every action that acts on someone.
pub fn moderation_target(
    action: ModerationAction,
    target_wallet: Option<&str>,
) -> Result<Option<Address>, ApiError> {
    let target = target_wallet.map(Address::parse).transpose()?;
    if target.is_none() && action.needs_target() {
        return Err(ApiError::bad_request(
            "`targetWallet` is required for this action",
        ));
    }
    Ok(target)
}

/// `POST /api/voice/settings`: `{marketAddress, founderWallet, settings}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsBody {
    market_address: String,
    founder_wallet: String,
    settings: SettingsPatch,
}

/// A checked [`SettingsBody`]. The values' ranges are the room's to check
/// ([`crate::rooms::RoomSettings::patched`]), against its current settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The market (= room).
    pub market: Address,
    /// The wallet acting (must be the caller: the founder, the host or a
    /// co-host).
    pub founder: Address,
    /// The change.
    pub patch: SettingsPatch,
}

impl Body for SettingsBody {
    type Checked = Settings;

    fn check(self) -> Result<Settings, ApiError> {
        Ok(Settings {
            founder: Address::parse(&self.founder_wallet)?,
            market: Address::parse(&self.market_address)?,
            patch: self.settings,
        })
    }
}

/// `POST /api/voice/report`: `{marketAddress, targetWallet, reason}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportBody {
    market_address: String,
    target_wallet: String,
    reason: String,
}

/// A checked [`ReportBody`]: the reason is trimmed, 1 to
/// [`MAX_REASON_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The market (= room).
    pub market: Address,
    /// The wallet reported.
    pub target: Address,
    /// Why.
    pub reason: String,
}

impl Body for ReportBody {
    type Checked = Report;

    fn check(self) -> Result<Report, ApiError> {
        let market = Address::parse(&self.market_address)?;
        let target = Address::parse(&self.target_wallet)?;
        let reason = self.reason.trim();
        if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
            return Err(ApiError::bad_request(format!(
                "`reason` must be 1..={MAX_REASON_CHARS} characters"
            )));
        }
        Ok(Report {
            market,
            target,
            reason: reason.to_string(),
        })
    }
}

/// `POST /api/voice/debate`: `{marketAddress, action, turnSeconds?}` (the
/// caller is the acting host).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DebateBody {
    market_address: String,
    action: DebateAction,
    turn_seconds: Option<u32>,
}

/// A checked [`DebateBody`]: `turnSeconds` in range, with `start` only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Debate {
    /// The market (= room).
    pub market: Address,
    /// What the host asks.
    pub command: DebateCommand,
}

impl Body for DebateBody {
    type Checked = Debate;

    fn check(self) -> Result<Debate, ApiError> {
        Ok(Debate {
            market: Address::parse(&self.market_address)?,
            command: self.action.command(self.turn_seconds)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::error::ErrorCode;

    fn key(n: u8) -> String {
        bs58::encode([n; 32]).into_string()
    }

    fn code<B: Body>(body: Value) -> ErrorCode
    where
        B::Checked: std::fmt::Debug,
    {
        decode::<B>(body.to_string().as_bytes()).unwrap_err().code
    }

    #[test]
    fn a_body_is_an_object_with_valid_addresses() {
        let body = json!({"marketAddress": key(1), "walletAddress": key(2)});
        assert_eq!(
            decode::<WalletInMarketBody>(body.to_string().as_bytes()),
            Ok(WalletInMarket {
                market: Address::from_bytes([1; 32]),
                wallet: Address::from_bytes([2; 32]),
            })
        );
        let positional = json!([key(1), key(2)]);
        assert_eq!(
            code::<WalletInMarketBody>(positional),
            ErrorCode::BadRequest
        );
        let short = bs58::encode([1u8; 31]).into_string();
        let bad = json!({"marketAddress": short, "walletAddress": key(2)});
        assert_eq!(code::<WalletInMarketBody>(bad), ErrorCode::InvalidAddress);
        assert_eq!(code::<ChallengeBody>(json!({})), ErrorCode::BadRequest);
    }

    #[test]
    fn every_moderation_but_mute_all_names_a_target() {
        let body = |action: &str| json!({"marketAddress": key(1), "founderWallet": key(2), "action": action});
        assert!(decode::<ModerateBody>(body("mute_all").to_string().as_bytes()).is_ok());
        assert_eq!(code::<ModerateBody>(body("kick")), ErrorCode::BadRequest);
        assert_eq!(code::<ModerateBody>(body("ban")), ErrorCode::BadRequest);
    }

    #[test]
    fn a_debate_body_is_checked_as_the_socket_request() {
        let body = |extra: Value| {
            let mut b = json!({"marketAddress": key(1)});
            b.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            b
        };
        let start = decode::<DebateBody>(
            body(json!({"action": "start", "turnSeconds": 15}))
                .to_string()
                .as_bytes(),
        );
        assert_eq!(
            start.map(|d| d.command),
            Ok(DebateCommand::Start { turn_seconds: 15 })
        );
        for bad in [
            json!({"action": "start", "turnSeconds": 0}),
            json!({"action": "end", "turnSeconds": 30}),
            json!({"action": "stop"}),
            json!({}),
        ] {
            assert_eq!(code::<DebateBody>(body(bad)), ErrorCode::BadRequest);
        }
    }

    #[test]
    fn a_report_reason_is_trimmed_and_bounded() {
        let body = |reason: String| json!({"marketAddress": key(1), "targetWallet": key(2), "reason": reason});
        let report = decode::<ReportBody>(body("  spam ".into()).to_string().as_bytes()).unwrap();
        assert_eq!(report.reason, "spam");
        assert_eq!(
            code::<ReportBody>(body("   ".into())),
            ErrorCode::BadRequest
        );
        let longest = "é".repeat(MAX_REASON_CHARS);
        assert!(decode::<ReportBody>(body(longest.clone()).to_string().as_bytes()).is_ok());
        assert_eq!(
            code::<ReportBody>(body(longest + "é")),
            ErrorCode::BadRequest
        );
    }
}
