//! Who is speaking: mediasoup's AudioLevelObserver (levels about 4 times a
//! second, for speaking time and the set of audible speakers) and
//! ActiveSpeakerObserver (the dominant speaker).
//!
//! Members are told only of changes (`voice:speaking`, `voice:active_speaker`),
//! never of each level report: a report to every member would cost a socket
//! frame per member 4 times a second, growing with the audience. Clients
//! read the levels they draw from the RTP they receive (`ssrc-audio-level`).
//!
//! mediasoup calls the observers' handlers on its worker thread while it
//! holds the lock of that worker's handler table, which every mediasoup
//! object of the worker takes when it is created or dropped. So the
//! handlers here only `try_send` a [`Finding`] to a bounded queue that the
//! room's task reads (`task.rs`); they reach no lock of ours, and a full
//! queue drops the finding (the next report replaces it a quarter of a
//! second later).
//!
//! The same lookup makes producers [`Watched`]: mediasoup turns the ids of
//! each report into producers on its worker thread, under that lock, so the
//! last reference to a producer must never be dropped while a report could
//! still name it. The room's task retires a watched producer with
//! [`Watched::retire`], a child future it polls: out of both observers
//! first, dropped after.

use std::num::NonZeroU16;
use std::ops::Deref;
use std::time::Instant;

use mediasoup::prelude::*;
use tokio::sync::mpsc;

use crate::media::MediaError;

/// Level report interval, in milliseconds.
const LEVEL_INTERVAL_MS: u16 = 250;
/// The level report interval.
pub(super) const INTERVAL: std::time::Duration =
    std::time::Duration::from_millis(LEVEL_INTERVAL_MS as u64);
/// Quietest level (dBov) that counts as speaking.
const SPEAKING_THRESHOLD: i8 = -60;
/// Findings queued for a room at most; more are dropped, as the next report
/// replaces them a quarter of a second later.
const FINDINGS_CAPACITY: usize = 64;

/// What the observers reported, on its way from mediasoup's thread to the
/// room's task.
#[derive(Debug)]
pub(super) enum Finding {
    /// Producers above the threshold, reported at `at`.
    Heard {
        at: Instant,
        producers: Vec<ProducerId>,
    },
    /// Nobody above the threshold any more.
    Silence,
    /// The producer that now dominates.
    Dominant(ProducerId),
}

/// The observers of one room's router.
#[derive(Clone)]
pub(in crate::hub) struct Observers {
    levels: AudioLevelObserver,
    dominant: ActiveSpeakerObserver,
}

impl Observers {
    /// Creates both observers on `router`; their findings arrive on the
    /// returned queue.
    pub(super) async fn create(
        router: &Router,
    ) -> Result<(Self, mpsc::Receiver<Finding>), MediaError> {
        let mut options = AudioLevelObserverOptions::default();
        options.max_entries = NonZeroU16::new(16).expect("non-zero");
        options.threshold = SPEAKING_THRESHOLD;
        options.interval = LEVEL_INTERVAL_MS;
        let levels = router
            .create_audio_level_observer(options)
            .await
            .map_err(MediaError::request("create audio level observer"))?;
        let dominant = router
            .create_active_speaker_observer(ActiveSpeakerObserverOptions::default())
            .await
            .map_err(MediaError::request("create active speaker observer"))?;
        let observers = Self { levels, dominant };
        let findings = observers.listen();
        Ok((observers, findings))
    }

    /// Installs the handlers: each only `try_send`s (rule 1 in
    /// docs/architecture.md).
    fn listen(&self) -> mpsc::Receiver<Finding> {
        let (tx, rx) = mpsc::channel(FINDINGS_CAPACITY);
        let post = move |finding| {
            let _ = tx.try_send(finding);
        };
        let to_room = post.clone();
        self.levels
            .on_volumes(move |volumes| {
                to_room(Finding::Heard {
                    at: Instant::now(),
                    producers: volumes.iter().map(|v| v.producer.id()).collect(),
                });
            })
            .detach();
        let to_room = post.clone();
        self.levels
            .on_silence(move || to_room(Finding::Silence))
            .detach();
        self.dominant
            .on_dominant_speaker(move |dominant| post(Finding::Dominant(dominant.producer.id())))
            .detach();
        rx
    }

    /// Starts observing a new producer.
    pub(in crate::hub) async fn watch(&self, producer: Producer) -> Watched {
        let options = || RtpObserverAddProducerOptions::new(producer.id());
        if let Err(e) = self.levels.add_producer(options()).await {
            tracing::warn!(error = %e, "audio level observer refused a producer");
        }
        if let Err(e) = self.dominant.add_producer(options()).await {
            tracing::warn!(error = %e, "active speaker observer refused a producer");
        }
        Watched {
            producer,
            observers: self.clone(),
        }
    }
}

/// A producer the room's observers watch. It has no drop magic: the room's
/// task retires it with [`Watched::retire`] (a child future it polls), which
/// takes the producer out of the observers before dropping it. Had a
/// report's lookup on the worker thread held the last reference, dropping
/// it there would take the handler table lock again and hang the worker.
pub struct Watched {
    producer: Producer,
    observers: Observers,
}

impl Deref for Watched {
    type Target = Producer;

    fn deref(&self) -> &Producer {
        &self.producer
    }
}

impl Watched {
    /// Takes the producer out of both observers, then drops it. Once the
    /// worker has answered (an error too: the producer may be closed
    /// already), no report names it.
    pub async fn retire(self) {
        let id = self.producer.id();
        let _ = self.observers.levels.remove_producer(id).await;
        let _ = self.observers.dominant.remove_producer(id).await;
        drop(self.producer);
    }
}
