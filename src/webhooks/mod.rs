//! Webhooks: room events signed and POSTed to the site's backend
//! (docs/server-api.md, "Webhooks").
//!
//! The path of an event: the room's task (or the hub) hands it to the
//! [`Recorder`](crate::store::Recorder), which writes it into the store's
//! outbox with the room's other records, one delivery per URL. Every node
//! runs a [`sender`]: it leases due deliveries from the outbox (atomically,
//! so a delivery shared by several nodes' store is sent by one of them),
//! signs and posts each, and records the outcome: delivered deliveries
//! leave, failed ones come back after a growing pause, and after
//! `max_attempts` they are kept as dead. A node that stops or crashes
//! leaves its undelivered events in the store for the next start or for
//! another node, once their lease lapses.

mod backoff;
pub mod sender;

pub use backoff::{next_attempt, Backoff};
