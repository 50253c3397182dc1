//! What the clients did, counted as they go.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;
use serde_json::{json, Value};

use crate::support::frames::frame_number;
use crate::support::rtc::ReceivedFrame;

/// One counted kind of event.
#[derive(Clone, Copy)]
pub enum Event {
    /// A room's cycle began with a founder speaking.
    FoundedRoom,
    /// A room's cycle began in a market without founder.
    OpenRoom,
    /// `voice:join` answered.
    Join,
    /// Left with `voice:leave`, transports and socket closed.
    Leave,
    /// Closed transports and socket without `voice:leave`.
    Close,
    /// Dropped the socket and transports without a word (the server sees
    /// the TCP connection end).
    Drop,
    /// Stopped reading and sending while the connection stays open (the
    /// server must notice by its idle timeout).
    Silent,
    /// Dropped everything and joined the same room again with the same wallet.
    Reconnect,
    /// `POST /api/voice/join` whose socket never came.
    AbandonedReservation,
    /// `voice:raise_hand`.
    RaisedHand,
    /// A speaker's producer.
    Produce,
    /// A listener's consumer.
    Consume,
    /// Frames the speakers sent.
    FramesSent,
}

const EVENTS: [(&str, Event); 13] = [
    ("foundedRooms", Event::FoundedRoom),
    ("openRooms", Event::OpenRoom),
    ("joins", Event::Join),
    ("leaves", Event::Leave),
    ("closes", Event::Close),
    ("drops", Event::Drop),
    ("silentVanishes", Event::Silent),
    ("reconnects", Event::Reconnect),
    ("abandonedReservations", Event::AbandonedReservation),
    ("raisedHands", Event::RaisedHand),
    ("producers", Event::Produce),
    ("consumers", Event::Consume),
    ("framesSent", Event::FramesSent),
];

/// Counters of the whole run, shared by every client task.
#[derive(Default)]
pub struct Tally {
    counts: [AtomicU64; EVENTS.len()],
    /// Frames the listeners should have had: per consumer, the span of
    /// frame numbers between the first and last one that arrived.
    frames_expected: AtomicU64,
    /// Distinct frames that arrived within those spans.
    frames_received: AtomicU64,
    errors: Mutex<BTreeMap<String, u64>>,
}

impl Tally {
    /// Counts `n` of `event`.
    pub fn add(&self, event: Event, n: u64) {
        self.counts[event as usize].fetch_add(n, Ordering::Relaxed);
    }

    /// Counts one `event`.
    pub fn one(&self, event: Event) {
        self.add(event, 1);
    }

    /// The count of `event`.
    pub fn get(&self, event: Event) -> u64 {
        self.counts[event as usize].load(Ordering::Relaxed)
    }

    /// Counts a failed `step` by the error code in `detail` (`server error
    /// CODE: …`), else by `detail` up to its first colon.
    pub fn error(&self, step: &str, detail: &str) {
        let reason = match detail.split_once("server error ") {
            Some((_, rest)) => rest.split(':').next().unwrap_or(rest),
            None => detail.split(':').next().unwrap_or(detail),
        };
        *self
            .errors
            .lock()
            .entry(format!("{step}: {reason}"))
            .or_default() += 1;
    }

    /// Accounts the frames a receive transport got: per consumer (mid), the
    /// span of frame numbers and how many distinct ones arrived in it.
    pub fn frames(&self, frames: &[ReceivedFrame]) {
        let mut by_mid: HashMap<&str, Vec<u32>> = HashMap::new();
        for f in frames {
            if let Some(n) = frame_number(&f.payload) {
                by_mid.entry(&f.mid).or_default().push(n);
            }
        }
        for numbers in by_mid.values_mut() {
            numbers.sort_unstable();
            numbers.dedup();
            let span = u64::from(numbers[numbers.len() - 1] - numbers[0]) + 1;
            self.frames_expected.fetch_add(span, Ordering::Relaxed);
            self.frames_received
                .fetch_add(numbers.len() as u64, Ordering::Relaxed);
        }
    }

    /// Frames expected and received by listeners.
    pub fn audio(&self) -> (u64, u64) {
        (
            self.frames_expected.load(Ordering::Relaxed),
            self.frames_received.load(Ordering::Relaxed),
        )
    }

    /// Everything as JSON.
    pub fn to_json(&self) -> Value {
        let mut out = serde_json::Map::new();
        for (name, event) in EVENTS {
            out.insert(name.into(), json!(self.get(event)));
        }
        let (expected, received) = self.audio();
        out.insert("framesExpected".into(), json!(expected));
        out.insert("framesReceived".into(), json!(received));
        out.insert(
            "lossPercent".into(),
            json!(100.0 * (1.0 - received as f64 / expected.max(1) as f64)),
        );
        out.insert("errors".into(), json!(*self.errors.lock()));
        Value::Object(out)
    }
}
