//! `iceServers`, as the server hands them to clients (the TURN credentials
//! in them are computed by the server's `turn` module).

use serde::Serialize;
use ts_rs::TS;

/// One entry of `iceServers`, as `RTCPeerConnection` takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IceServer {
    /// STUN or TURN URLs.
    pub urls: Vec<String>,
    /// The TURN username (`expiry:wallet`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub username: Option<String>,
    /// The TURN password.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub credential: Option<String>,
}
