//! A REST client for `/api/voice/*` of one base URL, and checks of the
//! contract's error envelope.

use reqwest::Method;
use serde_json::{json, Value};

use crate::wallet::TestWallet;

/// Calls `{base}/api/voice/{path}`.
pub struct Api {
    base: String,
    http: reqwest::Client,
}

impl Api {
    /// A client of the server at `base` (`http://host:port`).
    pub fn new(base: String) -> Self {
        Self {
            base,
            http: reqwest::Client::new(),
        }
    }

    /// `(status, JSON body)` of a request with an optional bearer token and body.
    pub async fn call(
        &self,
        method: Method,
        token: Option<&str>,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}/api/voice/{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    /// POST with a JSON body.
    pub async fn post(&self, token: Option<&str>, path: &str, body: Value) -> (u16, Value) {
        self.call(Method::POST, token, path, Some(body)).await
    }

    /// GET without credentials.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call(Method::GET, None, path, None).await
    }

    /// GET with credentials.
    pub async fn get_with(&self, token: Option<&str>, path: &str) -> (u16, Value) {
        self.call(Method::GET, token, path, None).await
    }
}

/// Logs `wallet` in at `base` and reserves a place in `market` for it
/// (`POST /api/voice/join`); returns the status and body.
pub async fn reserve(
    base: &str,
    wallet: &TestWallet,
    market: &str,
) -> Result<(u16, Value), String> {
    let token = wallet.login(base).await?;
    let body = json!({"marketAddress": market, "walletAddress": wallet.address()});
    Ok(Api::new(base.to_string())
        .post(Some(&token), "join", body)
        .await)
}

/// `(status, error code)` of a refusal, checking the envelope.
pub fn refusal((status, body): (u16, Value)) -> (u16, String) {
    assert_eq!(body["success"], false, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    (status, body["error"]["code"].as_str().unwrap().to_string())
}

/// The `(status, code)` a refusal should have.
pub fn refused(status: u16, code: &str) -> (u16, String) {
    (status, code.to_string())
}
