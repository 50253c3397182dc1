/**
 * The room on screen: speakers on the stage, listeners below, the raised
 * hands queue, live audio-level rings and the active speaker, one menu per
 * person, and what happens to the room's host (left, handed on).
 */
import type { ModerateAction, Participant, RoomSnapshot } from '@pnl-voice/client';
import { shortAddress } from '../address';
import { ArrivalOrder } from './arrival-order';
import { byId } from './dom';
import { formatSpoken } from './format';
import type { Menu } from './menu';
import { moderates, type PersonAction, type Viewer } from './person-actions';
import { queueGroups } from './queue';
import { participantTile } from './tile';

/** The parts of a snapshot the room view draws. */
interface Drawn {
  self: string;
  founder: boolean;
  speakerOnly: boolean;
  queue: readonly string[];
  participants: readonly Participant[];
  /** The host's wallet (null in a room without a founder). */
  host: string | null;
  /** The room has a host who is not in it. */
  hostAway: boolean;
  /** Someone in the room may bring a listener on stage (the founder, the host or a co-host). */
  moderatorHere: boolean;
}

function drawn(state: RoomSnapshot): Drawn {
  return {
    self: state.you?.walletAddress ?? '',
    founder: state.you?.isFounder ?? false,
    speakerOnly: state.settings?.speakerOnly ?? false,
    queue: state.queue,
    participants: state.participants,
    host: state.host,
    hostAway: state.host !== null && !state.participants.some((p) => p.walletAddress === state.host),
    moderatorHere: state.participants.some(moderates),
  };
}

/** How long a piece of news stays on screen. */
const NEWS_MS = 15_000;

/** How a host change reads: "You are now the host." or "7xKX…gAsU is now the host." */
function hostNews(host: string, self: string): string {
  return host === self ? 'You are now the host.' : `${shortAddress(host)} is now the host.`;
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
  private readonly stageNote = byId<HTMLElement>('stage-note');
  private readonly news = byId<HTMLElement>('room-news');
  private newsTimer: ReturnType<typeof setTimeout> | undefined;
  /** The wallet whose menu is open ('' for none) and that menu. */
  private openMenu: { wallet: string; menu: Menu } | null = null;
  /** The host and whether it was away at the last drawing (undefined before the first). */
  private lastHost: { host: string | null; away: boolean } | undefined;
  /** The dominant speaker from `voice:active_speaker` ('' until the first one). */
  private active = '';
  /** Ring size (0–1) by wallet, from the latest level report (empty once nobody is heard). */
  private loud: ReadonlyMap<string, number> = new Map();
  private readonly order = new ArrivalOrder();

  constructor(
    private readonly moderate: (action: ModerateAction, target: string) => void,
    private readonly act: (action: PersonAction, target: string) => void,
  ) {
    // A press outside the open menu closes it.
    document.addEventListener('pointerdown', (event) => {
      const open = this.openMenu;
      if (open && !(event.target instanceof Node && open.menu.element.contains(event.target))) open.menu.close(false);
    });
  }

  show(visible: boolean): void {
    this.section.hidden = !visible;
  }

  /** Keyboard users start at the top of the room. */
  focus(): void {
    byId('stage-title').focus();
  }

  render(snapshot: RoomSnapshot): void {
    const state = drawn(snapshot);
    const me = snapshot.you;
    if (!me) return;
    const focusKey = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.focusKey : undefined;
    const everyone = this.order.sort(state.participants);
    const viewer: Viewer = { me, speakerOnly: state.speakerOnly, mutedForMe: snapshot.mutedLocally };
    const openWallet = this.openMenu?.wallet ?? '';
    this.openMenu = null; // the redraw makes the menus again
    const context = {
      viewer,
      openMenu: openWallet,
      menuToggled: (wallet: string, menu: Menu | null) => this.menuToggled(wallet, menu),
      act: (action: PersonAction, target: string) => this.confirmThen(action, target),
    };
    const stage = everyone.filter((p) => p.isSpeaker);
    const audience = everyone.filter((p) => !p.isSpeaker);
    this.speakers.replaceChildren(...stage.map((p) => participantTile(p, context)));
    this.listeners.replaceChildren(...audience.map((p) => participantTile(p, context)));
    this.stageCount.textContent = `(${stage.length})`;
    this.audienceCount.textContent = `(${audience.length})`;
    this.placeOpenMenu();
    this.renderHost(state, stage.length);
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

  /** The connection is down: nobody is shown live or speaking until the room is drawn again. */
  offline(): void {
    this.active = '';
    this.loud = new Map();
    for (const tile of this.tiles()) {
      tile.dataset.live = 'false';
      const mic = tile.querySelector('.mic');
      if (mic) mic.textContent = 'Reconnecting';
    }
    this.markActive('');
  }

  clear(): void {
    this.order.clear();
    this.active = '';
    this.loud = new Map();
    this.openMenu = null;
    this.lastHost = undefined;
    clearTimeout(this.newsTimer);
    this.news.textContent = '';
    for (const list of [this.speakers, this.listeners, this.queueList]) list.replaceChildren();
  }

  /** Tells the room's news in words (a polite live region); `quiet` news is only announced, as the page shows it elsewhere. */
  say(text: string, quiet = false): void {
    this.news.textContent = text;
    this.news.classList.toggle('visually-hidden', quiet);
    clearTimeout(this.newsTimer);
    this.newsTimer = setTimeout(() => {
      this.news.textContent = '';
    }, NEWS_MS);
  }

  /** Puts focus on the control with `key` (e.g. a person's menu button after a dialog), if it is still there. */
  refocus(key: string): void {
    this.restoreFocus(key);
  }

  /**
   * The host's state: a note on the stage while the host is away (never
   * "nobody here" in a room with people), and the news when the host
   * leaves, comes back or hands the role on.
   */
  private renderHost(state: Drawn, onStage: number): void {
    const note = state.hostAway
      ? onStage
        ? 'The host left the room.'
        : 'The host left the room. Nobody is on stage right now.'
      : '';
    this.stageNote.textContent = note;
    this.stageNote.hidden = !note;
    if (note) this.speakers.dataset.empty = 'noted';
    else delete this.speakers.dataset.empty;
    const before = this.lastHost;
    this.lastHost = { host: state.host, away: state.hostAway };
    if (!before || !state.host) return;
    if (before.host !== state.host) this.say(hostNews(state.host, state.self));
    else if (!before.away && state.hostAway) this.say('The host left the room.', true); // the stage note shows it
    else if (before.away && !state.hostAway) this.say('The host is back.');
  }

  /** A menu redrawn open is placed once it is in the page. */
  private placeOpenMenu(): void {
    this.openMenu?.menu.place();
  }

  private menuToggled(wallet: string, menu: Menu | null): void {
    if (menu && this.openMenu && this.openMenu.menu !== menu) this.openMenu.menu.close(false); // one menu at a time
    if (menu) this.openMenu = { wallet, menu };
    else if (this.openMenu?.wallet === wallet) this.openMenu = null;
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
      : place && state.hostAway && !state.moderatorHere
        ? 'Your hand is up, but the host left: nobody can invite you on stage until a host is back.'
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
  private confirmThen(action: PersonAction, target: string): void {
    if (action === 'kick' && !window.confirm(`Remove ${shortAddress(target)} from the room? They cannot rejoin for a while.`)) {
      return;
    }
    this.act(action, target);
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

  /**
   * Focus on the same control again after a re-render (keys are
   * `person:<wallet>[:<item>]` or `queue:<wallet>`), else that person's menu
   * button, else their tile's first button.
   */
  private restoreFocus(key: string): void {
    const [kind = '', wallet = ''] = key.split(':');
    const byKey = (k: string) => this.section.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(k)}"]`);
    const target =
      byKey(key) ??
      byKey(`${kind}:${wallet}`) ??
      this.section.querySelector<HTMLElement>(`[data-wallet="${CSS.escape(wallet)}"] button`) ??
      byId('stage-title'); // the participant is gone: back to the top of the room
    target.focus();
  }

  private tiles(): HTMLElement[] {
    return [...this.section.querySelectorAll<HTMLElement>('.tile')];
  }
}
