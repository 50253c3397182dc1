//! A throwaway Solana-style wallet that logs in through the REST challenge flow.

use std::time::Duration;

use ed25519_dalek::{Signer, SigningKey};
use rand::rngs::OsRng;
use serde_json::{json, Value};

/// Bound on each HTTP call made while logging in.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// An ed25519 keypair whose address is the base58 text of its public key.
pub struct TestWallet {
    key: SigningKey,
}

impl TestWallet {
    /// Generates a fresh random wallet.
    pub fn new() -> Self {
        Self {
            key: SigningKey::generate(&mut OsRng),
        }
    }

    /// The wallet address: base58 of the 32-byte public key.
    pub fn address(&self) -> String {
        bs58::encode(self.key.verifying_key().as_bytes()).into_string()
    }

    /// Base58 of the 64-byte ed25519 signature over the UTF-8 bytes of `message`.
    pub fn sign_base58(&self, message: &str) -> String {
        bs58::encode(self.key.sign(message.as_bytes()).to_bytes()).into_string()
    }

    /// Runs challenge → sign → verify against `http_base` (e.g. `http://127.0.0.1:3001`)
    /// and returns the JWT.
    pub async fn login(&self, http_base: &str) -> Result<String, String> {
        let client = reqwest::Client::builder()
            .timeout(HTTP_TIMEOUT)
            .build()
            .map_err(|e| format!("http client: {e}"))?;
        let address = self.address();

        let challenge = post_data(
            &client,
            &format!("{http_base}/api/auth/challenge"),
            json!({ "walletAddress": address }),
        )
        .await?;
        let message = string_field(&challenge, "message")?;
        let nonce = string_field(&challenge, "nonce")?;

        let verified = post_data(
            &client,
            &format!("{http_base}/api/auth/verify"),
            json!({
                "walletAddress": address,
                "nonce": nonce,
                "signature": self.sign_base58(message),
            }),
        )
        .await?;
        string_field(&verified, "token").map(str::to_owned)
    }
}

impl Default for TestWallet {
    fn default() -> Self {
        Self::new()
    }
}

/// POSTs `body` and returns the `data` of a `{success: true, data}` envelope.
async fn post_data(client: &reqwest::Client, url: &str, body: Value) -> Result<Value, String> {
    let response = client
        .post(url)
        .json(&body)
        .send()
        .await
        .map_err(|e| format!("POST {url}: {e}"))?;
    let status = response.status();
    let envelope: Value = response
        .json()
        .await
        .map_err(|e| format!("POST {url}: {status}, body is not JSON: {e}"))?;
    if !status.is_success() || envelope["success"] != Value::Bool(true) {
        return Err(format!("POST {url}: {status} {envelope}"));
    }
    Ok(envelope["data"].clone())
}

fn string_field<'a>(data: &'a Value, name: &str) -> Result<&'a str, String> {
    data[name]
        .as_str()
        .ok_or_else(|| format!("reply has no string `{name}`: {data}"))
}
