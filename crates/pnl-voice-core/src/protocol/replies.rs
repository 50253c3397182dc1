//! The `data` of the server's replies (`{id, ok: true, data}`), one type per
//! method. TypeScript clients get the same shapes (`clients/js/src/wire/`).

use serde::Serialize;
use ts_rs::TS;

use super::ice_server::IceServer;
use super::ids::{ConsumerId, ProducerId, TransportId};
use super::media_json::{
    ConsumerType, DtlsParameters, IceCandidate, IceParameters, MediaKind, RtpCapabilities,
    RtpParameters,
};
use crate::address::Address;
use crate::rooms::{DebateView, ParticipantView, ReservationView, RoomSettings};

/// What joining a room gives (`voice:join`, and `POST /api/voice/join`).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JoinData {
    /// The room: its market's address.
    pub room_id: Address,
    /// The mediasoup worker the room runs on.
    pub worker_id: String,
    /// The node that owns the room.
    pub node_id: String,
    /// That node's WebSocket URL.
    pub worker_url: String,
    /// The router's capabilities, for `device.load`.
    #[ts(type = "import('mediasoup-client').types.RtpCapabilities")]
    pub rtp_capabilities: RtpCapabilities,
    /// Everyone in the room, the caller included.
    pub participants: Vec<ParticipantView>,
    /// The raise-hand queue, first in line first.
    pub speaker_queue: Vec<Address>,
    /// The room's settings.
    pub settings: RoomSettings,
    /// Who is speaking now, if anyone has yet.
    pub active_speaker: Option<Address>,
    /// STUN and TURN servers for `RTCPeerConnection`.
    pub ice_servers: Vec<IceServer>,
    /// The caller's own view.
    pub you: ParticipantView,
    /// Who holds the host role (the founder unless handed on).
    pub host: Option<Address>,
    /// The co-hosts, present or not, in address order.
    pub co_hosts: Vec<Address>,
    /// The room's live reservations: shown to the founder and co-hosts
    /// (who may clear them), empty for everyone else.
    pub reservations: Vec<ReservationView>,
    /// The debate running in the room, if any (its turn, floor and poll).
    pub debate: Option<DebateView>,
}

/// Reply of `createTransport`: what `device.create{Send,Recv}Transport` takes.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TransportData {
    /// The transport.
    pub id: TransportId,
    /// ICE username fragment and password.
    #[ts(type = "import('mediasoup-client').types.IceParameters")]
    pub ice_parameters: IceParameters,
    /// Where the server listens.
    #[ts(type = "Array<import('mediasoup-client').types.IceCandidate>")]
    pub ice_candidates: Vec<IceCandidate>,
    /// The server's DTLS role and fingerprints.
    #[ts(type = "import('mediasoup-client').types.DtlsParameters")]
    pub dtls_parameters: DtlsParameters,
    /// Always `null`: rooms carry no data channels. Left out of the
    /// TypeScript type, so the data passes to mediasoup-client as it is
    /// (whose `sctpParameters` may be absent but not `null`).
    #[ts(skip)]
    pub sctp_parameters: (),
}

/// Reply of `consume`: what `transport.consume` takes. The consumer starts
/// paused; `resumeConsumer` starts it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerData {
    /// The consumer.
    pub id: ConsumerId,
    /// The producer it receives.
    pub producer_id: ProducerId,
    /// Always `audio`.
    #[ts(type = "import('mediasoup-client').types.MediaKind")]
    pub kind: MediaKind,
    /// The RTP parameters to receive with.
    #[ts(type = "import('mediasoup-client').types.RtpParameters")]
    pub rtp_parameters: RtpParameters,
    /// The mediasoup consumer type (`simple` for audio).
    #[serde(rename = "type")]
    #[ts(type = "'simple' | 'simulcast' | 'svc' | 'pipe'")]
    pub consumer_type: ConsumerType,
    /// Whether the producer is paused (its owner is muted).
    pub producer_paused: bool,
}

/// An audio source in the room: whose producer it is.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProducerInfo {
    /// The producer.
    pub producer_id: ProducerId,
    /// Its owner.
    pub wallet_address: Address,
}

/// Reply of `getRouterRtpCapabilities`.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(type = "import('mediasoup-client').types.RtpCapabilities")]
pub struct RouterCapabilities(pub RtpCapabilities);

/// Reply of `produce`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProduceReply {
    /// The new producer.
    pub id: ProducerId,
}

/// Reply of `restartIce`.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RestartIceReply {
    /// The transport's new ICE parameters, for `transport.restartIce`.
    #[ts(type = "import('mediasoup-client').types.IceParameters")]
    pub ice_parameters: IceParameters,
}

/// Reply of `voice:raise_hand`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RaiseHandReply {
    /// The caller's 1-based place in the queue.
    pub position: usize,
}

/// Reply of `voice:producers`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProducersReply {
    /// Every audio source in the room but the caller's.
    pub producers: Vec<ProducerInfo>,
}

/// Reply of `voice:update_settings`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SettingsReply {
    /// The room's settings after the change.
    pub settings: RoomSettings,
}

/// The data of a reply that carries none (`{}`), and of a request that
/// needs none.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct Empty {}

/// Any reply's data.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Reply {
    /// `voice:join`.
    Join(Box<JoinData>),
    /// `getRouterRtpCapabilities`.
    RouterCapabilities(RouterCapabilities),
    /// `createTransport`.
    Transport(Box<TransportData>),
    /// `produce`.
    Produce(ProduceReply),
    /// `consume`.
    Consumer(Box<ConsumerData>),
    /// `restartIce`.
    RestartIce(RestartIceReply),
    /// `voice:raise_hand`.
    RaiseHand(RaiseHandReply),
    /// `voice:producers`.
    Producers(ProducersReply),
    /// `voice:update_settings`.
    Settings(SettingsReply),
    /// Every method that answers `{}`.
    Empty(Empty),
}

macro_rules! reply_from {
    ($($variant:ident($ty:ty)),* $(,)?) => {$(
        impl From<$ty> for Reply {
            fn from(data: $ty) -> Self {
                Self::$variant(data.into())
            }
        }
    )*};
}

reply_from!(
    Join(JoinData),
    RouterCapabilities(RouterCapabilities),
    Transport(TransportData),
    Produce(ProduceReply),
    Consumer(ConsumerData),
    RestartIce(RestartIceReply),
    RaiseHand(RaiseHandReply),
    Producers(ProducersReply),
    Settings(SettingsReply),
    Empty(Empty),
);

impl From<()> for Reply {
    fn from((): ()) -> Self {
        Self::Empty(Empty {})
    }
}
