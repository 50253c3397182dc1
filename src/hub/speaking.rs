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
//! object of the worker takes when it is created or dropped. A handler that
//! waited on a room lock would deadlock against any thread that drops a
//! consumer while holding that room lock (as a leaving speaker does). So the
//! handlers only post [`Finding`]s to a bounded queue, and a task applies
//! them to the room.
//!
//! The same lookup makes producers [`Watched`]: mediasoup turns the ids of
//! each report into producers on its worker thread, under that lock, so the
//! last reference to a producer must never be dropped while a report could
//! still name it.

use std::num::NonZeroU16;
use std::ops::Deref;
use std::sync::Weak;
use std::time::Instant;

use mediasoup::prelude::*;
use tokio::sync::mpsc;

use super::live_room::{Inner, LiveRoom};
use crate::address::Address;
use crate::media::MediaError;
use crate::protocol::{event, ServerEvent};

/// Level report interval, in milliseconds.
const LEVEL_INTERVAL_MS: u16 = 250;
/// The level report interval.
const INTERVAL: std::time::Duration = std::time::Duration::from_millis(LEVEL_INTERVAL_MS as u64);
/// Quietest level (dBov) that counts as speaking.
const SPEAKING_THRESHOLD: i8 = -60;
/// Findings queued for a room at most; more are dropped, as the next report
/// replaces them a quarter of a second later.
const FINDINGS_CAPACITY: usize = 64;

/// What the observers reported, on its way from mediasoup's thread to the room.
#[derive(Debug)]
enum Finding {
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
pub struct Observers {
    levels: AudioLevelObserver,
    dominant: ActiveSpeakerObserver,
}

impl Observers {
    /// Creates both observers on `router`.
    pub async fn create(router: &Router) -> Result<Self, MediaError> {
        let mut options = AudioLevelObserverOptions::default();
        options.max_entries = NonZeroU16::new(16).expect("non-zero");
        options.threshold = SPEAKING_THRESHOLD;
        options.interval = LEVEL_INTERVAL_MS;
        let levels = router
            .create_audio_level_observer(options)
            .await
            .map_err(|e| MediaError::Worker(e.to_string()))?;
        let dominant = router
            .create_active_speaker_observer(ActiveSpeakerObserverOptions::default())
            .await
            .map_err(|e| MediaError::Worker(e.to_string()))?;
        Ok(Self { levels, dominant })
    }

    /// Sends the observers' findings to `room`'s members, from a task on the
    /// current runtime that ends when the observers are dropped.
    pub fn listen(&self, room: Weak<LiveRoom>) {
        let (tx, mut rx) = mpsc::channel(FINDINGS_CAPACITY);
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
        tokio::spawn(async move {
            // Silence sends no reports: a timer takes the quiet out of the set.
            let mut expiry = None;
            loop {
                let finding = tokio::select! {
                    finding = rx.recv() => match finding {
                        Some(finding) => Some(finding),
                        None => break,
                    },
                    () = sleep_until(expiry) => None,
                };
                let Some(room) = room.upgrade() else { break };
                let mut inner = room.lock();
                if let Some(finding) = finding {
                    apply(&mut inner, finding);
                }
                if inner.audible.expire(Instant::now()) {
                    announce_audible(&inner);
                }
                expiry = inner.audible.next_expiry();
            }
        });
    }

    /// Starts observing a new producer.
    pub async fn watch(&self, producer: Producer) -> Watched {
        let options = || RtpObserverAddProducerOptions::new(producer.id());
        if let Err(e) = self.levels.add_producer(options()).await {
            tracing::warn!(error = %e, "audio level observer refused a producer");
        }
        if let Err(e) = self.dominant.add_producer(options()).await {
            tracing::warn!(error = %e, "active speaker observer refused a producer");
        }
        Watched {
            producer: Some(producer),
            observers: self.clone(),
        }
    }

    /// Stops observing `producer`. Once the worker has answered (an error
    /// too: the producer may be closed already), no report names it.
    async fn forget(&self, producer: &Producer) {
        let _ = self.levels.remove_producer(producer.id()).await;
        let _ = self.dominant.remove_producer(producer.id()).await;
    }
}

/// A producer the room's observers watch. Dropping it takes the producer
/// out of the observers first and drops it afterwards, from a task: had a
/// report's lookup on the worker thread held the last reference, dropping
/// it there would take the handler table lock again and hang the worker.
pub struct Watched {
    producer: Option<Producer>,
    observers: Observers,
}

impl Deref for Watched {
    type Target = Producer;

    fn deref(&self) -> &Producer {
        self.producer.as_ref().expect("taken only on drop")
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        let Some(producer) = self.producer.take() else {
            return;
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let observers = self.observers.clone();
            runtime.spawn(async move {
                observers.forget(&producer).await;
                drop(producer);
            });
        }
    }
}

/// Brings `finding` into the room: speaking time, then events to the
/// members when who is audible or dominant changed.
fn apply(inner: &mut Inner, finding: Finding) {
    match finding {
        Finding::Heard { at, producers } => {
            let heard = inner
                .last_levels
                .replace(at)
                .map_or(INTERVAL, |last| at.duration_since(last).min(2 * INTERVAL))
                .as_secs_f64();
            let mut audible = Vec::new();
            for producer in producers {
                if let Some(wallet) = owner_of(inner, producer) {
                    inner.rules.add_speaking_time(&wallet, heard);
                    audible.push(wallet);
                }
            }
            if inner.audible.report(at, audible) {
                announce_audible(inner);
            }
        }
        Finding::Silence => inner.last_levels = None,
        Finding::Dominant(producer) => {
            let Some(wallet) = owner_of(inner, producer) else {
                return;
            };
            if inner.active_speaker.as_ref() == Some(&wallet) {
                return;
            }
            inner.active_speaker = Some(wallet.clone());
            broadcast(
                inner,
                event(&ServerEvent::ActiveSpeaker {
                    wallet_address: wallet,
                }),
            );
        }
    }
}

/// Tells every member who is audible now.
fn announce_audible(inner: &Inner) {
    let wallet_addresses = inner.audible.members();
    broadcast(inner, event(&ServerEvent::Speaking { wallet_addresses }));
}

/// Sleeps until `at`, or forever without one.
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

fn owner_of(inner: &Inner, producer: ProducerId) -> Option<Address> {
    inner
        .members
        .iter()
        .find(|(_, m)| {
            m.media
                .producer
                .as_ref()
                .is_some_and(|p| p.id() == producer)
        })
        .map(|(w, _)| w.clone())
}

fn broadcast(inner: &Inner, frame: String) {
    for m in inner.members.values() {
        m.outbox.send(frame.clone());
    }
}
