//! The receiving half.

use crate::channel::{keep_waker, Channel};
use crate::{Closed, TryRecvError};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The receiving half of a oneshot channel: a future of the value, or of
/// [`Closed`] if the sender is gone without sending.
pub struct Receiver<T> {
    channel: Arc<Channel<T>>,
}

impl<T> Receiver<T> {
    pub(crate) fn new(channel: Arc<Channel<T>>) -> Self {
        Receiver { channel }
    }

    /// Closes the channel: the sender's `send` fails from now on.
    pub fn close(self) {}

    /// Takes the value if it has been sent, without waiting.
    pub fn try_recv(self) -> Result<T, TryRecvError<T>> {
        let mut state = self.channel.lock();
        if let Some(value) = state.value.take() {
            return Ok(value);
        }
        if state.sender_done {
            return Err(TryRecvError::Closed);
        }
        drop(state);
        Err(TryRecvError::Empty(self))
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, Closed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.channel.lock();
        if let Some(value) = state.value.take() {
            return Poll::Ready(Ok(value));
        }
        if state.sender_done {
            return Poll::Ready(Err(Closed()));
        }
        keep_waker(&mut state.receiver_waker, cx.waker());
        state.receiver_waiting = true;
        let sender_waker = state.sender_waker.take();
        drop(state);
        if let Some(waker) = sender_waker {
            waker.wake();
        }
        Poll::Pending
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut state = self.channel.lock();
        state.receiver_gone = true;
        let unread = state.value.take();
        let receiver_waker = state.receiver_waker.take();
        let sender_waker = state.sender_waker.take();
        drop(state);
        // Dropped outside the lock: a value's or waker's own drop may do anything.
        drop((unread, receiver_waker));
        if let Some(waker) = sender_waker {
            waker.wake();
        }
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}
