//! The market site's backend in tests: `pnl-voice keys …` run as an
//! operator would, and calls to `/api/server/*` with an API key.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use reqwest::Method;
use serde_json::Value;

use crate::process::server_binary;

/// Runs `pnl-voice keys <args>` on the embedded store in `data_dir` (dev
/// mode: no JWT secret needed); panics unless it succeeds. Returns stdout.
pub fn keys(data_dir: &Path, args: &[&str]) -> String {
    succeeded(keys_command(data_dir, args), args)
}

/// Runs `pnl-voice keys <args>` on the embedded store in `data_dir` and
/// returns its whole output.
pub fn keys_command(data_dir: &Path, args: &[&str]) -> std::process::Output {
    run(("PNL_VOICE_DATA_DIR", data_dir.as_os_str()), args)
}

/// A key created by the CLI in `data_dir` with `scopes` (`<key id>.<secret>`).
pub fn create_key(data_dir: &Path, name: &str, scopes: &[&str]) -> String {
    let output = run(
        ("PNL_VOICE_DATA_DIR", data_dir.as_os_str()),
        &create(name, scopes),
    );
    succeeded(output, &["create"]).trim().to_string()
}

/// A key created by the CLI in the MongoDB store at `uri`.
pub fn create_mongo_key(uri: &str, name: &str, scopes: &[&str]) -> String {
    let output = run(("MONGODB_URI", OsStr::new(uri)), &create(name, scopes));
    succeeded(output, &["create"]).trim().to_string()
}

fn create<'a>(name: &'a str, scopes: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["create", "--name", name];
    for scope in scopes {
        args.extend(["--scope", scope]);
    }
    args
}

fn run(store: (&str, &OsStr), args: &[&str]) -> std::process::Output {
    Command::new(server_binary())
        .arg("keys")
        .args(args)
        .env("PNL_VOICE_DEV", "1")
        .env(store.0, store.1)
        .env("RUST_LOG", "warn")
        .output()
        .expect("pnl-voice runs")
}

fn succeeded(output: std::process::Output, args: &[&str]) -> String {
    assert!(
        output.status.success(),
        "pnl-voice keys {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Calls `{base}/api/server/{path}` as the site's backend.
pub struct ServerApi {
    base: String,
    key: String,
    http: reqwest::Client,
}

impl ServerApi {
    /// A backend of the server at `base` using `key`.
    pub fn new(base: &str, key: &str) -> Self {
        Self {
            base: base.to_string(),
            key: key.to_string(),
            http: reqwest::Client::new(),
        }
    }

    /// `(status, JSON body)` of a call, from a page at `origin` if given.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        origin: Option<&str>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}/api/server/{path}", self.base))
            .bearer_auth(&self.key);
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    /// POST with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(Method::POST, path, Some(&body), None).await
    }

    /// GET.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call(Method::GET, path, None, None).await
    }

    /// `POST tokens` with `body`; the token on success.
    pub async fn mint(&self, body: Value) -> Result<String, (u16, Value)> {
        match self.post("tokens", body).await {
            (200, reply) => Ok(reply["data"]["token"].as_str().unwrap().to_string()),
            refused => Err(refused),
        }
    }
}
