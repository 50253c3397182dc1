//! End to end through one in-process server node: real WebRTC clients
//! (str0m) on the real mediasoup worker, the room's rules and its
//! cleanup, faults inside a node, the leaks the soak run found, and the
//! worker sending through io_uring or, where it cannot, libuv.
//!
//! One test binary for these suites, so the worker is linked once (the
//! binaries of `tests/`: docs/testing.md).

mod durable_moderation;
mod e2e_audio;
mod e2e_co_hosts;
mod e2e_debate;
mod e2e_fanout;
mod e2e_moderation;
mod faults;
mod io_uring;
mod leaks;
mod speaking_events;
mod transport_capacity;
