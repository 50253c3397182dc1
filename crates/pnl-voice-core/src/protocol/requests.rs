//! The `data` of each client request, as `decode` reads it. TypeScript
//! clients get the same shapes (`clients/js/src/wire/`).

use serde::Deserialize;
use ts_rs::TS;

use super::command::{Direction, ModerationAction};
use super::ids::{ConsumerId, ProducerId, TransportId};
use super::media_json::{DtlsParameters, MediaKind, RtpCapabilities, RtpParameters};
use crate::rooms::Emoji;

/// `voice:join`.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JoinRequest {
    /// The market (= room) to join: a base58 Solana address.
    pub market_address: String,
}

/// `createTransport`.
#[derive(Debug, Deserialize, TS)]
pub struct CreateTransportRequest {
    /// `send` (speakers only) or `recv`.
    pub direction: Direction,
}

/// `connectTransport`.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectTransportRequest {
    /// The transport.
    pub transport_id: TransportId,
    /// The client's DTLS role and fingerprints.
    #[ts(type = "import('mediasoup-client').types.DtlsParameters")]
    pub dtls_parameters: DtlsParameters,
}

/// `produce`: audio only.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProduceRequest {
    /// The send transport.
    pub transport_id: TransportId,
    /// Must be `audio`.
    #[ts(type = "import('mediasoup-client').types.MediaKind")]
    pub kind: MediaKind,
    /// The client's RTP parameters.
    #[ts(type = "import('mediasoup-client').types.RtpParameters")]
    pub rtp_parameters: RtpParameters,
}

/// `consume`.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConsumeRequest {
    /// The receive transport.
    pub transport_id: TransportId,
    /// The producer to receive.
    pub producer_id: ProducerId,
    /// The client device's capabilities.
    #[ts(type = "import('mediasoup-client').types.RtpCapabilities")]
    pub rtp_capabilities: RtpCapabilities,
}

/// `resumeConsumer` and `pauseConsumer`.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerRequest {
    /// The consumer.
    pub consumer_id: ConsumerId,
}

/// `restartIce`.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TransportRequest {
    /// The transport.
    pub transport_id: TransportId,
}

/// `closeProducer`.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProducerRequest {
    /// One's own producer.
    pub producer_id: ProducerId,
}

/// `voice:mute`.
#[derive(Debug, Deserialize, TS)]
pub struct MuteRequest {
    /// Muted or live.
    pub muted: bool,
}

/// `voice:moderate` (the founder, the host and co-hosts).
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModerateRequest {
    /// What to do.
    pub action: ModerationAction,
    /// To whom: required by all but `mute_all`, `end_room` and
    /// `clear_reservations`.
    #[ts(optional)]
    pub target_wallet: Option<String>,
}

/// `voice:react`.
#[derive(Debug, Deserialize, TS)]
pub struct ReactRequest {
    /// One of the fixed set.
    pub emoji: Emoji,
}

/// `voice:invite_response`: the invited member's answer.
#[derive(Debug, Deserialize, TS)]
pub struct InviteResponseRequest {
    /// Accept (go on stage at once) or decline.
    pub accept: bool,
}
