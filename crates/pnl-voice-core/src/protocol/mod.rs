//! The WebSocket wire contract (docs/protocol.md): client requests are
//! decoded into typed [`Command`]s; replies and events are typed here, and
//! the TypeScript client's wire types are generated from these types.
//! Pure data, no I/O.

mod command;
mod decode;
mod ice_server;
mod ids;
mod media_json;
mod outbound;
mod preview;
mod replies;
mod requests;
mod server_event;
mod webhook;

pub use command::{Command, Direction, ModerationAction, RoomCommand};
pub use decode::{decode, DecodeError, Request};
pub use ice_server::IceServer;
pub use ids::{ConsumerId, ProducerId, TransportId};
pub use media_json::{
    ConsumerType, DtlsParameters, IceCandidate, IceParameters, MediaKind, RtpCapabilities,
    RtpParameters,
};
pub use outbound::{error_reply, event, ok_reply};
pub use preview::{PreviewHost, RoomPreview};
pub use replies::{
    ConsumerData, Empty, JoinData, ProduceReply, ProducerInfo, ProducersReply, RaiseHandReply,
    Reply, RestartIceReply, RouterCapabilities, SettingsReply, TransportData,
};
pub use requests::{
    ConnectTransportRequest, ConsumeRequest, ConsumerRequest, CreateTransportRequest, DebateAction,
    DebateRequest, DebateVoteRequest, InviteResponseRequest, JoinRequest, ModerateRequest,
    MuteRequest, ProduceRequest, ProducerRequest, ReactRequest, TransportRequest,
};
pub use server_event::ServerEvent;
pub use webhook::{
    sign, signature_header, verify, SignatureError, WebhookEvent, WebhookEventType,
    SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECS,
};

#[cfg(test)]
mod tests;
#[cfg(test)]
mod typescript;
