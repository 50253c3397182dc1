/**
 * The room on screen: speakers on the stage, listeners below, the raised
 * hands queue, live audio-level rings and the active speaker.
 */
import type { ModerateAction, Participant, RoomSnapshot } from '@pnl-voice/client';
import { shortAddress } from '../address';
import { byId } from './dom';
import { formatSpoken } from './format';
import { queueGroups } from './queue';
import { participantTile } from './tile';

/** Founder first, then by arrival. */
function byStanding(a: Participant, b: Participant): number {
  return Number(b.isFounder) - Number(a.isFounder) || a.joinedAt.localeCompare(b.joinedAt);
}

/** The parts of a snapshot the room view draws. */
interface Drawn {
  self: string;
  founder: boolean;
  speakerOnly: boolean;
  queue: readonly string[];
  participants: readonly Participant[];
}

function drawn(state: RoomSnapshot): Drawn {
  return {
    self: state.you?.walletAddress ?? '',
    founder: state.you?.isFounder ?? false,
    speakerOnly: state.settings?.speakerOnly ?? false,
    queue: state.queue,
    participants: state.participants,
  };
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
  /** The dominant speaker from `voice:active_speaker` ('' until the first one). */
  private active = '';
  /** Ring size (0–1) by wallet, from the latest level report (empty once nobody is heard). */
  private loud: ReadonlyMap<string, number> = new Map();

  constructor(private readonly moderate: (action: ModerateAction, target: string) => void) {}

  show(visible: boolean): void {
    this.section.hidden = !visible;
  }

  /** Keyboard users start at the top of the room. */
  focus(): void {
    byId('stage-title').focus();
  }

  render(snapshot: RoomSnapshot): void {
    const state = drawn(snapshot);
    const focusKey = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.focusKey : undefined;
    const everyone = [...state.participants].sort(byStanding);
    const context = {
      self: state.self,
      founder: state.founder,
      speakerOnly: state.speakerOnly,
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

  /** Rings follow the latest levels (0–1 by wallet, measured in this browser); anyone not in them is silent. Speaking times are updated in place. */
  levels(loud: ReadonlyMap<string, number>, participants: readonly Participant[]): void {
    this.loud = loud;
    const times = new Map(participants.map((p) => [p.walletAddress, p.speakingTime]));
    for (const tile of this.tiles()) {
      const wallet = tile.dataset.wallet ?? '';
      this.setLevel(tile, loud.get(wallet) ?? 0);
      const seconds = times.get(wallet);
      const time = tile.querySelector('.talk-time');
      if (time && seconds !== undefined && loud.has(wallet)) time.textContent = formatSpoken(seconds);
    }
    if (!this.active) this.markActive(this.speaking());
  }

  /** The dominant speaker, or nobody (while the connection is rebuilt). */
  activeSpeaker(walletAddress: string | null): void {
    this.active = walletAddress ?? '';
    this.markActive(this.speaking());
  }

  clear(): void {
    this.active = '';
    this.loud = new Map();
    for (const list of [this.speakers, this.listeners, this.queueList]) list.replaceChildren();
  }

  private renderQueue(state: Drawn): void {
    // The founder always sees the queue; others only while someone waits.
    this.queuePanel.hidden = !state.speakerOnly || (!state.founder && state.queue.length === 0);
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
      ...queueGroups(state.queue, state.participants, {
        self: state.self,
        moderator: state.founder,
        invite: (wallet) => this.moderate('grant_speaker', wallet),
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
