//! Environment variables over the configuration (docs/configuration.md,
//! "Environment variables").

use std::str::FromStr;

use super::{Config, ConfigError};

/// Applies every variable `lookup` knows to `config`.
pub(super) fn apply(
    config: &mut Config,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    let get = |name: &'static str| lookup(name).filter(|v| !v.trim().is_empty());

    if let Some(v) = get("PNL_VOICE_HTTP_LISTEN") {
        config.http_listen = parse("PNL_VOICE_HTTP_LISTEN", &v)?;
    }
    if let Some(v) = get("PNL_VOICE_PUBLIC_URL") {
        config.public_url = Some(v);
    }
    if let Some(v) = get("PNL_VOICE_NODE_ID") {
        config.node_id = Some(v);
    }
    if let Some(v) = get("PNL_VOICE_WORKERS") {
        config.workers = Some(parse("PNL_VOICE_WORKERS", &v)?);
    }
    if let Some(v) = get("MEDIASOUP_LISTEN_IP") {
        config.media.listen_ip = parse("MEDIASOUP_LISTEN_IP", &v)?;
    }
    if let Some(v) = get("MEDIASOUP_ANNOUNCED_IP") {
        config.media.announced_ip = Some(parse("MEDIASOUP_ANNOUNCED_IP", &v)?);
    }
    if let Some(v) = get("MEDIASOUP_RTC_MIN_PORT") {
        config.media.rtc_min_port = parse("MEDIASOUP_RTC_MIN_PORT", &v)?;
    }
    if let Some(v) = get("MEDIASOUP_RTC_MAX_PORT") {
        config.media.rtc_max_port = parse("MEDIASOUP_RTC_MAX_PORT", &v)?;
    }
    if let Some(v) = get("MEDIASOUP_WEBRTC_SERVER_PORT") {
        // `off`: back to a port per transport from the RTC range.
        config.media.webrtc_server_port = match v.trim() {
            "off" => None,
            port => Some(parse("MEDIASOUP_WEBRTC_SERVER_PORT", port)?),
        };
    }
    if let Some(v) = get("MEDIASOUP_IO_URING") {
        config.media.io_uring = parse_switch("MEDIASOUP_IO_URING", &v)?;
    }
    if let Some(v) = get("REDIS_URL") {
        config.redis_url = Some(v);
    }
    if let Some(v) = get("MONGODB_URI") {
        config.mongodb_uri = Some(v);
    }
    if let Some(v) = get("PNL_VOICE_DATA_DIR") {
        config.data_dir = v.into();
    }
    if let Some(v) = get("PNL_VOICE_METRICS_SAMPLE_SECS") {
        config.metrics_sample_secs = parse("PNL_VOICE_METRICS_SAMPLE_SECS", &v)?;
    }
    if let Some(v) = get("PNL_VOICE_SHUTDOWN_DELAY_SECS") {
        config.shutdown_delay_secs = parse("PNL_VOICE_SHUTDOWN_DELAY_SECS", &v)?;
    }
    if let Some(v) = get("PNL_VOICE_RETENTION_DAYS") {
        config.retention_days = parse("PNL_VOICE_RETENTION_DAYS", &v)?;
    }
    if let Some(v) = get("PNL_VOICE_TRUST_PROXY_HEADERS") {
        config.trust_proxy_headers = flag(&v);
    }
    if let Some(v) = get("PNL_VOICE_DEV") {
        config.dev = flag(&v);
    }
    if let Some(v) = get("PNL_VOICE_JWT_SECRET") {
        config.jwt_secret = Some(v);
    }
    if let Some(v) = get("PNL_VOICE_MARKETS_FILE") {
        config.markets_file = Some(v.into());
    }
    if let Some(v) = get("PNL_VOICE_STATIC_DIR") {
        config.static_dir = v.into();
    }
    if let Some(v) = get("SOLANA_RPC_URL") {
        config.solana_rpc_url = Some(v);
    }
    if let Some(v) = get("STUN_URLS") {
        config.stun_urls = list(&v);
    }
    if let Some(v) = get("TURN_URLS") {
        config.turn_urls = list(&v);
    }
    if let Some(v) = get("TURN_SECRET") {
        config.turn_secret = Some(v);
    }
    if let Some(v) = get("TURN_TTL_SECONDS") {
        config.turn_ttl_secs = parse("TURN_TTL_SECONDS", &v)?;
    }
    if let Some(v) = get("PNL_VOICE_ALLOWED_ORIGINS") {
        config.allowed_origins = list(&v);
    }
    if let Some(v) = get("PNL_VOICE_WEBHOOK_URLS") {
        // Split as a list, but a path's trailing slash is the receiver's.
        config.webhooks.urls = v
            .split(',')
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty())
            .collect();
    }
    if let Some(v) = get("PNL_VOICE_WEBHOOK_SECRET") {
        config.webhooks.secret = Some(v);
    }
    if let Some(v) = get("PNL_VOICE_WEBHOOK_MAX_ATTEMPTS") {
        config.webhooks.max_attempts = parse("PNL_VOICE_WEBHOOK_MAX_ATTEMPTS", &v)?;
    }
    if let Some(v) = get("PNL_VOICE_WEBHOOK_RETRY_MAX_SECS") {
        config.webhooks.retry_max_secs = parse("PNL_VOICE_WEBHOOK_RETRY_MAX_SECS", &v)?;
    }
    Ok(())
}

fn parse<T: FromStr>(name: &'static str, value: &str) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    value.trim().parse().map_err(|e: T::Err| ConfigError::Env {
        name,
        value: value.to_string(),
        reason: e.to_string(),
    })
}

/// A switch that is on by default: `1`, `true`, `yes` or `on`, and `0`,
/// `false`, `no` or `off`; anything else is refused rather than read as off.
fn parse_switch(name: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError::Env {
            name,
            value: value.to_string(),
            reason: "expected on or off".into(),
        }),
    }
}

/// An on/off variable: `1`, `true` or `yes` is on.
fn flag(value: &str) -> bool {
    matches!(value.trim(), "1" | "true" | "yes")
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|s| s.trim().trim_end_matches('/').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}
