//! The `voice:join` reply (also `POST /api/voice/join`'s data), built from
//! what the room admitted and what the node knows. The type is the
//! protocol's (the core crate); filling it needs the room's mediasoup facts
//! (its worker and router capabilities), so the builder stays on the
//! server's side of the wire.

use crate::protocol::JoinData;
use crate::turn::IceServer;

use super::room::{Admission, RoomHandle};

/// This node as a join reply names it.
pub struct NodeInfo<'a> {
    /// Node id.
    pub node_id: &'a str,
    /// Its WebSocket URL.
    pub worker_url: String,
}

/// What joining `room` gives its caller.
pub fn join_data(
    room: &RoomHandle,
    admission: Admission,
    node: NodeInfo<'_>,
    ice_servers: Vec<IceServer>,
) -> JoinData {
    JoinData {
        room_id: room.id.clone(),
        worker_id: room.slot.worker.id().to_string(),
        node_id: node.node_id.to_string(),
        worker_url: node.worker_url,
        rtp_capabilities: crate::media::wire::json(room.rtp_capabilities()),
        participants: admission.participants,
        speaker_queue: admission.speaker_queue,
        settings: admission.settings,
        active_speaker: admission.active_speaker,
        ice_servers,
        you: admission.you,
        host: admission.host,
        co_hosts: admission.co_hosts,
        reservations: admission.reservations,
        debate: admission.debate,
    }
}
