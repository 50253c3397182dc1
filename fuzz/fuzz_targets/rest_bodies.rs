//! The REST body decoders (`pnl_voice_core::rest::decode`) on arbitrary bytes.
//!
//! The first byte picks the body (`ENDPOINTS[(byte - b'0') % 7]`, so the
//! seeds start with `0`..`6`), the rest is the body. Checks: no panic; a refusal
//! is `BAD_REQUEST` or `INVALID_ADDRESS` and renders as a REST error; an
//! accepted body's addresses are the sent text unchanged, a moderation has
//! a target unless its action needs none, a report's reason is trimmed and 1 to
//! `MAX_REASON_CHARS` characters, a settings change that a room accepts is
//! in range; a sign-in whose signature was fuzzed never verifies, and its
//! nonce is used up all the same.

#![no_main]

use std::sync::OnceLock;

use chrono::Utc;
use libfuzzer_sys::fuzz_target;
use pnl_voice_core::address::Address;
use pnl_voice_core::auth::{Auth, AuthError};
use pnl_voice_core::rooms::RoomDefaults;
use pnl_voice_core::error::{ApiError, ErrorCode};
use pnl_voice_core::rest::{
    decode, Body, ChallengeBody, JsonObject, ModerateBody, MuteBody, ReportBody, SettingsBody,
    Verify, VerifyBody, WalletInMarketBody, MAX_REASON_CHARS,
};
use pnl_voice_core::rooms::{RoomSettings, MAX_DESTROY_AFTER_MINUTES, MAX_PARTICIPANTS_CAP};
use serde_json::Value;

/// Each endpoint's body, and what an accepted one must satisfy given the
/// address fields that were sent. Join and leave share a body.
const ENDPOINTS: [fn(&[u8], &Value); 7] = [
    |json, sent| accepted::<ChallengeBody>(json, |b| same_text(b, &sent["walletAddress"])),
    |json, sent| {
        accepted::<VerifyBody>(json, |b| {
            same_text(&b.wallet, &sent["walletAddress"]);
            verify_never_succeeds(b);
        })
    },
    |json, sent| {
        accepted::<WalletInMarketBody>(json, |b| {
            same_text(&b.market, &sent["marketAddress"]);
            same_text(&b.wallet, &sent["walletAddress"]);
        })
    },
    |json, sent| {
        accepted::<MuteBody>(json, |b| {
            same_text(&b.market, &sent["marketAddress"]);
            same_text(&b.wallet, &sent["walletAddress"]);
        })
    },
    |json, sent| {
        accepted::<ModerateBody>(json, |b| {
            same_text(&b.market, &sent["marketAddress"]);
            same_text(&b.founder, &sent["founderWallet"]);
            match &b.target {
                Some(target) => same_text(target, &sent["targetWallet"]),
                None => assert!(!b.action.needs_target()),
            }
        })
    },
    |json, sent| {
        accepted::<SettingsBody>(json, |b| {
            same_text(&b.market, &sent["marketAddress"]);
            same_text(&b.founder, &sent["founderWallet"]);
            let current = RoomSettings::for_new_room(&RoomDefaults::default(), true);
            if let Ok(next) = current.patched(&b.patch) {
                assert!((1..=MAX_PARTICIPANTS_CAP).contains(&next.max_participants));
                assert!(next.destroy_after_minutes <= MAX_DESTROY_AFTER_MINUTES);
            }
        })
    },
    |json, sent| {
        accepted::<ReportBody>(json, |b| {
            same_text(&b.market, &sent["marketAddress"]);
            same_text(&b.target, &sent["targetWallet"]);
            assert_eq!(b.reason, b.reason.trim());
            assert!((1..=MAX_REASON_CHARS).contains(&b.reason.chars().count()));
        })
    },
];

fuzz_target!(|data: &[u8]| {
    let Some((&endpoint, json)) = data.split_first() else {
        return;
    };
    // The body as sent, read as the decoder reads it (so it is there
    // whenever the decoder accepts).
    let sent = serde_json::from_slice::<JsonObject>(json).map_or(Value::Null, Value::Object);
    ENDPOINTS[usize::from(endpoint.wrapping_sub(b'0')) % ENDPOINTS.len()](json, &sent);
});

/// Decodes `json` as a `B`; runs `check` on an accepted body, and checks
/// that a refusal has a contract code and renders.
fn accepted<B: Body>(json: &[u8], check: impl FnOnce(&B::Checked)) {
    match decode::<B>(json) {
        Ok(body) => check(&body),
        Err(refusal) => refused(&refusal),
    }
}

fn refused(error: &ApiError) {
    assert!(
        matches!(
            error.code,
            ErrorCode::BadRequest | ErrorCode::InvalidAddress
        ),
        "{error:?}"
    );
    assert_eq!(error.code.http_status(), 400);
    serde_json::to_string(error).expect("an error renders as JSON");
}

/// An accepted address is the text the client sent, unchanged.
fn same_text(address: &Address, sent: &Value) {
    assert_eq!(Some(address.as_str()), sent.as_str());
}

/// A fresh challenge for the body's wallet, answered with the body's
/// (fuzzed) signature: refused, and the nonce cannot be tried again.
fn verify_never_succeeds(body: &Verify) {
    static AUTH: OnceLock<Auth> = OnceLock::new();
    let auth = AUTH.get_or_init(|| Auth::new("fuzz.invalid".into(), &[7; 32], 300, 3600));
    let now = Utc::now();
    let challenge = auth
        .challenge(&body.wallet, None, now)
        .expect("every challenge is used up below, so none pile up to a limit");
    assert_eq!(
        auth.verify(&body.wallet, &challenge.nonce, &body.signature, now)
            .map(|_| ()),
        Err(AuthError::BadSignature)
    );
    assert_eq!(
        auth.verify(&body.wallet, &challenge.nonce, &body.signature, now)
            .map(|_| ()),
        Err(AuthError::UnknownNonce),
        "a nonce is used up by a failed verify"
    );
}
