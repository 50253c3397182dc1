/**
 * The room on screen: speakers on the stage, listeners below, the raised
 * hands queue, live audio-level rings and the active speaker.
 */
import { shortAddress } from '../address';
import type { ModerateAction, Participant } from '../protocol';
import type { RoomState } from '../room-state';
import type { AudioLevel } from '../session';
import { byId, el } from './dom';
import { formatSpoken, levelOf } from './format';
import { participantTile } from './tile';

/** Without a new level report for this long, everyone is silent. */
const LEVEL_HOLD_MS = 700;

/** Founder first, then by arrival. */
function byStanding(a: Participant, b: Participant): number {
  return Number(b.isFounder) - Number(a.isFounder) || a.joinedAt.localeCompare(b.joinedAt);
}

export class RoomView {
  private readonly section = byId<HTMLElement>('room');
  private readonly speakers = byId<HTMLUListElement>('speakers');
  private readonly listeners = byId<HTMLUListElement>('listeners');
  private readonly stageCount = byId<HTMLElement>('stage-count');
  private readonly audienceCount = byId<HTMLElement>('audience-count');
  private readonly queuePanel = byId<HTMLElement>('queue-panel');
  private readonly queueList = byId<HTMLOListElement>('queue');
  private readonly queueCount = byId<HTMLElement>('queue-count');
  private readonly queueHint = byId<HTMLElement>('queue-hint');
  private state?: RoomState;
  /** The dominant speaker from `voice:active_speaker` ('' until the first one). */
  private active = '';
  /** Ring size (0–1) by wallet, from the latest level report. */
  private loud = new Map<string, number>();
  private silenceTimer = 0;

  constructor(private readonly moderate: (action: ModerateAction, target: string) => void) {}

  show(visible: boolean): void {
    this.section.hidden = !visible;
  }

  /** Keyboard users start at the top of the room. */
  focus(): void {
    byId('stage-title').focus();
  }

  render(state: RoomState): void {
    this.state = state;
    const focusKey = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.focusKey : undefined;
    const everyone = [...state.participants.values()].sort(byStanding);
    const context = {
      self: state.self,
      founder: state.founder,
      speakerOnly: state.settings.speakerOnly,
      moderate: (action: ModerateAction, target: string) => this.confirmThen(action, target),
    };
    const stage = everyone.filter((p) => p.isSpeaker);
    const audience = everyone.filter((p) => !p.isSpeaker);
    this.speakers.replaceChildren(...stage.map((p) => participantTile(p, context)));
    this.listeners.replaceChildren(...audience.map((p) => participantTile(p, context)));
    this.stageCount.textContent = `(${stage.length})`;
    this.audienceCount.textContent = `(${audience.length})`;
    this.renderQueue(state);
    for (const tile of this.tiles()) this.setLevel(tile, this.loud.get(tile.dataset.wallet ?? '') ?? 0);
    this.markActive(this.speaking());
    if (focusKey) this.restoreFocus(focusKey);
  }

  /** Rings follow the latest report; anyone not in it is silent. */
  levels(levels: AudioLevel[]): void {
    const loud = new Map(levels.map(({ walletAddress, volume }) => [walletAddress, levelOf(volume)]));
    this.loud = loud;
    for (const tile of this.tiles()) {
      const wallet = tile.dataset.wallet ?? '';
      this.setLevel(tile, loud.get(wallet) ?? 0);
      const seconds = this.state?.participants.get(wallet)?.speakingTime;
      const time = tile.querySelector('.talk-time');
      if (time && seconds !== undefined && loud.has(wallet)) time.textContent = formatSpoken(seconds);
    }
    if (!this.active) this.markActive(this.speaking());
    window.clearTimeout(this.silenceTimer);
    this.silenceTimer = window.setTimeout(() => this.levels([]), LEVEL_HOLD_MS);
  }

  /** Nobody is heard (the connection is being rebuilt). */
  silence(): void {
    this.active = '';
    this.levels([]);
  }

  activeSpeaker(walletAddress: string): void {
    this.active = walletAddress;
    this.markActive(walletAddress);
  }

  clear(): void {
    this.state = undefined;
    this.active = '';
    this.loud.clear();
    window.clearTimeout(this.silenceTimer);
    for (const list of [this.speakers, this.listeners, this.queueList]) list.replaceChildren();
  }

  private renderQueue(state: RoomState): void {
    // The founder always sees the queue; others only while someone waits.
    this.queuePanel.hidden = !state.settings.speakerOnly || (!state.founder && state.queue.length === 0);
    this.queueCount.textContent = `(${state.queue.length})`;
    const place = state.queue.indexOf(state.self) + 1;
    this.queueHint.textContent = state.founder
      ? state.queue.length
        ? 'First come, first served. Invite someone to bring them on stage.'
        : 'Nobody is waiting to speak.'
      : place
        ? `Your hand is up: you are number ${place} in line.`
        : 'Waiting to speak, in order:';
    this.queueList.replaceChildren(
      ...state.queue.map((wallet) => {
        const name = shortAddress(wallet);
        const item = el('li', 'queue-item', [el('span', 'name', [name], { title: wallet })]);
        item.dataset.wallet = wallet;
        if (wallet === state.self) item.append(el('span', 'you', [' (you)']));
        if (state.founder) {
          const grant = el('button', 'small primary', ['Invite'], {
            type: 'button',
            'aria-label': `Invite ${name} to speak`,
          });
          grant.dataset.action = 'grant_speaker';
          grant.dataset.focusKey = `queue:${wallet}`;
          grant.addEventListener('click', () => this.moderate('grant_speaker', wallet));
          item.append(grant);
        }
        return item;
      }),
    );
  }

  /** A kick also bans for a while: ask first. */
  private confirmThen(action: ModerateAction, target: string): void {
    if (action === 'kick' && !window.confirm(`Remove ${shortAddress(target)} from the room? They cannot rejoin for a while.`)) {
      return;
    }
    this.moderate(action, target);
  }

  /**
   * The speaker to highlight. The server names the dominant speaker only when
   * it changes: until a late joiner hears of one, the loudest voice is it.
   */
  private speaking(): string {
    if (this.active) return this.active;
    let top = '';
    for (const [wallet, level] of this.loud) if (!top || level > (this.loud.get(top) ?? 0)) top = wallet;
    return top;
  }

  private markActive(walletAddress: string): void {
    for (const tile of this.tiles()) {
      const active = tile.dataset.wallet === walletAddress && tile.dataset.live === 'true';
      tile.dataset.active = String(active);
      const label = tile.querySelector('.speaking-now');
      if (label) label.textContent = active ? 'Speaking' : '';
    }
  }

  private setLevel(tile: HTMLElement, level: number): void {
    tile.querySelector<HTMLElement>('.avatar')?.style.setProperty('--level', level.toFixed(2));
  }

  /** Focus on the same button again after a re-render, or near it. */
  private restoreFocus(key: string): void {
    const wallet = key.split(':').pop() ?? '';
    const target =
      this.section.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(key)}"]`) ??
      this.section.querySelector<HTMLElement>(`[data-wallet="${CSS.escape(wallet)}"] button`) ??
      byId('stage-title'); // the participant is gone: back to the top of the room
    target.focus();
  }

  private tiles(): HTMLElement[] {
    return [...this.section.querySelectorAll<HTMLElement>('.tile')];
  }
}
