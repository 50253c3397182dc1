//! What the benchmarks share. The load generator (`load.rs`) and the
//! side-by-side run against Janus (`janus.rs`) measure the same way: the
//! scenarios, our server as an [`scenario::Sfu`]. All three, the soak run
//! (`soak/`) too, start our server as a [`server::BenchServer`] process and
//! use the `/proc` readings and the plots.
//! Include with `#[path = "common/mod.rs"] mod common;` next to
//! `use pnl_voice_testkit as support;`.

pub mod measure;
pub mod ours;
pub mod profile;
pub mod report;
pub mod scenario;
pub mod server;
pub mod udp_cost;
