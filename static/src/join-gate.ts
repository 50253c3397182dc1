/**
 * After a refused join, Join waits while the same join would be refused
 * again: until a ban ends, for the seconds a rate limit asks, or, for a full
 * room, until the room's preview shows a place freed. Then it is offered again.
 */
import { fetchPreview, VoiceError } from '@pnl-voice/client';
import type { JoinForm } from './view/join-form';
import type { StatusView } from './view/status';

/** How often a full room's preview is read again. */
const FULL_POLL_MS = 5_000;
/** The longest a timer may wait (browsers run longer ones at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class JoinGate {
  private timer = 0;
  private poll = 0;

  constructor(
    private readonly form: JoinForm,
    private readonly status: StatusView,
    private readonly serverUrl: string,
  ) {}

  /** The join of `market` was refused with `err`: holds Join while a retry would fail. */
  refused(err: unknown, market: string): void {
    this.clear();
    if (!(err instanceof VoiceError)) return;
    const end = err.code === 'BANNED' && err.until ? Date.parse(err.until) : NaN;
    if (!Number.isNaN(end)) this.holdFor(end - Date.now(), 'You can join this room again.');
    else if (err.code === 'RATE_LIMITED' && err.retryAfterSecs) this.holdFor(err.retryAfterSecs * 1000, '');
    else if (err.code === 'ROOM_FULL') this.waitForPlace(market);
  }

  /** Joining again (or another address): nothing holds. */
  clear(): void {
    window.clearTimeout(this.timer);
    window.clearInterval(this.poll);
    this.form.release();
  }

  private holdFor(ms: number, then: string): void {
    this.form.hold();
    this.timer = window.setTimeout(() => {
      this.form.release();
      if (then) this.status.message(then);
    }, Math.min(MAX_TIMER_MS, Math.max(0, ms)));
  }

  /** Reads the room's head count now and every FULL_POLL_MS; a smaller count frees Join. */
  private waitForPlace(market: string): void {
    this.form.hold();
    let full: number | undefined;
    const look = async () => {
      const preview = await fetchPreview(this.serverUrl, market).catch(() => undefined);
      if (!preview) return;
      const count = preview.speakers + preview.listeners;
      full ??= count;
      if (count >= full) return;
      window.clearInterval(this.poll);
      this.form.release();
      this.status.message('A place is free in this room now: join.');
    };
    void look();
    this.poll = window.setInterval(() => void look(), FULL_POLL_MS);
  }
}
