//! Several nodes: `pnl-voice cluster` (one process per core), rooms shared
//! through a real Redis, a node that crashes, and alerts that fire through
//! Prometheus and Alertmanager when nodes stop, and webhooks sent once
//! across nodes and restarts.
//!
//! One test binary for these suites, so the worker is linked once (the
//! binaries of `tests/`: docs/testing.md).

mod alerts;
mod cluster;
mod moderation_ledger;
mod node_crash;
mod registry_redis;
mod rest_matrix;
mod webhooks;
