//! The state both halves share, behind one mutex.

use std::sync::{Mutex, MutexGuard};
use std::task::Waker;

/// What the sender and the receiver share.
pub(crate) struct Channel<T> {
    state: Mutex<State<T>>,
}

/// The channel's state; every field is read and written under the lock.
pub(crate) struct State<T> {
    /// The value sent and not yet received.
    pub value: Option<T>,
    /// The sender sent its value or is gone: nothing more will come.
    pub sender_done: bool,
    /// The receiver is gone: a value sent now would never be read.
    pub receiver_gone: bool,
    /// The receiver has been polled at least once (see `Sender::wait`).
    pub receiver_waiting: bool,
    /// The task awaiting the receiver; at most one is kept.
    pub receiver_waker: Option<Waker>,
    /// The task in `Sender::wait`; at most one is kept.
    pub sender_waker: Option<Waker>,
}

impl<T> Channel<T> {
    pub(crate) fn new() -> Self {
        Channel {
            state: Mutex::new(State {
                value: None,
                sender_done: false,
                receiver_gone: false,
                receiver_waiting: false,
                receiver_waker: None,
                sender_waker: None,
            }),
        }
    }

    /// Locks the state. A panic while it was held cannot leave it torn (each
    /// update is a few field writes), so a poisoned lock is used as it is.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Stores `waker` in `slot`, dropping the one it replaces, unless the stored
/// one already wakes the same task.
pub(crate) fn keep_waker(slot: &mut Option<Waker>, waker: &Waker) {
    match slot {
        Some(stored) if stored.will_wake(waker) => {}
        _ => *slot = Some(waker.clone()),
    }
}
