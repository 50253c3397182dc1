/**
 * The postMessage protocol between a market page running `embed.js` (the
 * host) and the room page in its iframe (the frame). Every message is a
 * plain object `{source: 'pnl-voice', type, ...}`; anything else on the
 * window's message channel belongs to someone else and is ignored.
 *
 * Both ends (`static/src/embed/` and `static/src/frame/`) and host pages
 * use these types, so that none of them can drift apart.
 */

/** The `source` of every message of the protocol. */
export type MessageSource = 'pnl-voice';

/** A message as it is posted: `{source: 'pnl-voice', ...message}`. */
export type Envelope<T extends { type: string }> = T & { source: MessageSource };

/** Commands the host page sends to the frame. */
export type HostCommand =
  | { type: 'join' }
  | { type: 'leave' }
  | { type: 'mute'; muted: boolean }
  | { type: 'raise-hand' }
  | { type: 'lower-hand' }
  | { type: 'expand'; expanded: boolean };

/** A participant as the host page sees it. */
export interface EmbedParticipant {
  walletAddress: string;
  /** `AbCd…WxYz`. */
  displayName: string;
  position: 'YES' | 'NO' | 'NONE';
  /** The size of the holding behind `position`. */
  positionSize: number;
  isFounder: boolean;
  isSpeaker: boolean;
}

/** The size the docked frame asks its host for, in CSS pixels (the host clamps it to its viewport). */
export interface Layout {
  mode: 'collapsed' | 'expanded';
  width: number;
  height: number;
}

/** Events the frame reports to the host page (`embed.js` adds `error` `EMBED_NOT_LOADED` when the room did not load). */
export type FrameEvent =
  | { type: 'ready' }
  | { type: 'joined'; marketAddress: string; walletAddress: string }
  | { type: 'left'; reason: string }
  | { type: 'participant-joined'; participant: EmbedParticipant }
  | { type: 'participant-left'; walletAddress: string }
  | { type: 'speaking'; walletAddress: string | null }
  | { type: 'queue'; queue: string[] }
  | { type: 'error'; code: string; message: string }
  | ({ type: 'layout' } & Layout);

/** The name of a frame event. */
export type FrameEventType = FrameEvent['type'];

/** The frame event named `T`. */
export type FrameEventOf<T extends FrameEventType> = Extract<FrameEvent, { type: T }>;

/** The wallet bridge: the frame asks, the host's wallet answers (messages and signatures in base64). */
export type BridgeRequest = { type: 'wallet-request'; id: number } | { type: 'sign-request'; id: number; message: string };
export type BridgeResponse =
  | { type: 'wallet-response'; id: number; publicKey: string | null }
  | { type: 'sign-response'; id: number; signature: string }
  | { type: 'sign-response'; id: number; error: string };

/**
 * The host page's answer to the frame's `ready`: it runs embed.js and
 * answers the wallet bridge (a plain iframe never says it, so the frame
 * does not wait for a wallet that nobody will offer).
 */
export type HostReady = { type: 'ready' };

export type FrameToHost = FrameEvent | BridgeRequest;
export type HostToFrame = HostReady | HostCommand | BridgeResponse;
