// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { DebateView } from "./DebateView.js";
import type { IceServer } from "./IceServer.js";
import type { Participant } from "./Participant.js";
import type { Reservation } from "./Reservation.js";
import type { RoomSettings } from "./RoomSettings.js";

/**
 * What joining a room gives (`voice:join`, and `POST /api/voice/join`).
 */
export type JoinData = { 
/**
 * The room: its market's address.
 */
roomId: string, 
/**
 * The mediasoup worker the room runs on.
 */
workerId: string, 
/**
 * The node that owns the room.
 */
nodeId: string, 
/**
 * That node's WebSocket URL.
 */
workerUrl: string, 
/**
 * The router's capabilities, for `device.load`.
 */
rtpCapabilities: import('mediasoup-client').types.RtpCapabilities, 
/**
 * Everyone in the room, the caller included.
 */
participants: Array<Participant>, 
/**
 * The raise-hand queue, first in line first.
 */
speakerQueue: Array<string>, 
/**
 * The room's settings.
 */
settings: RoomSettings, 
/**
 * Who is speaking now, if anyone has yet.
 */
activeSpeaker: string | null, 
/**
 * STUN and TURN servers for `RTCPeerConnection`.
 */
iceServers: Array<IceServer>, 
/**
 * The caller's own view.
 */
you: Participant, 
/**
 * Who holds the host role (the founder unless handed on).
 */
host: string | null, 
/**
 * The co-hosts, present or not, in address order.
 */
coHosts: Array<string>, 
/**
 * The room's live reservations: shown to the founder and co-hosts
 * (who may clear them), empty for everyone else.
 */
reservations: Array<Reservation>, 
/**
 * The debate running in the room, if any (its turn, floor and poll).
 */
debate: DebateView | null, };
