//! The write path to the store: a bounded queue in front of one writer task
//! that applies writes in batches, retries while the store is down, and
//! acknowledges flushes once everything queued before them is written.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use parking_lot::Mutex;
use serde::Serialize;
use tokio::sync::{mpsc, oneshot};

use super::{Store, Write};
use crate::address::Address;
use crate::rooms::RoomEvent;
use crate::server_api::{WebhookEvent, WebhookEventType};

/// Most writes applied in one batch.
const MAX_BATCH: usize = 256;
/// First and longest pause between attempts while the store fails.
const RETRY_FIRST: Duration = Duration::from_millis(200);
const RETRY_MAX: Duration = Duration::from_secs(5);
/// Shortest time between two "queue full" warnings.
const WARN_EVERY: Duration = Duration::from_secs(10);
/// How often old records are purged.
const PURGE_EVERY: Duration = Duration::from_secs(3600);

enum Msg {
    Write(Write),
    Flush(oneshot::Sender<()>),
}

#[derive(Default)]
struct Counters {
    written: AtomicU64,
    dropped: AtomicU64,
    failures: AtomicU64,
    last_warning: Mutex<Option<Instant>>,
}

/// Figures of the write path (for `/health` and metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecorderStats {
    /// Writes waiting.
    pub queued: usize,
    /// The queue's bound.
    pub capacity: usize,
    /// Writes applied since start.
    pub written: u64,
    /// Writes dropped because the queue was full.
    pub dropped: u64,
    /// Failed store attempts (each retried).
    pub failures: u64,
}

/// The handle every part of the node records through. Cheap to clone.
#[derive(Clone)]
pub struct Recorder {
    store: Arc<dyn Store>,
    tx: mpsc::Sender<Msg>,
    counters: Arc<Counters>,
    /// Where webhook events go (none: they are not recorded).
    webhook_urls: Arc<[String]>,
}

impl Recorder {
    /// Starts the writer task on `runtime` with a queue of `capacity`, and
    /// a purge of records older than `retention_days` (0: keep forever).
    pub fn start(
        store: Arc<dyn Store>,
        capacity: usize,
        retention_days: u32,
        runtime: &tokio::runtime::Handle,
    ) -> Self {
        let (tx, rx) = mpsc::channel(capacity);
        let counters = Arc::new(Counters::default());
        runtime.spawn(write_loop(store.clone(), rx, counters.clone()));
        let recorder = Self {
            store,
            tx,
            counters,
            webhook_urls: Arc::new([]),
        };
        if retention_days > 0 {
            let purger = recorder.clone();
            let keep = chrono::Duration::days(i64::from(retention_days));
            runtime.spawn(async move {
                let mut every = tokio::time::interval(PURGE_EVERY);
                loop {
                    every.tick().await;
                    if purger.tx.is_closed() {
                        break;
                    }
                    purger.record(Write::Purge {
                        before: Utc::now() - keep,
                    });
                }
            });
        }
        recorder
    }

    /// The same recorder, also putting webhook events for `urls` in the
    /// store's outbox.
    pub fn with_webhooks(mut self, urls: &[String]) -> Self {
        self.webhook_urls = urls.into();
        self
    }

    /// Queues a webhook event of `market`'s room that happened now (with
    /// the room's other records, so it is as durable as they are).
    pub fn webhook(&self, market: &Address, kind: WebhookEventType) {
        if self.webhook_urls.is_empty() {
            return;
        }
        let at = Utc::now();
        let event = WebhookEvent::new(market, kind, at);
        self.record(Write::Webhook {
            event_id: event.id.clone(),
            body: serde_json::to_string(&event).expect("an event serializes"),
            created_at: at,
            urls: self.webhook_urls.to_vec(),
        });
    }

    /// Queues the webhook events among `events` of `market`'s room.
    pub fn webhooks_of(&self, market: &Address, events: &[RoomEvent]) {
        if self.webhook_urls.is_empty() {
            return;
        }
        for kind in events.iter().filter_map(WebhookEventType::of_room_event) {
            self.webhook(market, kind);
        }
    }

    /// The store, for reads.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Queues `write` without waiting. A full queue drops it, counts it and
    /// warns (at most every few seconds).
    pub fn record(&self, write: Write) {
        if self.tx.try_send(Msg::Write(write)).is_err() {
            let dropped = self.counters.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            crate::telemetry::store_dropped();
            let mut last = self.counters.last_warning.lock();
            if last.is_none_or(|t| t.elapsed() >= WARN_EVERY) {
                *last = Some(Instant::now());
                tracing::warn!(
                    dropped,
                    capacity = self.tx.max_capacity(),
                    store = self.store.kind(),
                    "record queue full: the store is not keeping up or is down; records dropped"
                );
            }
        }
    }

    /// Waits until everything queued so far is written, for at most
    /// `within`. Returns whether it was.
    pub async fn flush(&self, within: Duration) -> bool {
        let (ack, done) = oneshot::channel();
        tokio::time::timeout(within, async {
            self.tx.send(Msg::Flush(ack)).await.is_ok() && done.await.is_ok()
        })
        .await
        .unwrap_or(false)
    }

    /// Figures of the write path.
    pub fn stats(&self) -> RecorderStats {
        let capacity = self.tx.max_capacity();
        RecorderStats {
            queued: capacity - self.tx.capacity(),
            capacity,
            written: self.counters.written.load(Ordering::Relaxed),
            dropped: self.counters.dropped.load(Ordering::Relaxed),
            failures: self.counters.failures.load(Ordering::Relaxed),
        }
    }
}

async fn write_loop(store: Arc<dyn Store>, mut rx: mpsc::Receiver<Msg>, counters: Arc<Counters>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut acks = Vec::new();
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            match msg {
                Msg::Write(w) => batch.push(w),
                Msg::Flush(ack) => acks.push(ack),
            }
            if batch.len() < MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
        let mut pause = RETRY_FIRST;
        while !batch.is_empty() {
            match store.apply(&batch).await {
                Ok(()) => {
                    counters
                        .written
                        .fetch_add(batch.len() as u64, Ordering::Relaxed);
                    batch.clear();
                }
                Err(e) => {
                    counters.failures.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(error = %e, pending = batch.len(), "store write failed; retrying");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(RETRY_MAX);
                }
            }
        }
        for ack in acks.drain(..) {
            let _ = ack.send(());
        }
    }
}
