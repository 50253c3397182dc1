//! What a node keeps and reads: the record stores (SQLite and MongoDB)
//! directly and through the server process, and position badges from
//! Solana JSON-RPC.
//!
//! One test binary for these suites, so the worker is linked once (the
//! binaries of `tests/`: docs/testing.md).

mod positions_rpc;
mod records_e2e;
mod store_suite;
