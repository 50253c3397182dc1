use chrono::Utc;
use serde_json::json;

use super::*;
use crate::address::Address;
use crate::error::ErrorCode;
use crate::rest::decode;

fn address(n: u8) -> Address {
    Address::from_bytes([n; 32])
}

#[test]
fn a_key_reads_back_and_matches_only_its_own_hash() {
    let key = ApiKeySecret::generate();
    let parsed = ApiKeySecret::parse(&key.reveal()).unwrap();
    assert_eq!(parsed.id(), key.id());
    assert!(parsed.matches(&key.secret_hash()));
    assert!(!ApiKeySecret::generate().matches(&key.secret_hash()));
    assert!(!format!("{key:?}").contains(&key.reveal()[key.id().len() + 1..]));
    for bad in [
        "",
        "pnlk_12.34",
        "eyJhbGciOi.x.y",
        &key.reveal().to_uppercase(),
        key.id(),
    ] {
        assert_eq!(ApiKeySecret::parse(bad), Err(KeyFormatError), "{bad}");
    }
}

#[test]
fn scopes_read_from_their_names_only() {
    for scope in Scope::ALL {
        assert_eq!(scope.as_str().parse::<Scope>(), Ok(scope));
    }
    assert!("tokens:*".parse::<Scope>().is_err());
}

#[test]
fn a_mint_body_is_checked() {
    let wallet = address(1).to_string();
    let market = address(2).to_string();
    let ok = decode::<MintTokenBody>(
        json!({"walletAddress": wallet, "marketAddress": market, "ttlSeconds": 600,
               "grants": {"coHost": true}})
        .to_string()
        .as_bytes(),
    )
    .unwrap();
    assert_eq!(ok.market, Some(address(2)));
    assert!(ok.grants.co_host && !ok.grants.can_speak);
    let code = |body: serde_json::Value| {
        decode::<MintTokenBody>(body.to_string().as_bytes())
            .unwrap_err()
            .code
    };
    assert_eq!(
        code(json!({"walletAddress": "nope"})),
        ErrorCode::InvalidAddress
    );
    assert_eq!(
        code(json!({"walletAddress": wallet, "ttlSeconds": 5})),
        ErrorCode::BadRequest
    );
    assert_eq!(
        code(json!({"walletAddress": wallet, "ttlSeconds": MAX_TOKEN_TTL_SECS + 1})),
        ErrorCode::BadRequest
    );
    assert_eq!(
        code(json!({"walletAddress": wallet, "grants": {"canSpeak": true}})),
        ErrorCode::BadRequest,
        "a grant without a market"
    );
    assert_eq!(
        code(json!({"walletAddress": wallet, "marketAddress": market, "grant": {}})),
        ErrorCode::BadRequest,
        "a misspelt field"
    );
}

#[test]
fn a_signature_verifies_for_its_body_and_secret_within_the_tolerance() {
    let body = br#"{"id":"evt_1"}"#;
    let header = signature_header(b"whsec", 1_700_000_000, body);
    assert_eq!(verify(b"whsec", &header, body, 1_700_000_100, 300), Ok(()));
    assert_eq!(
        verify(b"other", &header, body, 1_700_000_100, 300),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify(b"whsec", &header, br#"{"id":"evt_2"}"#, 1_700_000_100, 300),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify(b"whsec", &header, body, 1_700_000_301, 300),
        Err(SignatureError::Stale)
    );
    assert_eq!(
        verify(b"whsec", "v1=00", body, 0, 300),
        Err(SignatureError::Malformed)
    );
    let rotated = format!("{header},v1={}", sign(b"new", 1_700_000_000, body));
    assert_eq!(verify(b"new", &rotated, body, 1_700_000_000, 300), Ok(()));
}

/// The vector the JS SDK's `verifyWebhook` test checks against
/// (clients/js/test/webhook.test.mjs): both sides sign alike.
#[test]
fn the_shared_signature_vector() {
    assert_eq!(
        signature_header(b"whsec_test", 1_700_000_000, br#"{"id":"evt_test"}"#),
        "t=1700000000,v1=14c4f43763339dcb1c15f41a1ff31a94f2f09f8de278f8b4392ca0d7cbcd257e"
    );
}

#[test]
fn an_event_reads_as_type_and_data() {
    let event = WebhookEvent::new(
        &address(3),
        WebhookEventType::ParticipantJoined {
            wallet_address: address(4),
        },
        Utc::now(),
    );
    let value = serde_json::to_value(&event).unwrap();
    assert_eq!(value["type"], "participant_joined");
    assert_eq!(value["data"]["walletAddress"], address(4).to_string());
    assert!(value["id"].as_str().unwrap().starts_with("evt_"));
    assert_eq!(
        serde_json::from_value::<WebhookEvent>(value).unwrap(),
        event
    );
    let started = serde_json::to_value(WebhookEvent::new(
        &address(3),
        WebhookEventType::RoomStarted {},
        Utc::now(),
    ))
    .unwrap();
    assert_eq!(started["data"], json!({}));
    assert_eq!(started["type"], "room_started");
}
