//! The server's surface, HTTP and socket: the REST API, the server-to-server
//! API (API keys, minted tokens), the OpenAPI
//! document, the signaling contract, hostile input, abuse, the security guards,
//! the room preview, reactions, invitations to speak and errors with
//! details, `/health`, the probes `/health/live` and `/health/ready` (with
//! the SIGTERM sequence) and `/metrics`.
//!
//! One test binary for these suites, so the worker is linked once (the
//! binaries of `tests/`: docs/testing.md).

mod abuse;
mod bad_input;
mod debate;
mod health_probes;
mod health_resources;
mod metrics_e2e;
mod metrics_fresh;
mod openapi;
mod preview;
mod reservations;
mod rest_api;
mod room_life;
mod security;
mod server_api;
mod signaling_contract;
mod socket_subprotocol;
