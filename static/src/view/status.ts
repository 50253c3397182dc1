/**
 * What the page says about itself: the connection pill, the status line
 * (a polite live region), moments to notice (speak now, muted by the
 * founder) and passing problems (alerts).
 */
import type { Notice } from '@pnl-voice/client';
import { byId } from './dom';

/** How a stay in a room ended, as the page tells it (`data-end-reason` on `#app`). */
export type EndReason = 'left' | 'kicked' | 'replaced' | 'closed' | 'error';

/** Where the page is with the room. */
export type Phase =
  | { kind: 'connecting' }
  | { kind: 'joined'; rejoined: boolean }
  /** `why` is a sentence: "Connection lost." */
  | { kind: 'reconnecting'; attempt: number; why: string }
  | { kind: 'ended'; reason: EndReason; text: string };

const PROBLEM_MS = 8_000;
/** How long "Reconnected." leads the status line before it says only the role again. */
const RECONNECTED_MS = 4_000;

const NOTICES: Record<Notice, string> = {
  'speak-now': 'You may speak now. Unmute (or hold to talk) when you are ready.',
  'muted-by-founder': 'Muted by the founder. Unmute when you want to speak again.',
  'moved-to-audience': 'The founder moved you back to the listeners.',
};

/** The page's own notice besides the SDK's: joining again soon would trip the churn ban. */
type PageNotice = 'rejoin-warning';

/** The warning before the churn ban, `left` more joins allowed within its window. */
export function rejoinWarning(left: number): string {
  const rest = 'you are kept out of this room for a while.';
  return left === 0
    ? `If you leave now and join again soon, ${rest}`
    : `You can leave and join again ${left} more time${left === 1 ? '' : 's'} soon; after that, ${rest}`;
}

type PillState = 'idle' | 'connecting' | 'connected' | 'reconnecting';

export class StatusView {
  private readonly app = byId<HTMLElement>('app');
  private readonly pill = byId<HTMLElement>('connection');
  private readonly line = byId<HTMLElement>('status');
  private readonly notice = byId<HTMLElement>('notice');
  private readonly noticeText = byId<HTMLElement>('notice-text');
  private readonly problemLine = byId<HTMLElement>('problem');
  private problemTimer = 0;
  private reconnectedTimer = 0;
  private joinedText = '';
  private audioDown = false;

  constructor() {
    byId<HTMLButtonElement>('notice-close').addEventListener('click', () => this.clearNotice());
  }

  /** A message outside a room session (sign-in progress, a bad address). */
  message(text: string, tone: 'info' | 'error' = 'info'): void {
    this.say(text, tone);
  }

  /** `joinedText` is what to say once in the room. */
  phase(phase: Phase | { kind: 'idle' }, joinedText = ''): void {
    this.app.dataset.phase = phase.kind;
    if (phase.kind !== 'ended') delete this.app.dataset.endReason;
    this.audioDown = false;
    window.clearTimeout(this.reconnectedTimer);
    switch (phase.kind) {
      case 'idle':
        this.setPill('idle', 'Not connected');
        break;
      case 'connecting':
        this.setPill('connecting', 'Connecting');
        this.say('Connecting…');
        break;
      case 'joined':
        this.joinedText = joinedText;
        this.setPill('connected', 'Connected');
        this.say(phase.rejoined ? `Reconnected. ${joinedText}` : joinedText);
        if (phase.rejoined) this.reconnectedTimer = window.setTimeout(() => this.say(this.joinedText), RECONNECTED_MS);
        break;
      case 'reconnecting':
        // Notices were about moments before the drop: none of them holds after it.
        this.clearNotice();
        this.setPill('reconnecting', 'Reconnecting');
        this.say(`${phase.why} Reconnecting… (attempt ${phase.attempt})`, 'warn');
        break;
      case 'ended':
        this.setPill('idle', 'Not connected');
        this.clearNotice();
        this.app.dataset.endReason = phase.reason;
        this.say(phase.text, phase.reason === 'left' ? 'info' : 'error');
        break;
    }
  }

  /** The role changed in the room: say the new one. */
  role(text: string): void {
    if (this.app.dataset.phase !== 'joined' || this.audioDown || text === this.joinedText) return;
    window.clearTimeout(this.reconnectedTimer);
    this.joinedText = text;
    this.say(text);
  }

  /** The media path dropped or came back while the socket stayed up. */
  audioPath(state: 'ok' | 'restarting'): void {
    if (this.app.dataset.phase !== 'joined' || (state === 'restarting') === this.audioDown) return;
    this.audioDown = state === 'restarting';
    if (this.audioDown) {
      this.setPill('reconnecting', 'Reconnecting audio');
      this.say('The audio connection dropped. Reconnecting audio…', 'warn');
    } else {
      this.setPill('connected', 'Connected');
      this.say(`Audio is back. ${this.joinedText}`);
    }
  }

  showNotice(kind: Notice): void {
    this.notice.hidden = false;
    this.notice.dataset.kind = kind;
    this.noticeText.textContent = NOTICES[kind];
  }

  /** Warns, on joining, that `left` more rejoins soon lead to the churn ban (the join data's `rejoinsLeft`). */
  warnRejoins(left: number): void {
    this.notice.hidden = false;
    this.notice.dataset.kind = 'rejoin-warning' satisfies PageNotice;
    this.noticeText.textContent = rejoinWarning(left);
  }

  /** Clears the notice (only if it is one of `kinds`, when given). */
  clearNotice(...kinds: (Notice | PageNotice)[]): void {
    const current = this.notice.dataset.kind as Notice | PageNotice | undefined;
    if (kinds.length && (!current || !kinds.includes(current))) return;
    this.notice.hidden = true;
    delete this.notice.dataset.kind;
  }

  problem(text: string): void {
    this.problemLine.textContent = text;
    this.problemLine.hidden = false;
    window.clearTimeout(this.problemTimer);
    this.problemTimer = window.setTimeout(() => {
      this.problemLine.hidden = true;
    }, PROBLEM_MS);
  }

  private setPill(state: PillState, text: string): void {
    this.pill.dataset.state = state;
    this.pill.textContent = text;
  }

  private say(text: string, tone: 'info' | 'warn' | 'error' = 'info'): void {
    this.line.textContent = text;
    this.line.dataset.tone = tone;
  }
}
