/**
 * The postMessage protocol between a market page running `embed.js` (the
 * host) and the room page in its iframe (the frame). Every message is a
 * plain object `{source: 'pnl-voice', type, ...}`; anything else on the
 * window's message channel belongs to someone else and is ignored.
 *
 * Shared by both ends so that they cannot drift apart.
 */

export const SOURCE = 'pnl-voice';

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

/** Events the frame reports to the host page. */
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

/** The wallet bridge: the frame asks, the host's wallet answers. */
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

/** `{source: 'pnl-voice', ...message}`: the envelope both ends post. */
export function envelope<T extends { type: string }>(message: T): T & { source: typeof SOURCE } {
  return { source: SOURCE, ...message };
}

/** The message if `data` is one of ours (`source` and a string `type`), else undefined. */
export function readMessage(data: unknown): ({ type: string } & Record<string, unknown>) | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const record = data as Record<string, unknown>;
  if (record.source !== SOURCE || typeof record.type !== 'string') return undefined;
  return record as { type: string } & Record<string, unknown>;
}

export function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

/** Decodes base64; throws on text that is not base64. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The scheme://host:port of `url`, or '' when it is not a URL with an origin. */
export function originOf(url: string): string {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? '' : origin;
  } catch {
    return '';
  }
}
