/**
 * The mini-player (`?view=mini`, the docked embed): a pill that says who is
 * speaking, with Listen, mute, raise hand and expand/collapse. Collapsed,
 * the page is only the pill; expanded, the whole room shows under it. The
 * frame around it is sized by the host page, so every change of size is
 * reported through `onLayout`.
 */
import { byId } from './dom';

export interface MiniHandlers {
  listen(): void;
  mute(muted: boolean): void;
  hand(raised: boolean): void;
}

/** What the pill shows. */
export interface MiniState {
  /** The line of text: who is speaking, connecting, or the room's preview. */
  text: string;
  /** In the room (else the Listen button shows). */
  joined: boolean;
  /** Joining or reconnecting: Listen waits. */
  busy: boolean;
  /** The viewer may speak: the mute button shows. */
  speaker: boolean;
  muted: boolean;
  /** The viewer may raise a hand (a listener in a speaker-only room). */
  canRaiseHand: boolean;
  handRaised: boolean;
  /** Someone is speaking right now. */
  speaking: boolean;
}

export type MiniMode = 'collapsed' | 'expanded';

/** Whether the page was opened as the mini-player. */
export function isMiniView(): boolean {
  return new URLSearchParams(location.search).get('view') === 'mini';
}

export class MiniView {
  private readonly root = byId<HTMLElement>('mini');
  private readonly text = byId<HTMLElement>('mini-text');
  private readonly listenButton = byId<HTMLButtonElement>('mini-listen');
  private readonly muteButton = byId<HTMLButtonElement>('mini-mute');
  private readonly handButton = byId<HTMLButtonElement>('mini-hand');
  private readonly expandButton = byId<HTMLButtonElement>('mini-expand');
  private state: MiniState | undefined;
  private layoutListener: (mode: MiniMode) => void = () => undefined;

  constructor(handlers: MiniHandlers) {
    document.documentElement.dataset.view = 'mini';
    this.root.hidden = false;
    this.listenButton.addEventListener('click', () => handlers.listen());
    this.muteButton.addEventListener('click', () => handlers.mute(!(this.state?.muted ?? true)));
    this.handButton.addEventListener('click', () => handlers.hand(!(this.state?.handRaised ?? false)));
    this.expandButton.addEventListener('click', () => this.expand(!this.expanded));
    this.expand(false);
  }

  get expanded(): boolean {
    return document.documentElement.dataset.mini === 'expanded';
  }

  /** Called with the new mode whenever the pill grows or shrinks. */
  onLayout(listener: (mode: MiniMode) => void): void {
    this.layoutListener = listener;
    listener(this.expanded ? 'expanded' : 'collapsed');
  }

  expand(expanded: boolean): void {
    const mode: MiniMode = expanded ? 'expanded' : 'collapsed';
    document.documentElement.dataset.mini = mode;
    this.expandButton.setAttribute('aria-expanded', String(expanded));
    this.expandButton.setAttribute('aria-label', expanded ? 'Collapse the voice room' : 'Expand the voice room');
    this.expandButton.textContent = expanded ? '▾' : '▴';
    this.layoutListener(mode);
  }

  render(state: MiniState): void {
    this.state = state;
    this.root.dataset.speaking = String(state.speaking);
    this.root.dataset.joined = String(state.joined);
    this.text.textContent = state.text;
    this.listenButton.hidden = state.joined;
    this.listenButton.disabled = state.busy;
    this.muteButton.hidden = !state.joined || !state.speaker;
    this.muteButton.textContent = state.muted ? 'Unmute' : 'Mute';
    this.muteButton.classList.toggle('live', !state.muted);
    this.muteButton.setAttribute('aria-label', state.muted ? 'Unmute your microphone' : 'Mute your microphone');
    this.handButton.hidden = !state.joined || !state.canRaiseHand;
    this.handButton.textContent = state.handRaised ? 'Lower hand' : 'Raise hand';
    this.handButton.setAttribute('aria-pressed', String(state.handRaised));
  }
}
