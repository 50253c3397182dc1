/**
 * Human text for any error, for people: no error codes and no machine
 * timestamps. A ban says when it ends in local time, a rate limit how long
 * to wait, from the details the server sends (`until`, `retryAfterSecs`).
 */
import { VoiceError } from './protocol.js';

/** How `describeError` formats times: the browser's locale and time zone unless given (tests pin them). */
export interface DescribeOptions {
  locale?: string;
  timeZone?: string;
  /** Now, in ms since the epoch (default `Date.now()`): a ban ending on another day names the day. */
  now?: number;
}

/**
 * A waiting clause at the end of a server message ("… and can join again in 9 minutes",
 * "…: try again in 1 second", "…, or try again in 5 minutes").
 */
const WAIT_CLAUSE = /(\s+and can join again|[:;,]?\s+(or\s+)?(try again|retry)) in .*$/i;

/** Human text for any error. */
export function describeError(err: unknown, options: DescribeOptions = {}): string {
  if (err instanceof VoiceError) {
    if (err.code === 'BANNED' && err.until) return banned(err, err.until, options);
    if (err.code === 'RATE_LIMITED' && err.retryAfterSecs) {
      return `${sentence(err.message.replace(WAIT_CLAUSE, ''))} Try again in ${seconds(err.retryAfterSecs)}.`;
    }
    return sentence(err.message);
  }
  if (err instanceof Error) return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}

function banned(err: VoiceError, until: string, options: DescribeOptions): string {
  const end = new Date(until);
  if (Number.isNaN(end.getTime())) return sentence(err.message);
  return `${sentence(err.message.replace(WAIT_CLAUSE, ''))} You can join again at ${localTime(end, options)}.`;
}

/** `14:05`, or `Fri 14:05` when that is not today (in the chosen time zone). */
function localTime(at: Date, { locale, timeZone, now = Date.now() }: DescribeOptions): string {
  const day = new Intl.DateTimeFormat(locale, { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
  const sameDay = day.format(at) === day.format(new Date(now));
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: 'numeric',
    minute: '2-digit',
    ...(sameDay ? {} : { weekday: 'short' }),
  }).format(at);
}

function seconds(count: number): string {
  if (count < 60) return count === 1 ? '1 second' : `${count} seconds`;
  const minutes = Math.ceil(count / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** `text` as a sentence: capitalized, ending with a full stop. */
function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return 'Something went wrong.';
  const capitalized = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalized) ? capitalized : `${capitalized}.`;
}
