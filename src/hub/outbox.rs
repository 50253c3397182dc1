//! The way from a room to one client's socket: a bounded queue of frames,
//! and an order to close. A client that does not keep up is disconnected
//! rather than allowed to hold memory or slow its room.

use std::sync::Arc;

use tokio::sync::{mpsc, Notify};

/// Frames queued for one socket at most.
pub const OUTBOX_CAPACITY: usize = 512;

/// Free places a queue must keep for a lossy frame (a reaction) to join it:
/// past half full, reactions are dropped for that client, so a reaction
/// storm never fills a slow client's queue (nor disconnects it) and the
/// frames that matter keep their room.
pub const LOSSY_HEADROOM: usize = OUTBOX_CAPACITY / 2;

/// What a session task receives from the hub.
#[derive(Debug)]
pub enum SessionMsg {
    /// A text frame (an event) to send.
    Frame(String),
    /// Send a last `voice:room_closed`/`voice:kicked` frame (already encoded) and close.
    Close {
        /// The final frame.
        frame: String,
        /// WebSocket close reason.
        reason: &'static str,
    },
}

/// Unique id of a socket session.
pub type SessionId = u64;

/// The sending half, held by the hub for each member.
#[derive(Clone, Debug)]
pub struct Outbox {
    session: SessionId,
    tx: mpsc::Sender<SessionMsg>,
    overflow: Arc<Notify>,
}

/// The receiving half, held by the session task.
pub struct Inbox {
    /// Frames and orders from the hub.
    pub rx: mpsc::Receiver<SessionMsg>,
    /// Fires when the client fell too far behind.
    pub overflow: Arc<Notify>,
}

/// A connected pair for session `session`.
pub fn outbox(session: SessionId) -> (Outbox, Inbox) {
    let (tx, rx) = mpsc::channel(OUTBOX_CAPACITY);
    let overflow = Arc::new(Notify::new());
    (
        Outbox {
            session,
            tx,
            overflow: overflow.clone(),
        },
        Inbox { rx, overflow },
    )
}

impl Outbox {
    /// The session this outbox feeds.
    pub fn session(&self) -> SessionId {
        self.session
    }

    /// Queues an event frame; a full queue marks the client as too slow.
    pub fn send(&self, frame: String) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.tx.try_send(SessionMsg::Frame(frame))
        {
            self.overflow.notify_one();
        }
    }

    /// Queues a frame that may be lost (a reaction): dropped, without
    /// marking the client slow, when its queue is past half full.
    pub fn offer(&self, frame: String) {
        if self.tx.capacity() > LOSSY_HEADROOM {
            let _ = self.tx.try_send(SessionMsg::Frame(frame));
        }
    }

    /// Orders the session to send `frame` and close.
    pub fn close(&self, frame: String, reason: &'static str) {
        if let Err(mpsc::error::TrySendError::Full(_)) =
            self.tx.try_send(SessionMsg::Close { frame, reason })
        {
            self.overflow.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lossy_frames_stop_at_half_full_and_never_mark_the_client_slow() {
        let (outbox, mut inbox) = outbox(1);
        for n in 0..OUTBOX_CAPACITY {
            outbox.offer(format!("reaction {n}"));
        }
        let mut queued = 0;
        while let Ok(SessionMsg::Frame(_)) = inbox.rx.try_recv() {
            queued += 1;
        }
        assert_eq!(
            queued,
            OUTBOX_CAPACITY - LOSSY_HEADROOM,
            "half the queue at most"
        );
        for n in 0..OUTBOX_CAPACITY - 1 {
            outbox.send(format!("event {n}"));
        }
        outbox.offer("reaction".into());
        outbox.send("the last place".into());
        let slow = inbox.overflow.notified();
        futures_util::pin_mut!(slow);
        assert!(
            futures_util::FutureExt::now_or_never(slow.as_mut()).is_none(),
            "a dropped reaction does not disconnect; a full queue of events would"
        );
        outbox.send("one too many".into());
        assert!(futures_util::FutureExt::now_or_never(slow).is_some());
    }
}
