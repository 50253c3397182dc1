//! The WebSocket wire contract (docs/protocol.md): client requests are
//! decoded into typed [`Command`]s; replies and events are typed here, and
//! the TypeScript client's wire types are generated from these types.
//! Pure data, no I/O.

mod command;
mod decode;
mod outbound;
mod replies;
mod requests;
mod server_event;

pub use command::{Command, Direction, ModerationAction, RoomCommand};
pub use decode::{decode, DecodeError, Request};
pub use outbound::{error_reply, event, ok_reply};
pub use replies::{
    ConsumerData, Empty, IceCandidateData, JoinData, ProduceReply, ProducerInfo, ProducersReply,
    RaiseHandReply, Reply, RestartIceReply, RouterCapabilities, SettingsReply, TransportData,
};
pub use requests::{
    ConnectTransportRequest, ConsumeRequest, ConsumerRequest, CreateTransportRequest, JoinRequest,
    ModerateRequest, MuteRequest, ProduceRequest, ProducerRequest, TransportRequest,
};
pub use server_event::ServerEvent;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod typescript;
