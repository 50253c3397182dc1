//! A node's webhook sender: leases due deliveries from the store's outbox,
//! signs and posts them, and records each outcome.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;

use super::backoff::{next_attempt, Backoff};
use crate::config::WebhookConfig;
use crate::server_api::{signature_header, SIGNATURE_HEADER};
use crate::store::{Delivery, DeliveryOutcome, Store};

/// How often the outbox is looked at when it had nothing due.
const IDLE_POLL: Duration = Duration::from_millis(250);
/// Longest pause after the store failed.
const STORE_RETRY_MAX: Duration = Duration::from_secs(5);
/// Deliveries leased at once.
const BATCH: usize = 16;

/// What a sender needs.
pub struct SenderSetup {
    /// The outbox.
    pub store: Arc<dyn Store>,
    /// URLs, secret and retry settings.
    pub config: WebhookConfig,
    /// The lease owner's name: this node's id.
    pub node_id: String,
}

/// Stops the sender when told to or when dropped (with the node's `App`);
/// a delivery under way finishes first (bounded by the receiver timeout).
pub struct SenderHandle {
    stop: watch::Sender<bool>,
}

impl SenderHandle {
    /// Stops taking deliveries.
    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }
}

/// Starts the sender on `runtime`.
pub fn start(setup: SenderSetup, runtime: &tokio::runtime::Handle) -> SenderHandle {
    let (stop, stopped) = watch::channel(false);
    runtime.spawn(run(setup, stopped));
    SenderHandle { stop }
}

async fn run(setup: SenderSetup, mut stopped: watch::Receiver<bool>) {
    let config = &setup.config;
    let timeout = Duration::from_millis(config.timeout_ms);
    let client = reqwest::Client::builder()
        .timeout(timeout)
        // A receiver that moved says so in its settings, not with a
        // redirect that would take signed events elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("pnl-voice-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("HTTP client builds");
    let backoff = Backoff {
        first: Duration::from_millis(config.retry_first_ms),
        max: Duration::from_secs(config.retry_max_secs),
        max_attempts: config.max_attempts,
    };
    // Long enough for a batch posted one by one, each within the timeout.
    let lease = chrono::Duration::from_std(timeout * (BATCH as u32 + 1)).expect("lease fits");
    let secret = config.secret.clone().unwrap_or_default().into_bytes();
    let mut store_pause = IDLE_POLL;
    loop {
        if *stopped.borrow() {
            break;
        }
        let now = Utc::now();
        let pause = match setup
            .store
            .claim_deliveries(&setup.node_id, now, now + lease, BATCH)
            .await
        {
            Ok(batch) if batch.is_empty() => IDLE_POLL,
            Ok(batch) => {
                store_pause = IDLE_POLL;
                for delivery in batch {
                    let outcome = if *stopped.borrow() {
                        // Handed back at once, for the next start or another node.
                        DeliveryOutcome::Retry {
                            at: Utc::now(),
                            error: "the sending node stopped".into(),
                        }
                    } else {
                        attempt(&client, &secret, &delivery, &backoff).await
                    };
                    if let Err(e) = setup
                        .store
                        .settle_delivery(&delivery, &setup.node_id, &outcome)
                        .await
                    {
                        tracing::warn!(event = %delivery.event_id, error = %e, "webhook outcome not recorded; the delivery will be retried");
                    }
                }
                Duration::ZERO
            }
            Err(e) => {
                tracing::warn!(error = %e, "webhook outbox unavailable");
                store_pause = (store_pause * 2).min(STORE_RETRY_MAX);
                store_pause
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            changed = stopped.changed() => if changed.is_err() { break },
        }
    }
}

/// Posts `delivery` once and says what became of it.
async fn attempt(
    client: &reqwest::Client,
    secret: &[u8],
    delivery: &Delivery,
    backoff: &Backoff,
) -> DeliveryOutcome {
    let signature = signature_header(secret, Utc::now().timestamp(), delivery.body.as_bytes());
    let sent = client
        .post(&delivery.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature)
        .header("X-PNL-Event-Id", &delivery.event_id)
        .body(delivery.body.clone())
        .send()
        .await;
    let error = match sent {
        Ok(response) if response.status().is_success() => {
            crate::telemetry::webhook_delivery("delivered");
            return DeliveryOutcome::Delivered;
        }
        Ok(response) => format!("receiver answered {}", response.status()),
        Err(e) => format!("receiver unreachable: {e}"),
    };
    match next_attempt(backoff, delivery.attempts + 1) {
        Some(pause) => {
            crate::telemetry::webhook_delivery("retried");
            tracing::debug!(event = %delivery.event_id, url = %delivery.url, %error, "webhook delivery failed; retrying");
            DeliveryOutcome::Retry {
                at: Utc::now() + chrono::Duration::from_std(pause).unwrap_or_default(),
                error,
            }
        }
        None => {
            crate::telemetry::webhook_delivery("given_up");
            tracing::warn!(event = %delivery.event_id, url = %delivery.url, %error, "webhook delivery given up");
            DeliveryOutcome::GiveUp { error }
        }
    }
}
