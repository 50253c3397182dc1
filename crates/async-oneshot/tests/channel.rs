//! The channel's contract, polled by hand with counting wakers.

use async_oneshot::{oneshot, Closed, TryRecvError};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

/// A waker that counts how often it was woken.
#[derive(Default)]
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting_waker() -> (Arc<Counter>, Waker) {
    let counter = Arc::new(Counter::default());
    (Arc::clone(&counter), Waker::from(Arc::clone(&counter)))
}

fn poll<F: Future + Unpin>(future: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(waker))
}

fn wakes(counter: &Counter) -> usize {
    counter.0.load(Ordering::SeqCst)
}

#[test]
fn a_sent_value_is_received() {
    let (mut tx, mut rx) = oneshot();
    let (counter, waker) = counting_waker();
    assert!(poll(&mut rx, &waker).is_pending());
    assert_eq!(tx.send(7), Ok(()));
    assert_eq!(wakes(&counter), 1);
    assert_eq!(poll(&mut rx, &waker), Poll::Ready(Ok(7)));
}

#[test]
fn a_value_sent_before_the_first_poll_is_ready_at_once() {
    let (mut tx, mut rx) = oneshot();
    tx.send("reply").unwrap();
    drop(tx);
    let (_, waker) = counting_waker();
    assert_eq!(poll(&mut rx, &waker), Poll::Ready(Ok("reply")));
}

#[test]
fn a_receiver_polled_again_keeps_only_the_newest_waker() {
    let (mut tx, mut rx) = oneshot::<u32>();
    let (first, first_waker) = counting_waker();
    assert!(poll(&mut rx, &first_waker).is_pending());
    let (second, second_waker) = counting_waker();
    assert!(poll(&mut rx, &second_waker).is_pending());
    drop(first_waker);
    // The channel no longer holds the first task's waker: only `first` is left.
    assert_eq!(Arc::strong_count(&first), 1);
    tx.send(1).unwrap();
    assert_eq!((wakes(&first), wakes(&second)), (0, 1));
    drop(second_waker);
    // Waking consumed the stored waker.
    assert_eq!(Arc::strong_count(&second), 1);
}

#[test]
fn polling_again_with_the_same_task_keeps_one_waker() {
    let (_tx, mut rx) = oneshot::<u32>();
    let (counter, waker) = counting_waker();
    for _ in 0..1000 {
        assert!(poll(&mut rx, &waker).is_pending());
    }
    drop(waker);
    assert_eq!(Arc::strong_count(&counter), 2);
    drop(rx);
    assert_eq!(Arc::strong_count(&counter), 1);
}

#[test]
fn a_dropped_sender_closes_the_receiver_and_wakes_it() {
    let (tx, mut rx) = oneshot::<u32>();
    let (counter, waker) = counting_waker();
    assert!(poll(&mut rx, &waker).is_pending());
    tx.close();
    assert_eq!(wakes(&counter), 1);
    assert_eq!(poll(&mut rx, &waker), Poll::Ready(Err(Closed())));
}

#[test]
fn a_dropped_receiver_makes_send_fail_and_drops_the_value() {
    let (mut tx, rx) = oneshot::<Arc<()>>();
    assert!(!tx.is_closed());
    rx.close();
    assert!(tx.is_closed());
    let value = Arc::new(());
    assert_eq!(tx.send(Arc::clone(&value)), Err(Closed()));
    assert_eq!(Arc::strong_count(&value), 1);
}

#[test]
fn a_value_never_received_is_dropped_with_the_receiver() {
    let (mut tx, rx) = oneshot::<Arc<()>>();
    let value = Arc::new(());
    tx.send(Arc::clone(&value)).unwrap();
    drop(rx);
    assert_eq!(Arc::strong_count(&value), 1);
}

#[test]
fn only_one_value_is_sent() {
    let (mut tx, _rx) = oneshot();
    assert_eq!(tx.send(1), Ok(()));
    assert_eq!(tx.send(2), Err(Closed()));
}

#[test]
fn a_finished_receiver_polled_again_is_closed() {
    let (mut tx, mut rx) = oneshot();
    let (_, waker) = counting_waker();
    tx.send(3).unwrap();
    assert_eq!(poll(&mut rx, &waker), Poll::Ready(Ok(3)));
    assert_eq!(poll(&mut rx, &waker), Poll::Ready(Err(Closed())));
}

#[test]
fn try_recv_hands_the_receiver_back_until_a_value_comes() {
    let (mut tx, rx) = oneshot();
    let rx = match rx.try_recv() {
        Err(TryRecvError::Empty(rx)) => rx,
        other => panic!("expected Empty, got {other:?}"),
    };
    tx.send(5).unwrap();
    assert_eq!(rx.try_recv().ok(), Some(5));

    let (tx, rx) = oneshot::<u8>();
    drop(tx);
    assert!(matches!(rx.try_recv(), Err(TryRecvError::Closed)));
}

#[test]
fn wait_resolves_once_the_receiver_is_polled() {
    let (tx, mut rx) = oneshot::<u8>();
    let mut waiting = Box::pin(tx.wait());
    let (sender_task, sender_waker) = counting_waker();
    let (_, receiver_waker) = counting_waker();
    assert!(waiting
        .as_mut()
        .poll(&mut Context::from_waker(&sender_waker))
        .is_pending());
    assert!(poll(&mut rx, &receiver_waker).is_pending());
    assert_eq!(wakes(&sender_task), 1);
    let Poll::Ready(Ok(mut tx)) = waiting
        .as_mut()
        .poll(&mut Context::from_waker(&sender_waker))
    else {
        panic!("wait did not resolve");
    };
    tx.send(9).unwrap();
    assert_eq!(poll(&mut rx, &receiver_waker), Poll::Ready(Ok(9)));
}

#[test]
fn wait_fails_when_the_receiver_is_dropped() {
    let (tx, rx) = oneshot::<u8>();
    let mut waiting = Box::pin(tx.wait());
    let (sender_task, waker) = counting_waker();
    assert!(waiting
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    drop(rx);
    assert_eq!(wakes(&sender_task), 1);
    assert!(matches!(
        waiting.as_mut().poll(&mut Context::from_waker(&waker)),
        Poll::Ready(Err(Closed()))
    ));
}

#[test]
fn values_cross_threads() {
    for round in 0..200u32 {
        let (mut tx, rx) = oneshot();
        let sender = std::thread::spawn(move || tx.send(round).unwrap());
        let received = std::thread::spawn(move || block_on(rx));
        sender.join().unwrap();
        assert_eq!(received.join().unwrap(), Ok(round));
    }
}

/// Polls `future` on this thread until it is ready, parking between wakes.
fn block_on<F: Future + Unpin>(mut future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    loop {
        if let Poll::Ready(output) = poll(&mut future, &waker) {
            return output;
        }
        std::thread::park();
    }
}
