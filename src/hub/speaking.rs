//! Who is speaking: mediasoup's AudioLevelObserver (levels about 4 times a
//! second, speaking time) and ActiveSpeakerObserver (the dominant speaker).

use std::num::NonZeroU16;
use std::sync::Weak;

use mediasoup::prelude::*;
use serde_json::json;

use super::live_room::{Inner, LiveRoom};
use crate::address::Address;
use crate::media::MediaError;
use crate::protocol::event;

/// Level report interval, in milliseconds.
const LEVEL_INTERVAL_MS: u16 = 250;
/// The level report interval.
const INTERVAL: std::time::Duration = std::time::Duration::from_millis(LEVEL_INTERVAL_MS as u64);
/// Quietest level (dBov) that counts as speaking.
const SPEAKING_THRESHOLD: i8 = -60;

/// The observers of one room's router.
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

    /// Sends the observers' findings to `room`'s members.
    pub fn listen(&self, room: Weak<LiveRoom>) {
        let weak = room.clone();
        self.levels
            .on_volumes(move |volumes| {
                let Some(room) = weak.upgrade() else { return };
                let mut inner = room.lock();
                let now = std::time::Instant::now();
                let heard = inner
                    .last_levels
                    .replace(now)
                    .map_or(INTERVAL, |last| now.duration_since(last).min(2 * INTERVAL))
                    .as_secs_f64();
                let mut levels = Vec::new();
                for v in volumes {
                    if let Some(wallet) = owner_of(&inner, v.producer.id()) {
                        inner.rules.add_speaking_time(&wallet, heard);
                        levels.push(json!({ "walletAddress": wallet, "volume": v.volume }));
                    }
                }
                broadcast(
                    &inner,
                    event("voice:audio_levels", json!({ "levels": levels })),
                );
            })
            .detach();
        let weak = room.clone();
        self.levels
            .on_silence(move || {
                if let Some(room) = weak.upgrade() {
                    room.lock().last_levels = None;
                }
            })
            .detach();
        self.dominant
            .on_dominant_speaker(move |dominant| {
                let Some(room) = room.upgrade() else { return };
                let mut inner = room.lock();
                if let Some(wallet) = owner_of(&inner, dominant.producer.id()) {
                    inner.active_speaker = Some(wallet.clone());
                    broadcast(
                        &inner,
                        event("voice:active_speaker", json!({ "walletAddress": wallet })),
                    );
                }
            })
            .detach();
    }

    /// Starts observing a new producer.
    pub async fn watch(&self, producer: &Producer) {
        let options = || RtpObserverAddProducerOptions::new(producer.id());
        if let Err(e) = self.levels.add_producer(options()).await {
            tracing::warn!(error = %e, "audio level observer refused a producer");
        }
        if let Err(e) = self.dominant.add_producer(options()).await {
            tracing::warn!(error = %e, "active speaker observer refused a producer");
        }
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
