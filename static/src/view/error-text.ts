/**
 * Errors as the page says them to people: a sentence, never a code or a
 * machine timestamp; a ban says until when, in the viewer's local time.
 */
import { describeError, VoiceError, type VoiceErrorCode } from '@pnl-voice/client';

/** What the page knows besides the error. */
export interface ErrorContext {
  /** The user was warned that rejoining again would block them (so a ban is the churn ban). */
  churned?: boolean;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const day = new Intl.DateTimeFormat(undefined, { weekday: 'long' });

/** `at 21:14` today, `on Friday at 09:30` another day. */
export function localTime(at: Date, now = new Date()): string {
  const sameDay = at.toDateString() === now.toDateString();
  return sameDay ? `at ${clock.format(at)}` : `on ${day.format(at)} at ${clock.format(at)}`;
}

/** The end of a ban (`until`, sent with `BANNED`), if the server said it. */
export function banEnd(err: unknown): Date | null {
  if (!(err instanceof VoiceError) || err.code !== 'BANNED' || !('until' in err) || typeof err.until !== 'string') return null;
  const at = new Date(err.until);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** Seconds to wait before trying again (`retryAfterSecs`, sent with `RATE_LIMITED`), if the server said it. */
export function retryAfter(err: unknown): number | null {
  if (!(err instanceof VoiceError) || err.code !== 'RATE_LIMITED') return null;
  if (!('retryAfterSecs' in err) || typeof err.retryAfterSecs !== 'number') return null;
  return Math.max(1, Math.ceil(err.retryAfterSecs));
}

const TEXTS: Partial<Record<VoiceErrorCode, string>> = {
  ROOM_FULL: 'This room is full.',
  INVALID_ADDRESS: 'That is not a valid market address.',
  UNAUTHORIZED: 'The sign-in was refused. Join again to sign in anew.',
  FORBIDDEN: 'You are not allowed to do that in this room.',
  NOT_FOUND: 'This room does not exist any more.',
  NOT_IN_ROOM: 'That person is no longer in the room.',
  NOT_JOINED: 'You are not in the room right now.',
  CONFLICT: 'That already happened.',
  CAPACITY: 'The voice server is full right now. Try again in a minute.',
  UNAVAILABLE: 'The voice server cannot take this right now. Try again in a minute.',
  UNREACHABLE: 'Cannot reach the voice server. Check your connection, then try again.',
  DISCONNECTED: 'The connection to the voice server dropped. Try again.',
  TIMEOUT: 'The voice server did not answer in time. Try again.',
  MEDIA: 'The audio connection could not be set up. Try again.',
  INTERNAL: 'Something went wrong on the voice server. Try again.',
};

/** The sentence for `err`. */
export function errorText(err: unknown, context: ErrorContext = {}): string {
  if (!(err instanceof VoiceError)) return describeError(err);
  if (err.code === 'BANNED') {
    const end = banEnd(err);
    const why = context.churned ? 'You left and joined this room too often.' : 'You were removed from this room.';
    return `${why} You can join again ${end ? localTime(end) : 'later'}.`;
  }
  if (err.code === 'RATE_LIMITED') {
    const seconds = retryAfter(err);
    return `That was too fast. Try again ${seconds ? `in ${seconds} second${seconds === 1 ? '' : 's'}` : 'in a moment'}.`;
  }
  if (err.code === 'CLIENT') return err.message; // already a sentence (e.g. the wallet refused to sign)
  return TEXTS[err.code] ?? describeError(err);
}
