//! `pnl-voice keys`: operators create, list and revoke the API keys of
//! market sites' backends, in the store the server uses (the same
//! configuration: `data_dir` or `MONGODB_URI`), so every node sharing it
//! accepts them.

use chrono::Utc;
use serde::Serialize;

use crate::config::Config;
use crate::rooms::rfc3339;
use crate::server_api::{ApiKeySecret, Scope};
use crate::store::{self, ApiKeyRecord, StoreError};

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    /// The store could not be opened or used.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// `create` without a scope, or with a bad name.
    #[error("{0}")]
    Usage(String),
    /// `revoke` of a key that does not exist or is revoked already.
    #[error("no active API key {0}")]
    NoSuchKey(String),
}

/// Creates a key named `name` with `scopes` and returns it whole
/// (`<key id>.<secret>`): the only time the secret is seen.
pub async fn create(
    config: &Config,
    name: &str,
    scopes: &[Scope],
) -> Result<(ApiKeyRecord, String), KeysError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(KeysError::Usage(
            "--name must be 1 to 100 characters".into(),
        ));
    }
    if scopes.is_empty() {
        return Err(KeysError::Usage(
            "give at least one --scope (tokens:mint, rooms:read, rooms:moderate)".into(),
        ));
    }
    let mut scopes = scopes.to_vec();
    scopes.sort();
    scopes.dedup();
    let key = ApiKeySecret::generate();
    let record = ApiKeyRecord {
        id: key.id().to_string(),
        name: name.to_string(),
        scopes,
        secret_hash: key.secret_hash(),
        created_at: Utc::now(),
        revoked_at: None,
    };
    store::open(config).await?.add_api_key(&record).await?;
    Ok((record, key.reveal()))
}

/// Every key, revoked ones included.
pub async fn list(config: &Config) -> Result<Vec<ApiKeyRecord>, KeysError> {
    Ok(store::open(config).await?.api_keys().await?)
}

/// Revokes key `id`: refused from the next request on, on every node.
pub async fn revoke(config: &Config, id: &str) -> Result<(), KeysError> {
    if store::open(config)
        .await?
        .revoke_api_key(id, Utc::now())
        .await?
    {
        Ok(())
    } else {
        Err(KeysError::NoSuchKey(id.to_string()))
    }
}

/// One key as `keys list --json` prints it (never its hash).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Listed<'a> {
    id: &'a str,
    name: &'a str,
    scopes: Vec<&'static str>,
    created_at: String,
    revoked_at: Option<String>,
}

/// Writes `keys` as a table, or as JSON lines with `json`.
pub fn print(
    keys: &[ApiKeyRecord],
    json: bool,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    if !json {
        writeln!(
            out,
            "{:<22} {:<24} {:<40} {:<20} STATUS",
            "ID", "NAME", "SCOPES", "CREATED"
        )?;
    }
    for key in keys {
        let created = key.created_at.format("%Y-%m-%d %H:%M:%S").to_string();
        if json {
            let listed = Listed {
                id: &key.id,
                name: &key.name,
                scopes: key.scopes.iter().map(|s| s.as_str()).collect(),
                created_at: rfc3339(key.created_at),
                revoked_at: key.revoked_at.map(rfc3339),
            };
            writeln!(
                out,
                "{}",
                serde_json::to_string(&listed).expect("serializes")
            )?;
        } else {
            let status = match key.revoked_at {
                Some(at) => format!("revoked {}", at.format("%Y-%m-%d %H:%M:%S")),
                None => "active".into(),
            };
            writeln!(
                out,
                "{:<22} {:<24} {:<40} {:<20} {status}",
                key.id,
                key.name,
                key.scopes_text(),
                created
            )?;
        }
    }
    out.flush()
}
