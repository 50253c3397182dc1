/**
 * The helpers both ends of the postMessage protocol use to post and read
 * messages. The messages themselves are typed in `@pnl-voice/client/embed`,
 * which host pages use too.
 */
import type { Envelope, MessageSource } from '@pnl-voice/client/embed';

export const SOURCE: MessageSource = 'pnl-voice';

/** `{source: 'pnl-voice', ...message}`: the envelope both ends post. */
export function envelope<T extends { type: string }>(message: T): Envelope<T> {
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
