//! mediasoup's parameter objects as the wire carries them: opaque JSON.
//!
//! The contract passes these objects between mediasoup-client and the
//! server's mediasoup unchanged, and their shape belongs to mediasoup, not
//! to this crate. Keeping them as JSON values here is what lets the
//! contract build without mediasoup (and its C++ worker): the server turns
//! them into mediasoup's own types at its edge (`pnl_voice::media::wire`),
//! where a malformed value is refused with the same `BAD_REQUEST` the
//! decoder gives any other mistyped field. The TypeScript side names
//! mediasoup-client's types (through `#[ts(type = ...)]` on each use).

use serde::{Deserialize, Serialize};
use serde_json::Value;

macro_rules! media_json {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Value);

        impl From<Value> for $name {
            fn from(value: Value) -> Self {
                Self(value)
            }
        }
    )*};
}

media_json! {
    /// A DTLS role and fingerprints (`connectTransport`, `createTransport`).
    DtlsParameters;
    /// A producer's or consumer's RTP parameters (`produce`, `consume`).
    RtpParameters;
    /// A device's or the router's RTP capabilities (`consume`,
    /// `getRouterRtpCapabilities`, `voice:join`).
    RtpCapabilities;
    /// A transport's ICE username fragment and password.
    IceParameters;
    /// One of a transport's ICE candidates. The server writes its IP as
    /// both `ip` and `address`, since mediasoup-client reads one or the
    /// other depending on its version.
    IceCandidate;
}

/// The kind of a track. Only `audio` may be produced; `video` is named so
/// that a video request is refused as such, not as an unknown word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    /// An audio track.
    Audio,
    /// A video track (never accepted by rooms).
    Video,
}

/// A mediasoup consumer's type, as `transport.consume` reads it (rooms
/// only create `simple` ones: audio has no layers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsumerType {
    /// One stream, forwarded as it is.
    Simple,
    /// Several encodings of one source.
    Simulcast,
    /// Scalable video coding layers.
    Svc,
    /// Between two routers (pipeToRouter).
    Pipe,
}
