use std::net::IpAddr;

use chrono::Duration;
use ed25519_dalek::{Signer, SigningKey};

use super::*;

fn wallet(seed: u8) -> (SigningKey, Address) {
    let key = SigningKey::from_bytes(&[seed; 32]);
    let address = Address::from_bytes(key.verifying_key().to_bytes());
    (key, address)
}

fn auth() -> Auth {
    Auth::new("voice.test".into(), &[42u8; 32], 300, 3600)
}

fn sign(key: &SigningKey, message: &str) -> String {
    bs58::encode(key.sign(message.as_bytes()).to_bytes()).into_string()
}

#[test]
fn a_good_signature_gets_a_token_for_that_wallet() {
    let auth = auth();
    let (key, address) = wallet(1);
    let now = Utc::now();
    let c = auth.challenge(&address, None, now).unwrap();
    assert!(
        c.message.contains("voice.test")
            && c.message.contains(address.as_str())
            && c.message.contains(&c.nonce)
    );
    let token = auth
        .verify(&address, &c.nonce, &sign(&key, &c.message), now)
        .unwrap();
    assert_eq!(auth.credential_of(&token.token).unwrap().wallet, address);
    assert!(token.expires_at > now);
}

#[test]
fn bad_signatures_are_refused_and_use_up_the_nonce() {
    let auth = auth();
    let (key, address) = wallet(1);
    let (other_key, _) = wallet(2);
    let now = Utc::now();
    for bad in [
        sign(&other_key, "whatever"),
        String::new(),
        "not-base58-0OIl".into(),
        bs58::encode([0u8; 63]).into_string(),
    ] {
        let c = auth.challenge(&address, None, now).unwrap();
        let err = auth.verify(&address, &c.nonce, &bad, now).unwrap_err();
        assert_eq!(err, AuthError::BadSignature);
        let good = sign(&key, &c.message);
        assert_eq!(
            auth.verify(&address, &c.nonce, &good, now).unwrap_err(),
            AuthError::UnknownNonce
        );
    }
    let c = auth.challenge(&address, None, now).unwrap();
    let signed_other = sign(&other_key, &c.message);
    assert_eq!(
        auth.verify(&address, &c.nonce, &signed_other, now)
            .unwrap_err(),
        AuthError::BadSignature
    );
}

#[test]
fn a_nonce_cannot_be_replayed() {
    let auth = auth();
    let (key, address) = wallet(3);
    let now = Utc::now();
    let c = auth.challenge(&address, None, now).unwrap();
    let sig = sign(&key, &c.message);
    auth.verify(&address, &c.nonce, &sig, now).unwrap();
    assert_eq!(
        auth.verify(&address, &c.nonce, &sig, now).unwrap_err(),
        AuthError::UnknownNonce
    );
    assert!(auth.challenges.is_empty());
}

#[test]
fn an_expired_nonce_is_refused() {
    let auth = auth();
    let (key, address) = wallet(4);
    let then = Utc::now() - Duration::seconds(301);
    let c = auth.challenge(&address, None, then).unwrap();
    let err = auth
        .verify(&address, &c.nonce, &sign(&key, &c.message), Utc::now())
        .unwrap_err();
    assert_eq!(err, AuthError::Expired);
}

#[test]
fn a_nonce_belongs_to_its_wallet() {
    let auth = auth();
    let (_, alice) = wallet(5);
    let (mallory_key, mallory) = wallet(6);
    let now = Utc::now();
    let c = auth.challenge(&alice, None, now).unwrap();
    let err = auth
        .verify(&mallory, &c.nonce, &sign(&mallory_key, &c.message), now)
        .unwrap_err();
    assert_eq!(err, AuthError::UnknownNonce);
    assert_eq!(
        auth.verify(&alice, "never-issued", "x", now).unwrap_err(),
        AuthError::UnknownNonce
    );
}

#[test]
fn forged_tampered_and_expired_tokens_are_refused() {
    let auth = auth();
    let (_, address) = wallet(7);
    let now = Utc::now();
    let token = auth.keys.issue(&address, now).token;

    let forger = TokenKeys::new(&[1u8; 32], 3600);
    assert!(matches!(
        auth.credential_of(&forger.issue(&address, now).token),
        Err(AuthError::BadToken(_))
    ));

    let mut parts: Vec<String> = token.split('.').map(String::from).collect();
    let (_, other) = wallet(8);
    let claims = format!(r#"{{"sub":"{other}","iss":"pnl-voice","iat":0,"exp":99999999999}}"#);
    parts[1] = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims);
    assert!(matches!(
        auth.credential_of(&parts.join(".")),
        Err(AuthError::BadToken(_))
    ));

    let none_alg = format!(
        "{}.{}.",
        base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            r#"{"alg":"none","typ":"JWT"}"#
        ),
        parts[1]
    );
    assert!(matches!(
        auth.credential_of(&none_alg),
        Err(AuthError::BadToken(_))
    ));

    let expired = auth
        .keys
        .issue(&address, now - Duration::seconds(3601))
        .token;
    assert!(matches!(
        auth.credential_of(&expired),
        Err(AuthError::BadToken(_))
    ));
    for junk in ["", "a.b.c", "not a token"] {
        assert!(matches!(
            auth.credential_of(junk),
            Err(AuthError::BadToken(_))
        ));
    }
}

#[test]
fn a_token_is_refused_before_its_nbf() {
    let auth = auth();
    let (_, address) = wallet(9);
    let now = Utc::now().timestamp();
    let claims = serde_json::json!({"sub": address.to_string(), "iss": "pnl-voice",
        "iat": now, "nbf": now + 24 * 3600, "exp": now + 48 * 3600});
    let key = jsonwebtoken::EncodingKey::from_secret(&[42u8; 32]);
    let early = jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).unwrap();
    assert!(matches!(
        auth.credential_of(&early),
        Err(AuthError::BadToken(_))
    ));
    let claims = serde_json::json!({"sub": address.to_string(), "iss": "pnl-voice",
        "iat": now, "nbf": now - 60, "exp": now + 3600});
    let started = jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).unwrap();
    assert_eq!(auth.credential_of(&started).unwrap().wallet, address);
}

fn small_store() -> ChallengeStore {
    let limits = ChallengeLimits {
        total: 50,
        per_wallet: 3,
        per_client: 20,
    };
    ChallengeStore::with_limits("voice.test".into(), 300, limits)
}

#[test]
fn a_flood_is_refused_and_evicts_no_live_challenge() {
    let store = small_store();
    let now = Utc::now();
    let (_, user) = wallet(10);
    let users_ip: IpAddr = "203.0.113.5".parse().unwrap();
    let users = store.issue(&user, Some(users_ip), now).unwrap();

    // One address asks for challenges of fresh wallets: past its share it
    // is refused, and the user's challenge stays.
    let flooder: IpAddr = "198.51.100.7".parse().unwrap();
    let issued = (0..1000u32)
        .map(|n| {
            let w = Address::from_bytes(rand::random());
            store.issue(&w, Some(flooder), now + Duration::milliseconds(n.into()))
        })
        .filter(Result::is_ok)
        .count();
    assert_eq!(issued, 20, "the flooder's address gets its share only");
    assert_eq!(
        store
            .issue(&Address::from_bytes(rand::random()), Some(flooder), now)
            .unwrap_err(),
        AuthError::TooManyChallenges(Duration::seconds(300))
    );

    // One wallet holds a few live challenges from one address at most;
    // asked for from elsewhere, they do not use up its own.
    let (_, busy) = wallet(11);
    for _ in 0..3 {
        store.issue(&busy, None, now).unwrap();
    }
    let elsewhere: IpAddr = "192.0.2.200".parse().unwrap();
    let theirs = store.issue(&busy, Some(elsewhere), now).unwrap();
    assert!(store.take(&busy, &theirs.nonce, now).is_ok());
    assert_eq!(
        store.issue(&busy, None, now).unwrap_err(),
        AuthError::TooManyChallenges(Duration::seconds(300))
    );

    // Many addresses fill the store: the next one is refused, never the
    // user's challenge evicted.
    let mut n = 0u8;
    while store.len() < 50 {
        n += 1;
        let ip = IpAddr::from([192, 0, 2, n]);
        store
            .issue(&Address::from_bytes(rand::random()), Some(ip), now)
            .unwrap();
    }
    assert_eq!(
        store
            .issue(&Address::from_bytes(rand::random()), None, now)
            .unwrap_err(),
        AuthError::TooManyChallenges(Duration::seconds(300))
    );
    assert!(store.take(&user, &users.nonce, now).is_ok());

    // Expired challenges make room again, for everyone.
    let later = now + Duration::seconds(301);
    assert!(store
        .issue(&Address::from_bytes(rand::random()), Some(flooder), later)
        .is_ok());
    assert_eq!(store.len(), 1);
}

#[test]
fn taken_challenges_free_their_wallets_share() {
    let store = small_store();
    let now = Utc::now();
    let (_, address) = wallet(12);
    for _ in 0..10 {
        let c = store.issue(&address, None, now).unwrap();
        store.take(&address, &c.nonce, now).unwrap();
    }
    assert!(store.is_empty());
}

#[test]
fn a_minted_token_carries_its_market_grants_and_lifetime() {
    let auth = auth();
    let (_, wallet_a) = wallet(13);
    let (_, market_a) = wallet(14);
    let (_, market_b) = wallet(15);
    let now = Utc::now();
    let options = MintOptions {
        market: Some(market_a.clone()),
        grants: crate::rooms::Grants {
            can_speak: true,
            co_host: false,
        },
        ttl: Some(Duration::seconds(60)),
        key_id: Some("k_test".into()),
    };
    let minted = auth.mint(&wallet_a, &options, now);
    assert_eq!(
        minted.expires_at.timestamp(),
        (now + Duration::seconds(60)).timestamp()
    );
    let credential = auth.credential_of(&minted.token).unwrap();
    assert_eq!(credential.wallet, wallet_a);
    assert_eq!(credential.market, Some(market_a.clone()));
    assert!(credential.grants.can_speak && !credential.grants.co_host);
    assert!(credential.may_act_in(&market_a).is_ok());
    let refused = credential.may_act_in(&market_b).unwrap_err();
    assert_eq!(refused.code, crate::error::ErrorCode::Forbidden);
}

#[test]
fn a_sign_in_token_has_no_market_and_no_grants() {
    let auth = auth();
    let (_, address) = wallet(16);
    let credential = auth
        .credential_of(&auth.keys.issue(&address, Utc::now()).token)
        .unwrap();
    assert_eq!(
        (&credential.wallet, &credential.market, credential.grants),
        (&address, &None, crate::rooms::Grants::default())
    );
    let (_, any_market) = wallet(17);
    assert!(credential.may_act_in(&any_market).is_ok());
}
