//! mediasoup workers, one per core by default. A router for a new room goes
//! to the least-loaded worker; a worker that dies is replaced in its slot.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use mediasoup::prelude::*;
use mediasoup::types::data_structures::Protocol;
use mediasoup::worker::{CreateRouterError, WorkerId};
use parking_lot::Mutex;
use tokio::sync::{broadcast, mpsc};

use super::MediaError;
use crate::config::MediaConfig;

/// One worker and what runs on it.
#[derive(Clone)]
pub struct WorkerSlot {
    /// Position in the pool (also the WebRtcServer port offset).
    pub index: usize,
    /// The worker.
    pub worker: Worker,
    /// The worker's WebRtcServer, in single-port mode.
    pub webrtc_server: Option<WebRtcServer>,
    /// Participants in rooms on this worker (the load measure).
    pub participants: Arc<AtomicUsize>,
    /// Rooms on this worker.
    pub rooms: Arc<AtomicUsize>,
    /// The worker's thread id, when it could be told apart (for its CPU use).
    pub thread: Option<i32>,
    /// Whether the worker sends through io_uring (asked from the worker once
    /// it runs: it falls back to libuv when io_uring cannot be set up).
    pub io_uring: bool,
}

/// The process's mediasoup workers.
pub struct WorkerPool {
    manager: WorkerManager,
    config: MediaConfig,
    slots: Mutex<Vec<Option<WorkerSlot>>>,
    deaths: mpsc::UnboundedSender<usize>,
    lost: broadcast::Sender<WorkerId>,
}

impl WorkerPool {
    /// Starts `count` workers, and a task on `runtime` that replaces any
    /// that dies.
    pub async fn start(
        config: MediaConfig,
        count: usize,
        runtime: &tokio::runtime::Handle,
    ) -> Result<Arc<Self>, MediaError> {
        let (deaths, mut dead_rx) = mpsc::unbounded_channel();
        let pool = Arc::new(Self {
            manager: WorkerManager::new(),
            config,
            slots: Mutex::new(vec![None; count]),
            deaths,
            lost: broadcast::channel(64).0,
        });
        for index in 0..count {
            let slot = pool.spawn(index).await?;
            pool.slots.lock()[index] = Some(slot);
        }
        let weak = Arc::downgrade(&pool);
        runtime.spawn(async move {
            while let Some(index) = dead_rx.recv().await {
                let Some(pool) = weak.upgrade() else { break };
                pool.replace(index).await;
            }
        });
        Ok(pool)
    }

    async fn spawn(&self, index: usize) -> Result<WorkerSlot, MediaError> {
        let mut settings = WorkerSettings::default();
        settings.log_level = self.config.worker_log_level().map_err(MediaError::Worker)?;
        settings.log_tags = self.config.worker_log_tags().map_err(MediaError::Worker)?;
        settings.rtc_port_range = self.config.rtc_min_port..=self.config.rtc_max_port;
        settings.enable_liburing = self.config.io_uring;
        let threads_before = crate::cpu::worker_threads();
        let worker = self
            .manager
            .create_worker(settings)
            .await
            .map_err(|e| MediaError::Worker(format!("cannot start worker {index}: {e}")))?;
        let new_threads: Vec<i32> = crate::cpu::worker_threads()
            .difference(&threads_before)
            .copied()
            .collect();
        let thread = match new_threads[..] {
            [tid] => Some(tid),
            _ => None,
        };
        let deaths = self.deaths.clone();
        worker
            .on_dead(move |result| {
                tracing::error!(worker = index, ?result, "mediasoup worker died");
                let _ = deaths.send(index);
            })
            .detach();
        let webrtc_server = match self.config.webrtc_server_port {
            Some(base) => Some(self.webrtc_server(&worker, base, index).await?),
            None => None,
        };
        let io_uring = worker
            .dump()
            .await
            .map_err(|e| MediaError::Worker(format!("worker {index} dump: {e}")))?
            .liburing
            .is_some();
        if self.config.io_uring && !io_uring {
            tracing::warn!(
                worker = index,
                "io_uring could not be set up (kernel older than 6, or forbidden by a \
                 seccomp profile): the worker sends through libuv"
            );
        }
        tracing::info!(worker = index, id = %worker.id(), io_uring, "mediasoup worker started");
        Ok(WorkerSlot {
            index,
            worker,
            webrtc_server,
            participants: Arc::new(AtomicUsize::new(0)),
            rooms: Arc::new(AtomicUsize::new(0)),
            thread,
            io_uring,
        })
    }

    async fn webrtc_server(
        &self,
        worker: &Worker,
        base: u16,
        index: usize,
    ) -> Result<WebRtcServer, MediaError> {
        let port = base.checked_add(index as u16).ok_or_else(|| {
            MediaError::Worker("webrtc_server_port + worker index overflows".into())
        })?;
        let info = |protocol| self.config.listen(protocol, Some(port));
        let mut infos = WebRtcServerListenInfos::new(info(Protocol::Udp));
        if self.config.enable_tcp {
            infos = infos.insert(info(Protocol::Tcp));
        }
        worker
            .create_webrtc_server(WebRtcServerOptions::new(infos))
            .await
            .map_err(|e| MediaError::Worker(format!("WebRtcServer on port {port}: {e}")))
    }

    /// Ids of workers that died (or were recycled), as they are replaced:
    /// the rooms on them are gone.
    pub fn subscribe_lost(&self) -> broadcast::Receiver<WorkerId> {
        self.lost.subscribe()
    }

    /// Replaces the worker of slot `index` with a new one, as the pool does
    /// by itself when a worker dies; subscribers learn that its rooms are gone.
    pub fn recycle(&self, index: usize) {
        let _ = self.deaths.send(index);
    }

    /// Replaces the dead worker of slot `index`, retrying until it starts.
    async fn replace(&self, index: usize) {
        let Some(old) = self.slots.lock().get_mut(index).and_then(Option::take) else {
            return;
        };
        let _ = self.lost.send(old.worker.id());
        drop(old);
        let mut delay = Duration::from_millis(100);
        loop {
            match self.spawn(index).await {
                Ok(slot) => {
                    self.slots.lock()[index] = Some(slot);
                    tracing::info!(worker = index, "mediasoup worker replaced");
                    return;
                }
                Err(e) => {
                    tracing::error!(worker = index, error = %e, "cannot replace worker; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(10));
                }
            }
        }
    }

    /// The least-loaded live worker but those in `exclude`.
    pub fn pick_except(&self, exclude: &[WorkerId]) -> Option<WorkerSlot> {
        self.slots
            .lock()
            .iter()
            .flatten()
            .filter(|s| !s.worker.closed() && !exclude.contains(&s.worker.id()))
            .min_by_key(|s| {
                (
                    s.participants.load(Ordering::Relaxed),
                    s.rooms.load(Ordering::Relaxed),
                )
            })
            .cloned()
    }

    /// The least-loaded live worker, where a new room should go.
    pub fn pick(&self) -> Result<WorkerSlot, MediaError> {
        self.least_loaded().ok_or(MediaError::NoWorker)
    }

    /// A router with the configured codecs on `slot`'s worker.
    pub async fn create_router(&self, slot: &WorkerSlot) -> Result<Router, MediaError> {
        slot.worker
            .create_router(RouterOptions::new(self.config.codecs.clone()))
            .await
            .map_err(|e| match e {
                CreateRouterError::Request(source) => MediaError::Request {
                    what: "create router",
                    source,
                },
                other => MediaError::Worker(other.to_string()),
            })
    }

    fn least_loaded(&self) -> Option<WorkerSlot> {
        self.slots
            .lock()
            .iter()
            .flatten()
            .filter(|s| !s.worker.closed())
            .min_by_key(|s| {
                (
                    s.participants.load(Ordering::Relaxed),
                    s.rooms.load(Ordering::Relaxed),
                )
            })
            .cloned()
    }

    /// The live workers.
    pub fn workers(&self) -> Vec<WorkerSlot> {
        self.slots
            .lock()
            .iter()
            .flatten()
            .filter(|s| !s.worker.closed())
            .cloned()
            .collect()
    }

    /// The media settings the pool runs with.
    pub fn config(&self) -> &MediaConfig {
        &self.config
    }
}
