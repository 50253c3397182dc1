//! A oneshot channel: one value from a [`Sender`] to a [`Receiver`], which is
//! a future.
//!
//! The API is that of `async-oneshot` 0.5 (what mediasoup 0.12 calls), written
//! for pnl-voice so that a receiver polled again while pending replaces its
//! stored waker and drops the old one. Either side dropped closes the channel:
//! the receiver then resolves to [`Closed`] unless a value was already sent,
//! and [`Sender::send`] fails.

#![warn(missing_docs)]

mod channel;
mod receiver;
mod sender;

pub use receiver::Receiver;
pub use sender::Sender;

use std::sync::Arc;

/// Creates a connected sender and receiver.
pub fn oneshot<T>() -> (Sender<T>, Receiver<T>) {
    let channel = Arc::new(channel::Channel::new());
    (Sender::new(Arc::clone(&channel)), Receiver::new(channel))
}

/// The other side of the channel is gone, or the value was already taken.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct Closed();

/// Why [`Receiver::try_recv`] returned no value.
#[derive(Debug)]
pub enum TryRecvError<T> {
    /// Nothing sent yet; the receiver is handed back to try again.
    Empty(Receiver<T>),
    /// The sender is gone without sending.
    Closed,
}
