//! `iceServers` for clients: STUN URLs, and TURN with time-limited
//! credentials in coturn's `use-auth-secret` scheme (username
//! `expiry:wallet`, password base64(HMAC-SHA1(secret, username))).

use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::address::Address;
pub use crate::protocol::IceServer;

/// STUN and TURN settings.
#[derive(Debug, Clone, Default)]
pub struct IceServers {
    /// STUN URLs.
    pub stun_urls: Vec<String>,
    /// TURN URLs.
    pub turn_urls: Vec<String>,
    /// coturn `static-auth-secret`.
    pub turn_secret: Option<String>,
    /// Credential lifetime in seconds.
    pub turn_ttl_secs: u64,
}

impl IceServers {
    /// The `iceServers` list for `wallet` at `now`.
    pub fn for_wallet(&self, wallet: &Address, now: DateTime<Utc>) -> Vec<IceServer> {
        let mut servers = Vec::new();
        if !self.stun_urls.is_empty() {
            servers.push(IceServer {
                urls: self.stun_urls.clone(),
                username: None,
                credential: None,
            });
        }
        if let (false, Some(secret)) = (self.turn_urls.is_empty(), &self.turn_secret) {
            let (username, credential) = turn_credential(secret, wallet, now, self.turn_ttl_secs);
            servers.push(IceServer {
                urls: self.turn_urls.clone(),
                username: Some(username),
                credential: Some(credential),
            });
        }
        servers
    }
}

/// A TURN REST credential valid for `ttl_secs` from `now`.
pub fn turn_credential(
    secret: &str,
    wallet: &Address,
    now: DateTime<Utc>,
    ttl_secs: u64,
) -> (String, String) {
    let username = format!("{}:{}", now.timestamp() + ttl_secs as i64, wallet);
    let mut mac =
        Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(username.as_bytes());
    let credential = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    (username, credential)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_is_coturn_rest_scheme() {
        let wallet = Address::from_bytes([1; 32]);
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let (user, pass) = turn_credential("s3cret", &wallet, now, 60);
        assert_eq!(user, format!("1700000060:{wallet}"));
        let mut mac = Hmac::<Sha1>::new_from_slice(b"s3cret").unwrap();
        mac.update(user.as_bytes());
        let expected =
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        assert_eq!(pass, expected);
    }

    #[test]
    fn no_turn_without_secret_and_stun_listed() {
        let servers = IceServers {
            stun_urls: vec!["stun:127.0.0.1:3478".into()],
            ..Default::default()
        };
        let list = servers.for_wallet(&Address::from_bytes([1; 32]), Utc::now());
        assert_eq!(
            serde_json::to_value(list).unwrap(),
            serde_json::json!([{ "urls": ["stun:127.0.0.1:3478"] }])
        );
    }
}
