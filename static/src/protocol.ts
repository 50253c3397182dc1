/** Wire types of /work/shared/PROTOCOL.md (sections 2 and 3) and its errors. */
import type { types } from 'mediasoup-client';

export type Position = 'YES' | 'NO' | 'NONE';

export interface Participant {
  walletAddress: string;
  displayName: string;
  position: Position;
  positionSize: number;
  isFounder: boolean;
  isSpeaker: boolean;
  isMuted: boolean;
  handRaised: boolean;
  joinedAt: string;
  /** Seconds heard speaking so far (a server addition to the contract). */
  speakingTime: number;
}

export interface RoomSettings {
  maxParticipants: number;
  speakerOnly: boolean;
  autoDestroy: boolean;
  destroyAfterMinutes: number;
}

/** Reply of `voice:join` (and of `POST /api/voice/join`). */
export interface JoinData {
  roomId: string;
  workerId: string;
  nodeId: string;
  workerUrl: string;
  rtpCapabilities: types.RtpCapabilities;
  participants: Participant[];
  speakerQueue: string[];
  settings: RoomSettings;
  iceServers: RTCIceServer[];
  you: Participant;
}

/** Reply of `createTransport`: what `device.create{Send,Recv}Transport` needs. */
export interface TransportData {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

/** Reply of `consume`: what `transport.consume` needs. */
export interface ConsumerData {
  id: string;
  producerId: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
}

export interface ProducerInfo {
  producerId: string;
  walletAddress: string;
}

export type ModerateAction = 'grant_speaker' | 'revoke_speaker' | 'kick' | 'mute_all';

type Empty = Record<string, never>;
type Wallet = { walletAddress: string };

/** Signaling methods: the request `data` and the reply `data` of each. */
export interface Methods {
  'voice:join': { data: { marketAddress: string }; reply: JoinData };
  'voice:leave': { data: Empty; reply: Empty };
  getRouterRtpCapabilities: { data: Empty; reply: types.RtpCapabilities };
  createTransport: { data: { direction: 'send' | 'recv' }; reply: TransportData };
  connectTransport: {
    data: { transportId: string; dtlsParameters: types.DtlsParameters };
    reply: Empty;
  };
  produce: {
    data: {
      transportId: string;
      kind: types.MediaKind;
      rtpParameters: types.RtpParameters;
      appData?: types.AppData;
    };
    reply: { id: string };
  };
  consume: {
    data: { transportId: string; producerId: string; rtpCapabilities: types.RtpCapabilities };
    reply: ConsumerData;
  };
  resumeConsumer: { data: { consumerId: string }; reply: Empty };
  pauseConsumer: { data: { consumerId: string }; reply: Empty };
  restartIce: { data: { transportId: string }; reply: { iceParameters: types.IceParameters } };
  closeProducer: { data: { producerId: string }; reply: Empty };
  'voice:mute': { data: { muted: boolean }; reply: Empty };
  'voice:raise_hand': { data: Empty; reply: { position: number } };
  'voice:lower_hand': { data: Empty; reply: Empty };
  'voice:moderate': { data: { action: ModerateAction; targetWallet?: string }; reply: Empty };
  'voice:producers': { data: Empty; reply: { producers: ProducerInfo[] } };
}

/** Server events and their `data`. */
export interface Events {
  'voice:user_joined': { user: Participant };
  'voice:user_left': Wallet;
  'voice:user_muted': Wallet & { muted: boolean };
  'voice:speaker_granted': Wallet;
  'voice:speaker_revoked': Wallet;
  'voice:hand_raised': Wallet & { queue: string[] };
  'voice:hand_lowered': Wallet & { queue: string[] };
  'voice:new_producer': ProducerInfo;
  'voice:producer_closed': ProducerInfo;
  'voice:active_speaker': Wallet;
  'voice:audio_levels': { levels: (Wallet & { volume: number })[] };
  'voice:kicked': { reason: string };
  'voice:room_closed': { reason: string };
  'voice:settings_updated': { settings: RoomSettings };
  'voice:error': WireError;
}

/** The `error` object of a REST envelope or an `ok:false` reply. */
export interface WireError {
  code: string;
  message: string;
  /** Set with `WRONG_NODE`: the node that owns the room. */
  workerUrl?: string;
}

/** A failure reported by the server, or a client-side one with a code of its own. */
export class ProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly workerUrl?: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Human text for any error: `CODE: message` for protocol errors. */
export function describeError(err: unknown): string {
  if (err instanceof ProtocolError) return `${err.code}: ${err.message}`;
  if (err instanceof DOMException) return `${err.name}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}
