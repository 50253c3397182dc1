/**
 * The debate on screen. For everyone, a panel above the stage: whose turn
 * it is (side, speaker, time left), whether the floor is open, then the
 * poll (vote buttons for those who may vote) and the result, by votes and
 * by position size. For the host, the debate's commands in the control
 * bar, behind one "Debate" button. Turn changes are read out through a
 * polite live region; the clocks tick on screen only.
 */
import type { DebateSide, DebateState, Participant, RoomSnapshot, VoiceRoom } from '@pnl-voice/client';
import { shortAddress } from '../address';
import { byId, el } from './dom';
import { formatAmount, formatDuration } from './format';
import { percent } from './tally';

const TURN_MIN_S = 15;
const TURN_MAX_S = 600;
const TURN_DEFAULT_S = 90;
const TICK_MS = 1000;

/** The host, a co-host or the founder: runs the debate and does not vote. */
function moderates(p: Participant | null): boolean {
  return !!p && (p.isFounder || p.isHost || p.isCoHost);
}

/** What of the viewer the debate view shows: who, on stage or not, which side, moderating or not. */
function roleKey(p: Participant | null): string {
  return p ? `${p.walletAddress} ${p.isSpeaker} ${p.position} ${moderates(p)}` : '';
}

/** Seconds from now until `iso`, never below 0. */
function secondsUntil(iso: string): number {
  return Math.max(0, Math.ceil((Date.parse(iso) - Date.now()) / 1000));
}

function sideBadge(side: DebateSide): HTMLElement {
  return el('span', `badge badge-${side.toLowerCase()}`, [side]);
}

/** Wires the debate panel and the host's controls to `room`; `problem` shows a failed command. */
export function startDebateView(room: VoiceRoom, problem: (err: unknown) => void): void {
  const view = new DebateView({
    start: (turnSeconds) => room.startDebate(turnSeconds).catch(problem),
    next: () => room.nextTurn().catch(problem),
    end: () => room.endDebate().catch(problem),
    floor: (open) => (open ? room.openFloor() : room.closeFloor()).catch(problem),
    closePoll: () => room.closePoll().catch(problem),
    vote: (side) => room.voteDebate(side).catch(problem),
  });
  room.on('state', (state) => view.render(state));
  room.on('debate-started', ({ turnSeconds }) => view.announce(`A debate started: turns of ${turnSeconds} seconds, YES first.`));
  room.on('debate-turn', ({ side, walletAddress, turn }) =>
    view.announce(
      side && walletAddress
        ? `Turn ${turn}: ${side}, ${view.nameOf(walletAddress)} speaks.`
        : `Turn ${turn}: nobody on stage holds YES or NO, so nobody has the turn.`,
    ),
  );
  room.on('debate-floor', ({ open }) =>
    view.announce(open ? 'The floor is open: everyone on stage may speak.' : 'The floor is closed: one debater at a time.'),
  );
  room.on('debate-poll', () => view.announce('The debate is over. The poll on which side argued better is open.'));
  room.on('debate-ended', ({ summary }) => view.announce(`The poll closed. ${winnerText(summary.poll.winner)}`));
  room.on('closed', () => view.clear());
}

interface DebateHandlers {
  start(turnSeconds: number): void;
  next(): void;
  end(): void;
  floor(open: boolean): void;
  closePoll(): void;
  vote(side: DebateSide): void;
}

class DebateView {
  private readonly panel = byId<HTMLElement>('debate');
  private readonly live = byId<HTMLElement>('debate-live');
  private readonly host = byId<HTMLElement>('debate-host');
  private readonly menu = byId<HTMLButtonElement>('debate-menu');
  private readonly hostPanel = byId<HTMLElement>('debate-host-panel');
  private debate: DebateState | null = null;
  private self: Participant | null = null;
  private timer = 0;
  /** The host's chosen turn length, kept while the commands are redrawn. */
  private turnSeconds = String(TURN_DEFAULT_S);

  constructor(private readonly handlers: DebateHandlers) {
    this.menu.addEventListener('click', () => this.setOpen(this.menu.getAttribute('aria-expanded') !== 'true'));
    this.hostPanel.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      this.setOpen(false);
      this.menu.focus();
    });
  }

  /** Draws what changed: the debate, the viewer's role or who is in the room. */
  render(state: RoomSnapshot): void {
    const changed = state.debate !== this.debate || roleKey(state.you) !== roleKey(this.self);
    this.self = state.you;
    if (!changed) return; // speaking time and levels alone: nothing here moves
    this.debate = state.debate;
    this.keepFocus(this.panel, () => this.drawPanel());
    this.keepFocus(this.hostPanel, () => this.drawHost());
    this.runClock();
  }

  announce(text: string): void {
    this.live.textContent = text;
  }

  /** `AbCd…wXyZ`, or "you". */
  nameOf(wallet: string): string {
    return wallet === this.self?.walletAddress ? 'you' : shortAddress(wallet);
  }

  clear(): void {
    this.debate = null;
    this.self = null;
    this.panel.hidden = true;
    this.panel.replaceChildren();
    this.host.hidden = true;
    this.setOpen(false);
    this.live.textContent = '';
    this.runClock();
  }

  // ---------- the panel, for everyone ----------

  private drawPanel(): void {
    const debate = this.debate;
    this.panel.hidden = !debate;
    if (!debate) {
      this.panel.replaceChildren();
      return;
    }
    this.panel.dataset.stage = debate.running ? 'turns' : debate.poll ? 'poll' : 'result';
    if (debate.running) this.panel.replaceChildren(...this.turnPart(debate));
    else if (debate.poll) this.panel.replaceChildren(...this.pollPart(debate));
    else this.panel.replaceChildren(...this.resultPart(debate));
  }

  private turnPart(debate: DebateState): HTMLElement[] {
    const title = el('h2', '', ['Debate ', el('span', 'count', [`(${debate.turnSeconds}-second turns)`])], {
      id: 'debate-title',
      tabindex: '-1',
    });
    const parts: HTMLElement[] = [title];
    const turn = debate.turn;
    if (turn) {
      const you = turn.walletAddress === this.self?.walletAddress;
      const who = el('p', 'debate-turn', [
        sideBadge(turn.side),
        ' ',
        el('span', 'name', [shortAddress(turn.walletAddress)], { title: turn.walletAddress }),
        you ? el('span', 'you', [' (you)']) : '',
        ` has turn ${turn.number}`,
      ]);
      who.dataset.side = turn.side.toLowerCase();
      who.dataset.wallet = turn.walletAddress;
      parts.push(who, this.clock(turn.endsAt, 'left in this turn'));
    } else {
      parts.push(el('p', 'debate-turn', ['No turn: nobody on stage holds YES or NO.']));
    }
    if (debate.floorOpen) parts.push(el('p', 'debate-floor', ['Open floor: everyone on stage may speak.']));
    const hint = this.ownHint(debate);
    if (hint) parts.push(el('p', 'hint', [hint]));
    return parts;
  }

  /** What the viewer may do now, when they debate. */
  private ownHint(debate: DebateState): string {
    const me = this.self;
    if (!me || !me.isSpeaker || me.position === 'NONE' || moderates(me) || debate.floorOpen) return '';
    return debate.turn?.walletAddress === me.walletAddress
      ? 'Your turn: your microphone is on.'
      : 'Your microphone is off until your turn.';
  }

  private pollPart(debate: DebateState): HTMLElement[] {
    const parts: HTMLElement[] = [el('h2', '', ['Which side argued better?'], { id: 'debate-title', tabindex: '-1' })];
    if (debate.poll) parts.push(this.clock(debate.poll.closesAt, 'left to vote'));
    if (moderates(this.self)) {
      parts.push(el('p', 'hint', ['The room is voting. You run the debate, so you do not vote.']));
      return parts;
    }
    const buttons = (['YES', 'NO'] as const).map((side) => {
      const chosen = debate.vote === side;
      const button = el('button', `debate-vote-${side.toLowerCase()}`, [side], {
        type: 'button',
        'aria-pressed': String(chosen),
      });
      button.dataset.focusKey = `vote:${side}`;
      button.addEventListener('click', () => this.handlers.vote(side));
      return button;
    });
    parts.push(el('div', 'debate-vote', buttons, { role: 'group', 'aria-labelledby': 'debate-title' }));
    parts.push(
      el('p', 'hint', [
        debate.vote
          ? `You voted ${debate.vote}. You can change your vote until the poll closes.`
          : 'Votes count once each and by position size.',
      ]),
    );
    return parts;
  }

  private resultPart(debate: DebateState): HTMLElement[] {
    const summary = debate.summary;
    if (!summary) return [el('h2', '', ['Debate over'], { id: 'debate-title', tabindex: '-1' })];
    const { yes, no, winner } = summary.poll;
    const votes = yes.votes + no.votes;
    const weight = yes.weight + no.weight;
    const row = (side: DebateSide, count: { votes: number; weight: number }) => {
      const share = percent(count.weight, weight);
      const bar = el('span', 'debate-bar', [], { 'aria-hidden': 'true' });
      bar.style.setProperty('--share', `${share}%`);
      const item = el('li', `debate-result-${side.toLowerCase()}`, [
        sideBadge(side),
        ` ${count.votes} ${count.votes === 1 ? 'vote' : 'votes'} (${percent(count.votes, votes)}%), `,
        `${formatAmount(count.weight)} by position size (${share}%)`,
        bar,
      ]);
      return item;
    };
    const spoken = summary.speakingSeconds;
    const parts = [
      el('h2', '', ['Debate result'], { id: 'debate-title', tabindex: '-1' }),
      el('p', 'debate-winner', [winnerText(winner)]),
      el('ul', 'debate-results', [row('YES', yes), row('NO', no)]),
      el('p', 'hint', [
        `${summary.turns.length} ${summary.turns.length === 1 ? 'turn' : 'turns'}; YES spoke ${formatDuration(spoken.yes)}, ` +
          `NO spoke ${formatDuration(spoken.no)}.`,
      ]),
    ];
    if (debate.vote) parts.push(el('p', 'hint', [`You voted ${debate.vote}.`]));
    return parts;
  }

  /** A countdown to `iso`, refreshed every second (not read out: `role=timer` is not live). */
  private clock(iso: string, what: string): HTMLElement {
    const clock = el('p', 'debate-clock', [], { role: 'timer' });
    clock.dataset.until = iso;
    clock.dataset.what = what;
    this.tickOne(clock);
    return clock;
  }

  private tickOne(clock: HTMLElement): void {
    clock.textContent = `${formatDuration(secondsUntil(clock.dataset.until ?? ''))} ${clock.dataset.what ?? ''}`;
  }

  private runClock(): void {
    const ticking = !!this.debate && (!!this.debate.turn || !!this.debate.poll);
    if (ticking && !this.timer) {
      this.timer = window.setInterval(() => {
        for (const clock of this.panel.querySelectorAll<HTMLElement>('.debate-clock')) this.tickOne(clock);
      }, TICK_MS);
    } else if (!ticking && this.timer) {
      window.clearInterval(this.timer);
      this.timer = 0;
    }
  }

  // ---------- the host's commands, in the control bar ----------

  private setOpen(open: boolean): void {
    this.hostPanel.hidden = !open;
    this.menu.setAttribute('aria-expanded', String(open));
  }

  private drawHost(): void {
    const host = moderates(this.self);
    this.host.hidden = !host;
    if (!host) {
      this.setOpen(false);
      this.hostPanel.replaceChildren();
      return;
    }
    const debate = this.debate;
    this.menu.textContent = debate?.running ? 'Debate: on' : debate?.poll ? 'Debate: poll' : 'Debate';
    if (debate?.running) {
      this.hostPanel.replaceChildren(
        this.command('Next turn', 'next', () => this.handlers.next()),
        debate.floorOpen
          ? this.command('Close floor', 'floor', () => this.handlers.floor(false))
          : this.command('Open floor', 'floor', () => this.handlers.floor(true)),
        this.command('End debate', 'end', () => this.handlers.end(), 'danger'),
      );
    } else if (debate?.poll) {
      this.hostPanel.replaceChildren(this.command('Close poll', 'close-poll', () => this.handlers.closePoll()));
    } else {
      this.hostPanel.replaceChildren(...this.startForm());
    }
  }

  private command(text: string, key: string, run: () => void, className = ''): HTMLButtonElement {
    const button = el('button', className, [text], { type: 'button' });
    button.dataset.focusKey = `debate:${key}`;
    button.addEventListener('click', run);
    return button;
  }

  /** The turn length (15–600 s) and Start. */
  private startForm(): HTMLElement[] {
    const input = el('input', '', [], {
      id: 'debate-length',
      type: 'number',
      inputmode: 'numeric',
      min: String(TURN_MIN_S),
      max: String(TURN_MAX_S),
      step: '1',
      value: this.turnSeconds,
      'aria-describedby': 'debate-length-hint',
    });
    input.dataset.focusKey = 'debate:length';
    const hint = el('span', 'debate-length-hint', [`${TURN_MIN_S} to ${TURN_MAX_S} seconds`], { id: 'debate-length-hint' });
    const field = el('div', 'debate-length', [el('label', '', ['Turn length'], { for: 'debate-length' }), input, hint]);
    const start = () => {
      const seconds = Number(input.value);
      const valid = Number.isInteger(seconds) && seconds >= TURN_MIN_S && seconds <= TURN_MAX_S;
      input.setAttribute('aria-invalid', String(!valid));
      hint.textContent = valid
        ? `${TURN_MIN_S} to ${TURN_MAX_S} seconds`
        : `Choose a whole number of seconds from ${TURN_MIN_S} to ${TURN_MAX_S}.`;
      if (!valid) {
        input.focus();
        return;
      }
      this.turnSeconds = String(seconds);
      this.handlers.start(seconds);
    };
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') start();
    });
    input.addEventListener('input', () => {
      this.turnSeconds = input.value;
    });
    return [field, this.command('Start debate', 'start', start, 'primary')];
  }

  /**
   * Redraws `container`; focus inside it returns to the same control, else
   * to a place where a second key press does nothing (the Debate button,
   * the panel's heading): never to the next command.
   */
  private keepFocus(container: HTMLElement, draw: () => void): void {
    const focused = document.activeElement instanceof HTMLElement && container.contains(document.activeElement) ? document.activeElement : null;
    const key = focused?.dataset.focusKey;
    draw();
    if (!focused || container.contains(focused)) return;
    const again = key ? container.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(key)}"]`) : null;
    const fallback = container === this.hostPanel ? this.menu : container.querySelector<HTMLElement>('h2');
    (again ?? fallback)?.focus();
  }
}

function winnerText(winner: DebateSide | null): string {
  return winner ? `${winner} argued better, by position size.` : 'No side won: a tie, or nobody voted.';
}
