//! Several nodes: `pnl-voice cluster` (one process per core), rooms shared
//! through a real Redis, and a node that crashes.
//!
//! One test binary for these suites, so the worker is linked once (the
//! binaries of `tests/`: docs/testing.md).

mod cluster;
mod moderation_ledger;
mod node_crash;
mod registry_redis;
mod rest_matrix;
