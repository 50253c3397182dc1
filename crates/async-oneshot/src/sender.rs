//! The sending half.

use crate::channel::{keep_waker, Channel};
use crate::Closed;
use std::fmt;
use std::future::{poll_fn, Future};
use std::sync::Arc;
use std::task::Poll;

/// The sending half of a oneshot channel. Dropping it without sending wakes
/// the receiver with [`Closed`].
pub struct Sender<T> {
    channel: Arc<Channel<T>>,
}

impl<T> Sender<T> {
    pub(crate) fn new(channel: Arc<Channel<T>>) -> Self {
        Sender { channel }
    }

    /// Closes the channel: the receiver resolves to [`Closed`].
    pub fn close(self) {}

    /// Whether the receiver is gone.
    pub fn is_closed(&self) -> bool {
        self.channel.lock().receiver_gone
    }

    /// Resolves once the receiver has been polled (so a value can be made on
    /// demand), or to [`Closed`] if the receiver is gone.
    pub fn wait(self) -> impl Future<Output = Result<Self, Closed>> {
        let mut sender = Some(self);
        poll_fn(move |cx| {
            let Some(this) = sender.take() else {
                return Poll::Ready(Err(Closed()));
            };
            let mut state = this.channel.lock();
            if state.receiver_gone {
                drop(state);
                return Poll::Ready(Err(Closed()));
            }
            if state.receiver_waiting {
                drop(state);
                return Poll::Ready(Ok(this));
            }
            keep_waker(&mut state.sender_waker, cx.waker());
            drop(state);
            sender = Some(this);
            Poll::Pending
        })
    }

    /// Sends the value and wakes the receiver. Fails, dropping the value, if
    /// the receiver is gone or a value was already sent.
    pub fn send(&mut self, value: T) -> Result<(), Closed> {
        let mut state = self.channel.lock();
        if state.receiver_gone || state.sender_done {
            drop(state);
            return Err(Closed());
        }
        state.value = Some(value);
        state.sender_done = true;
        let waker = state.receiver_waker.take();
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut state = self.channel.lock();
        state.sender_done = true;
        let sender_waker = state.sender_waker.take();
        let receiver_waker = state.receiver_waker.take();
        drop(state);
        drop(sender_waker);
        if let Some(waker) = receiver_waker {
            waker.wake();
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}
