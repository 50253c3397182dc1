//! The application: configuration and the services every request path uses.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use rand::RngCore;

use crate::auth::Auth;
use crate::config::Config;
use crate::hub::{Hub, NodeIdentity, Placement};
use crate::ledger::{EmbeddedLedger, LedgerBackend, ModerationLedger, RedisLedger};
use crate::media::WorkerPool;
use crate::positions::{MarketSource, SolanaRpcMarkets, StaticMarkets};
use crate::registry::{MemoryRegistry, RedisConnection, RedisRegistry, Registry};
use crate::signaling::{SignalingContext, Sockets};
use crate::store::Recorder;
use crate::telemetry::sampler::{Levels, Sampled, StreamQuality, WorkerLevels};
use crate::turn::IceServers;
use crate::webhooks;

/// Longest wait for sockets to close on shutdown.
const SOCKETS_CLOSE_WAIT: Duration = Duration::from_secs(3);

/// Shared state of one server node.
pub struct App {
    /// The configuration it runs with.
    pub config: Config,
    /// Wallet sign-in and JWTs.
    pub auth: Auth,
    /// Running rooms.
    pub hub: Arc<Hub>,
    /// Market facts (title, founder) for answers about rooms not joined.
    pub markets: Arc<dyn MarketSource>,
    /// STUN/TURN for clients.
    pub ice: IceServers,
    /// This node's id.
    pub node_id: String,
    /// This node's base URL (`http(s)://host:port`).
    pub public_url: String,
    /// HTTP client for calls to other nodes.
    pub http: reqwest::Client,
    /// Open signaling sockets.
    pub sockets: Sockets,
    /// Renders `/metrics`.
    pub metrics: metrics_exporter_prometheus::PrometheusHandle,
    /// What signaling sessions get of the node (the hub, limits, ICE).
    pub signaling: Arc<SignalingContext>,
    /// This node's webhook sender, when webhooks are configured.
    webhooks: Option<webhooks::sender::SenderHandle>,
}

/// A failure to start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Market data could not be loaded.
    #[error("{0}")]
    Markets(String),
    /// The registry is misconfigured.
    #[error("registry: {0}")]
    Registry(String),
    /// mediasoup could not start.
    #[error("{0}")]
    Media(#[from] crate::media::MediaError),
    /// The record store could not be opened.
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
}

impl App {
    /// Starts the workers and builds the services; `bound` is the listening
    /// address (its port may have been chosen by the OS).
    pub async fn start(
        config: Config,
        bound: std::net::SocketAddr,
        runtime: tokio::runtime::Handle,
    ) -> Result<Arc<Self>, StartError> {
        let metadata = match &config.markets_file {
            Some(path) => StaticMarkets::load(path).map_err(StartError::Markets)?,
            None => StaticMarkets::empty(),
        };
        let markets: Arc<dyn MarketSource> = match &config.solana_rpc_url {
            Some(url) => Arc::new(SolanaRpcMarkets::new(
                url.clone(),
                metadata,
                Duration::from_millis(config.solana_rpc_timeout_ms),
                Duration::from_secs(config.positions_cache_secs),
            )),
            None => Arc::new(metadata),
        };
        let pool = WorkerPool::start(config.media.clone(), config.worker_count(), &runtime).await?;
        let public_url = config.public_url(bound);
        let timeout = Duration::from_millis(config.registry_timeout_ms);
        let redis = match &config.redis_url {
            Some(url) => Some(
                RedisConnection::open(url, timeout)
                    .map_err(|e| StartError::Registry(e.to_string()))?,
            ),
            None => None,
        };
        let registry: Arc<dyn Registry> = match &redis {
            Some(redis) => Arc::new(RedisRegistry::new(redis.clone())),
            None => Arc::new(MemoryRegistry::default()),
        };
        let placement = Placement {
            registry,
            me: NodeIdentity {
                node_id: config.node_id(),
                ws_url: ws_url(&public_url),
                http_url: public_url.clone(),
            },
            cpu_threshold: config.registry_cpu_threshold_percent,
            cpu: Default::default(),
        };
        let store = crate::store::open(&config).await?;
        tracing::info!(store = store.kind(), "record store");
        let ledger: Arc<dyn LedgerBackend> = match redis {
            Some(redis) => Arc::new(RedisLedger::new(redis)),
            None => Arc::new(EmbeddedLedger::new(store.clone())),
        };
        let ledger = Arc::new(ModerationLedger::new(
            ledger,
            config.rooms.policy(),
            crate::hub::JOIN_INTERVAL,
            timeout,
        ));
        tracing::info!(ledger = ledger.kind(), "moderation ledger");
        let recorder = Recorder::start(
            store.clone(),
            config.store_queue_capacity,
            config.retention_days,
            &runtime,
        )
        .with_webhooks(&config.webhooks.urls);
        let webhooks = config.webhooks.enabled().then(|| {
            webhooks::sender::start(
                webhooks::sender::SenderSetup {
                    store,
                    config: config.webhooks.clone(),
                    node_id: config.node_id(),
                },
                &runtime,
            )
        });
        let hub = Hub::new(
            pool,
            markets.clone(),
            config.rooms.clone(),
            placement,
            recorder,
            ledger,
            runtime.clone(),
        );
        hub.start_heartbeat(
            Duration::from_secs(config.registry_heartbeat_secs),
            Duration::from_secs(config.registry_node_ttl_secs),
        )
        .await;
        let secret = match &config.jwt_secret {
            Some(secret) => secret.as_bytes().to_vec(),
            None => {
                tracing::warn!("PNL_VOICE_JWT_SECRET not set: using a random key; tokens die with this process");
                let mut key = vec![0u8; 32];
                rand::thread_rng().fill_bytes(&mut key);
                key
            }
        };
        let domain = config.auth_domain.clone().unwrap_or_else(|| {
            public_url
                .split("://")
                .nth(1)
                .unwrap_or("localhost")
                .to_string()
        });
        let challenges = crate::auth::ChallengeLimits {
            total: config.limits.challenges_outstanding,
            per_wallet: config.limits.challenges_per_wallet,
            per_client: config.limits.challenges_per_ip,
        };
        let auth = Auth::with_limits(
            domain,
            &secret,
            config.nonce_ttl_secs,
            config.jwt_ttl_secs,
            challenges,
        );
        let ice = IceServers {
            stun_urls: config.stun_urls.clone(),
            turn_urls: config.turn_urls.clone(),
            turn_secret: config.turn_secret.clone(),
            turn_ttl_secs: config.turn_ttl_secs,
        };
        let metrics = crate::telemetry::install();
        let sample_every = Duration::from_secs(config.metrics_sample_secs);
        let signaling = Arc::new(SignalingContext::new(
            hub.clone(),
            config.limits.clone(),
            ice.clone(),
            ws_url(&public_url),
        ));
        let app = Arc::new(Self {
            node_id: config.node_id(),
            config,
            auth,
            hub,
            markets,
            ice,
            public_url,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .expect("HTTP client builds"),
            sockets: Sockets::default(),
            metrics,
            signaling,
            webhooks,
        });
        let sampled: Weak<dyn Sampled> = Arc::downgrade(&app) as Weak<dyn Sampled>;
        crate::telemetry::sampler::start(sampled, sample_every, &runtime);
        crate::readiness::watch(Arc::downgrade(&app.hub), sample_every, &runtime);
        Ok(app)
    }

    /// Graceful shutdown of the node's state: no new rooms, every room
    /// closes with `server_shutdown` (clients rejoin elsewhere), every socket
    /// sends what it has queued and closes, the records queued so far reach
    /// the store within `within`, and the node leaves the registry.
    pub async fn shut_down(&self, within: Duration) {
        self.hub
            .shut_down("server_shutdown", SOCKETS_CLOSE_WAIT)
            .await;
        if !self.sockets.close_all(SOCKETS_CLOSE_WAIT).await {
            tracing::warn!(open = self.sockets.open(), "sockets still open at shutdown");
        }
        let recorder = self.hub.recorder();
        if !recorder.flush(within).await {
            tracing::error!(
                lost = recorder.stats().queued,
                "the store did not take every queued record before shutdown"
            );
        }
        // Events still in the outbox go out from the next start or another node.
        if let Some(sender) = &self.webhooks {
            sender.stop();
        }
        self.hub.deregister().await;
    }

    /// The longest [`App::shut_down`] takes given `within` for the store:
    /// the rooms' and the sockets' waits, the store's, and the registry's
    /// last call (bounded by `registry_timeout_ms`).
    pub fn shut_down_bound(config: &Config, within: Duration) -> Duration {
        SOCKETS_CLOSE_WAIT * 2 + within + Duration::from_millis(config.registry_timeout_ms)
    }

    /// The WebSocket URL clients connect to on this node.
    pub fn ws_url(&self) -> String {
        ws_url(&self.public_url)
    }
}

/// The WebSocket URL of a node whose HTTP base URL is `public_url`.
fn ws_url(public_url: &str) -> String {
    let base = public_url
        .replacen("https://", "wss://", 1)
        .replacen("http://", "ws://", 1);
    format!("{base}/ws")
}

/// What the metrics sampler reads of the node: given to telemetry, so that
/// telemetry imports none of the modules that count into it.
impl Sampled for App {
    fn levels(&self) -> Levels {
        let totals = self.hub.totals();
        Levels {
            rooms: totals.rooms,
            users: totals.counts.members,
            sockets: self.sockets.open(),
            store_queue: self.hub.recorder().stats().queued,
            workers: self
                .hub
                .pool()
                .workers()
                .into_iter()
                .map(|slot| WorkerLevels {
                    index: slot.index,
                    rooms: slot.rooms.load(Ordering::Relaxed),
                    users: slot.participants.load(Ordering::Relaxed),
                    thread: slot.thread,
                    io_uring: slot.io_uring,
                })
                .collect(),
        }
    }

    fn quality(
        &self,
        first_room: usize,
        budget: usize,
    ) -> BoxFuture<'_, (Vec<StreamQuality>, usize)> {
        self.hub.quality(first_room, budget).boxed()
    }
}
