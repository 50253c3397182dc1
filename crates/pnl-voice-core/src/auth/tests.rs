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
    let c = auth.challenge(&address, now);
    assert!(
        c.message.contains("voice.test")
            && c.message.contains(address.as_str())
            && c.message.contains(&c.nonce)
    );
    let token = auth
        .verify(&address, &c.nonce, &sign(&key, &c.message), now)
        .unwrap();
    assert_eq!(auth.wallet_of(&token.token).unwrap(), address);
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
        let c = auth.challenge(&address, now);
        let err = auth.verify(&address, &c.nonce, &bad, now).unwrap_err();
        assert_eq!(err, AuthError::BadSignature);
        let good = sign(&key, &c.message);
        assert_eq!(
            auth.verify(&address, &c.nonce, &good, now).unwrap_err(),
            AuthError::UnknownNonce
        );
    }
    let c = auth.challenge(&address, now);
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
    let c = auth.challenge(&address, now);
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
    let c = auth.challenge(&address, then);
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
    let c = auth.challenge(&alice, now);
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
        auth.wallet_of(&forger.issue(&address, now).token),
        Err(AuthError::BadToken(_))
    ));

    let mut parts: Vec<String> = token.split('.').map(String::from).collect();
    let (_, other) = wallet(8);
    let claims = format!(r#"{{"sub":"{other}","iss":"pnl-voice","iat":0,"exp":99999999999}}"#);
    parts[1] = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims);
    assert!(matches!(
        auth.wallet_of(&parts.join(".")),
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
        auth.wallet_of(&none_alg),
        Err(AuthError::BadToken(_))
    ));

    let expired = auth
        .keys
        .issue(&address, now - Duration::seconds(3601))
        .token;
    assert!(matches!(
        auth.wallet_of(&expired),
        Err(AuthError::BadToken(_))
    ));
    for junk in ["", "a.b.c", "not a token"] {
        assert!(matches!(auth.wallet_of(junk), Err(AuthError::BadToken(_))));
    }
}
