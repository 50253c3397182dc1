//! What the load generator (`load.rs`) and the side-by-side run against
//! Janus (`janus.rs`) share, so both measure the same way: the scenarios,
//! our server as an [`scenario::Sfu`], the `/proc` readings and the plots.
//! Include with `#[path = "common/mod.rs"] mod common;` next to
//! `tests/support` as `support`.

pub mod measure;
pub mod ours;
pub mod report;
pub mod scenario;
