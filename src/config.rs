//! Typed configuration: built-in defaults, then an optional TOML file, then
//! environment variables (docs/configuration.md), validated once at
//! start so that a bad value stops the server with a clear message.

mod env;
mod media;
mod webhooks;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use media::MediaConfig;
pub use pnl_voice_core::rooms::RoomDefaults;
pub use webhooks::WebhookConfig;

/// Everything `pnl-voice` needs to run.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// REST + WebSocket + static files listen address.
    pub http_listen: SocketAddr,
    /// Base URL this node announces to clients (`workerUrl` is derived from it).
    pub public_url: Option<String>,
    /// This node's id in the registry.
    pub node_id: Option<String>,
    /// Number of mediasoup workers (default: one per CPU core).
    pub workers: Option<usize>,
    /// HS256 key for JWTs. Required unless `dev` is set; in dev mode a
    /// missing key is random per start.
    pub jwt_secret: Option<String>,
    /// Local development mode (`--dev`, `PNL_VOICE_DEV`): the server may run
    /// without a JWT secret, signing with a random key per start.
    pub dev: bool,
    /// Lifetime of issued JWTs, in seconds.
    pub jwt_ttl_secs: u64,
    /// Lifetime of a sign-in challenge nonce, in seconds.
    pub nonce_ttl_secs: u64,
    /// Domain named in the sign-in message (default: the public URL's host).
    pub auth_domain: Option<String>,
    /// Static market data (founders, mints, holdings), JSON.
    pub markets_file: Option<PathBuf>,
    /// Solana JSON-RPC endpoint for on-chain holdings.
    pub solana_rpc_url: Option<String>,
    /// Timeout of one Solana RPC request, in milliseconds.
    pub solana_rpc_timeout_ms: u64,
    /// How long a wallet's holdings are cached, in seconds.
    pub positions_cache_secs: u64,
    /// Redis registry and moderation ledger: `redis://host:port`, or
    /// `redis+cluster://host:port,host:port` for a Redis Cluster; in-memory
    /// registry (bans in the record store) when absent.
    pub redis_url: Option<String>,
    /// Seconds between two registry heartbeats of this node.
    pub registry_heartbeat_secs: u64,
    /// Seconds a node counts as alive after its last heartbeat.
    pub registry_node_ttl_secs: u64,
    /// Longest wait for one registry call, in milliseconds.
    pub registry_timeout_ms: u64,
    /// A node at or above this CPU use (percent of its workers' cores)
    /// takes no new room.
    pub registry_cpu_threshold_percent: f32,
    /// MongoDB store; embedded store when absent.
    pub mongodb_uri: Option<String>,
    /// Embedded store location.
    pub data_dir: PathBuf,
    /// Seconds between two samples of levels and call quality for `/metrics`.
    pub metrics_sample_secs: u64,
    /// Seconds the node keeps serving, not ready, after SIGTERM/SIGINT
    /// before it shuts down: time for load balancers and orchestrators to
    /// see `/health/ready` fail and send new clients elsewhere (a second
    /// signal skips the rest).
    pub shutdown_delay_secs: u64,
    /// Days participation records and reports are kept (0: forever).
    pub retention_days: u32,
    /// Records waiting for the store at most; past it new ones are dropped
    /// with a warning.
    pub store_queue_capacity: usize,
    /// STUN servers handed to clients in `iceServers`.
    pub stun_urls: Vec<String>,
    /// TURN servers handed to clients in `iceServers`.
    pub turn_urls: Vec<String>,
    /// coturn `static-auth-secret` for time-limited TURN credentials.
    pub turn_secret: Option<String>,
    /// Lifetime of TURN credentials, in seconds.
    pub turn_ttl_secs: u64,
    /// Origins allowed for CORS and WebSocket upgrades (the server's own always is).
    pub allowed_origins: Vec<String>,
    /// Take client addresses (for per-address limits) from `Forwarded` /
    /// `X-Forwarded-For`. Only behind a proxy that sets these headers itself:
    /// otherwise clients could name any address.
    pub trust_proxy_headers: bool,
    /// Folder of the web client.
    pub static_dir: PathBuf,
    /// Media (mediasoup) settings.
    pub media: MediaConfig,
    /// Settings every new room starts with.
    pub rooms: RoomDefaults,
    /// Abuse limits.
    pub limits: Limits,
    /// Webhook receivers of room events.
    pub webhooks: WebhookConfig,
}

/// Per-client limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest WebSocket frame accepted; larger closes the socket with 1009.
    pub ws_max_frame_bytes: usize,
    /// Signaling requests per second per socket before `RATE_LIMITED`.
    pub ws_requests_per_sec: u32,
    /// Rate-limited requests in a row after which the socket is closed.
    pub ws_flood_disconnect_after: u32,
    /// Largest REST request body.
    pub rest_max_body_bytes: usize,
    /// Seconds without any frame from a client before its socket is closed.
    pub ws_idle_timeout_secs: u64,
    /// Longest wait, in milliseconds, for a client's socket to take one
    /// frame; a client that stops reading is disconnected after it.
    pub ws_send_timeout_ms: u64,
    /// Open signaling sockets per client IP address at most (0: no limit).
    pub ws_connections_per_ip: usize,
    /// REST requests (`/api/*`) per second per client address, on average
    /// (0: no limit); past it `429 RATE_LIMITED` with `Retry-After`.
    pub rest_requests_per_sec: u32,
    /// REST requests one client address may make at once before the
    /// per-second rate applies.
    pub rest_burst: u32,
    /// Longest time, in milliseconds, a client may take to send a request's
    /// head or a REST request's body; a slower one is answered and cut off.
    pub request_timeout_ms: u64,
    /// Live sign-in challenges held at most, in all; past it new ones are
    /// refused (`RATE_LIMITED`), none is evicted.
    pub challenges_outstanding: usize,
    /// Live sign-in challenges of one wallet at most.
    pub challenges_per_wallet: usize,
    /// Live sign-in challenges asked for from one client address at most.
    pub challenges_per_ip: usize,
    /// Reports one member may file in one room per minute.
    pub reports_per_minute: u32,
    /// New rooms one wallet may start per minute.
    pub rooms_per_minute_per_wallet: u32,
    /// New rooms one client address may start per minute.
    pub rooms_per_minute_per_ip: u32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            http_listen: SocketAddr::from(([0, 0, 0, 0], 3001)),
            public_url: None,
            node_id: None,
            workers: None,
            jwt_secret: None,
            dev: false,
            jwt_ttl_secs: 24 * 3600,
            nonce_ttl_secs: 300,
            auth_domain: None,
            markets_file: None,
            solana_rpc_url: None,
            solana_rpc_timeout_ms: 2000,
            positions_cache_secs: 60,
            redis_url: None,
            registry_heartbeat_secs: 2,
            registry_node_ttl_secs: 6,
            registry_timeout_ms: 1000,
            registry_cpu_threshold_percent: 80.0,
            mongodb_uri: None,
            data_dir: PathBuf::from("./data"),
            metrics_sample_secs: 5,
            shutdown_delay_secs: 5,
            retention_days: 180,
            store_queue_capacity: 10_000,
            stun_urls: Vec::new(),
            turn_urls: Vec::new(),
            turn_secret: None,
            turn_ttl_secs: 24 * 3600,
            allowed_origins: Vec::new(),
            webhooks: WebhookConfig::default(),
            trust_proxy_headers: false,
            static_dir: PathBuf::from("static"),
            media: MediaConfig::default(),
            rooms: RoomDefaults::default(),
            limits: Limits::default(),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            ws_max_frame_bytes: 64 * 1024,
            ws_requests_per_sec: 50,
            ws_flood_disconnect_after: 100,
            rest_max_body_bytes: 16 * 1024,
            ws_idle_timeout_secs: 60,
            ws_send_timeout_ms: 5000,
            ws_connections_per_ip: 32,
            rest_requests_per_sec: 20,
            rest_burst: 100,
            request_timeout_ms: 10_000,
            challenges_outstanding: 100_000,
            challenges_per_wallet: 5,
            challenges_per_ip: 200,
            reports_per_minute: 5,
            rooms_per_minute_per_wallet: 5,
            rooms_per_minute_per_ip: 30,
        }
    }
}

/// A configuration that cannot be used, with the reason.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A TOML file does not parse or has unknown keys.
    #[error("invalid config file {path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// An environment variable holds an unusable value.
    #[error("invalid environment variable {name}={value:?}: {reason}")]
    Env {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// Why it is refused.
        reason: String,
    },
    /// The assembled configuration breaks a rule.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Defaults, then `file` (TOML) and `media_file` if given, then the
    /// process environment; validated. `dev` turns dev mode on (`--dev`).
    pub fn load(
        file: Option<&Path>,
        media_file: Option<&Path>,
        dev: bool,
    ) -> Result<Self, ConfigError> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        Self::load_from(file, media_file, |name| {
            if name == "PNL_VOICE_DEV" && dev {
                return Some("1".into());
            }
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    /// As [`Config::load`], reading variables through `lookup` (for tests).
    pub fn load_from(
        file: Option<&Path>,
        media_file: Option<&Path>,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let mut config = match file {
            Some(path) => parse_toml::<Config>(path)?,
            None => Config::default(),
        };
        if let Some(path) = media_file {
            config.media = parse_toml::<MediaConfig>(path)?;
        }
        env::apply(&mut config, lookup)?;
        config.validate()?;
        Ok(config)
    }

    /// Checks the rules no single field can express.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        if self.workers == Some(0) {
            return invalid("workers must be at least 1".into());
        }
        if let Some(url) = &self.public_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return invalid(format!(
                    "public_url must start with http:// or https://: {url}"
                ));
            }
        }
        if let Some(secret) = &self.jwt_secret {
            if secret.len() < 32 {
                return invalid("jwt_secret must be at least 32 bytes".into());
            }
        }
        if self.registry_heartbeat_secs == 0
            || self.registry_node_ttl_secs <= self.registry_heartbeat_secs
        {
            return invalid(
                "registry_node_ttl_secs must exceed registry_heartbeat_secs (>= 1)".into(),
            );
        }
        if self.jwt_ttl_secs == 0 || self.nonce_ttl_secs == 0 {
            return invalid("jwt_ttl_secs and nonce_ttl_secs must be positive".into());
        }
        if self.jwt_secret.is_none() && !self.dev {
            return invalid(
                "PNL_VOICE_JWT_SECRET is required (at least 32 bytes); run with --dev \
                 (PNL_VOICE_DEV=1) for a local server signing with a random key"
                    .into(),
            );
        }
        if self.redis_url.is_some() && self.jwt_secret.is_none() {
            return invalid(
                "REDIS_URL needs PNL_VOICE_JWT_SECRET: every node must accept every node's tokens"
                    .into(),
            );
        }
        if let Some(urls) = self
            .redis_url
            .as_deref()
            .and_then(crate::registry::cluster_urls)
        {
            if urls.is_empty() {
                return invalid(
                    "REDIS_URL redis+cluster:// names no node (host:port,host:port)".into(),
                );
            }
        }
        if self
            .node_id
            .as_deref()
            .is_some_and(|id| id.contains(['{', '}']))
        {
            return invalid(
                "node_id may not contain braces: they delimit the node's Redis hash tag".into(),
            );
        }
        if self.metrics_sample_secs == 0 {
            return invalid("metrics_sample_secs must be at least 1".into());
        }
        if self.store_queue_capacity == 0 {
            return invalid("store_queue_capacity must be at least 1".into());
        }
        if !self.turn_urls.is_empty() && self.turn_secret.is_none() {
            return invalid("turn_urls needs turn_secret (TURN_SECRET)".into());
        }
        let r = &self.rooms;
        if r.max_participants == 0 || r.max_participants > crate::rooms::MAX_PARTICIPANTS_CAP {
            return invalid(format!(
                "rooms.max_participants must be 1..={}",
                crate::rooms::MAX_PARTICIPANTS_CAP
            ));
        }
        if r.destroy_after_minutes > crate::rooms::MAX_DESTROY_AFTER_MINUTES {
            return invalid("rooms.destroy_after_minutes is at most 1440".into());
        }
        if r.reservation_share_percent > 100 || r.reservation_secs == 0 {
            return invalid(
                "rooms.reservation_share_percent is at most 100 and reservation_secs positive"
                    .into(),
            );
        }
        if r.churn_max_joins == 0 || r.churn_window_secs == 0 {
            return invalid("rooms.churn_max_joins and churn_window_secs must be positive".into());
        }
        if r.invitation_secs == 0 {
            return invalid("rooms.invitation_secs must be positive".into());
        }
        if self.limits.ws_send_timeout_ms == 0 || self.limits.ws_idle_timeout_secs == 0 {
            return invalid(
                "limits: ws_send_timeout_ms and ws_idle_timeout_secs must be positive".into(),
            );
        }
        if self.limits.ws_requests_per_sec == 0 || self.limits.ws_max_frame_bytes < 1024 {
            return invalid(
                "limits: ws_requests_per_sec >= 1 and ws_max_frame_bytes >= 1024".into(),
            );
        }
        let l = &self.limits;
        if l.request_timeout_ms == 0 {
            return invalid("limits: request_timeout_ms must be positive".into());
        }
        if l.challenges_outstanding == 0 || l.challenges_per_wallet == 0 || l.challenges_per_ip == 0
        {
            return invalid("limits: the challenges_* limits must be positive".into());
        }
        if l.rest_requests_per_sec > 0 && l.rest_burst == 0 {
            return invalid("limits: rest_burst must be positive".into());
        }
        for origin in &self.allowed_origins {
            if !(origin.starts_with("http://") || origin.starts_with("https://")) {
                return invalid(format!(
                    "allowed origin must be http(s)://host[:port]: {origin}"
                ));
            }
        }
        if let Some(problem) = self.webhooks.problem() {
            return invalid(problem);
        }
        self.media.validate().map_err(ConfigError::Invalid)
    }

    /// Number of mediasoup workers to start.
    pub fn worker_count(&self) -> usize {
        self.workers.unwrap_or_else(num_cpus::get).max(1)
    }

    /// This node's id: configured, else host name and port.
    pub fn node_id(&self) -> String {
        self.node_id.clone().unwrap_or_else(|| {
            let host = hostname::get()
                .map(|h| h.to_string_lossy().into_owned())
                .unwrap_or_else(|_| "node".into());
            format!("{host}:{}", self.http_listen.port())
        })
    }

    /// Base URL of this node, as clients reach it.
    pub fn public_url(&self, bound: SocketAddr) -> String {
        if let Some(url) = &self.public_url {
            return url.trim_end_matches('/').to_string();
        }
        let ip = match bound.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
            ip => ip,
        };
        format!("http://{}", SocketAddr::new(ip, bound.port()))
    }
}

fn parse_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests;
