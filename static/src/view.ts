/** The page's DOM: controls, status line, participant list and audio elements. */
import { shortAddress } from './address';
import type { Participant } from './protocol';
import type { MicState } from './room';

export type Phase = 'idle' | 'busy' | 'joined';
export type Identity = 'guest' | 'wallet';

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

/** Founder first, then speakers, then by arrival. */
function byStanding(a: Participant, b: Participant): number {
  return (
    Number(b.isFounder) - Number(a.isFounder) ||
    Number(b.isSpeaker) - Number(a.isSpeaker) ||
    a.joinedAt.localeCompare(b.joinedAt)
  );
}

export class View {
  private readonly form = byId<HTMLFormElement>('join-form');
  private readonly market = byId<HTMLInputElement>('market');
  private readonly identityField = byId<HTMLElement>('identity-field');
  private readonly identity = byId<HTMLSelectElement>('identity');
  private readonly joinButton = byId<HTMLButtonElement>('join');
  private readonly leaveButton = byId<HTMLButtonElement>('leave');
  private readonly muteButton = byId<HTMLButtonElement>('mute');
  private readonly status = byId<HTMLElement>('status');
  private readonly playButton = byId<HTMLButtonElement>('play-audio');
  private readonly participants = byId<HTMLUListElement>('participants');
  private readonly count = byId<HTMLElement>('participant-count');
  private readonly audio = byId<HTMLElement>('audio');
  private mic: MicState = { available: false, muted: true };

  constructor() {
    this.playButton.addEventListener('click', () => this.playAll());
  }

  onJoin(handler: (market: string, identity: Identity) => void): void {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      handler(this.market.value.trim(), this.identity.value === 'wallet' ? 'wallet' : 'guest');
    });
  }

  onLeave(handler: () => void): void {
    this.leaveButton.addEventListener('click', handler);
  }

  /** `handler(muted)` gets the state the user asks for. */
  onMute(handler: (muted: boolean) => void): void {
    this.muteButton.addEventListener('click', () => handler(!this.mic.muted));
  }

  setMarket(address: string): void {
    this.market.value = address;
  }

  /** Marks the market input invalid (or valid again). */
  setMarketInvalid(invalid: boolean): void {
    this.market.setAttribute('aria-invalid', String(invalid));
    if (invalid) this.market.focus();
  }

  /** Shows the identity choice: a browser wallet (preselected) or the guest key. */
  offerBrowserWallet(): void {
    this.identityField.hidden = false;
    this.identity.value = 'wallet';
  }

  setPhase(phase: Phase): void {
    const idle = phase === 'idle';
    this.joinButton.disabled = !idle;
    this.market.readOnly = !idle;
    this.identity.disabled = !idle;
    this.leaveButton.disabled = phase !== 'joined';
    if (idle) this.setMic({ available: false, muted: true });
  }

  setStatus(text: string, tone: 'info' | 'error' = 'info'): void {
    this.status.textContent = text;
    this.status.dataset.tone = tone;
  }

  setMic(mic: MicState): void {
    this.mic = mic;
    this.muteButton.disabled = !mic.available;
    this.muteButton.textContent = mic.muted ? 'Unmute' : 'Mute';
    this.muteButton.classList.toggle('live', !mic.muted);
  }

  renderParticipants(list: Participant[], self: string): void {
    this.participants.replaceChildren(...[...list].sort(byStanding).map((p) => this.participantItem(p, self)));
    this.count.textContent = list.length ? `(${list.length})` : '';
  }

  /** Plays a remote track in its own autoplaying `<audio>` element. */
  addAudio(producerId: string, track: MediaStreamTrack): void {
    const audio = document.createElement('audio');
    audio.autoplay = true;
    audio.dataset.producerId = producerId;
    audio.srcObject = new MediaStream([track]);
    this.audio.append(audio);
    audio.play().catch(() => this.audioBlocked());
  }

  removeAudio(producerId: string): void {
    for (const audio of this.audioElements()) {
      if (audio.dataset.producerId === producerId) audio.remove();
    }
  }

  /** Empties the participant list and the audio elements. */
  clearRoom(): void {
    this.renderParticipants([], '');
    this.audio.replaceChildren();
    this.playButton.hidden = true;
  }

  private participantItem(p: Participant, self: string): HTMLLIElement {
    const item = document.createElement('li');
    item.className = 'participant';
    const who = document.createElement('span');
    who.className = 'who';
    who.title = p.walletAddress;
    who.textContent = shortAddress(p.walletAddress) + (p.walletAddress === self ? ' (you)' : '');
    item.append(who);
    const badges: [string, string][] = [];
    if (p.isFounder) badges.push(['Founder', 'founder']);
    if (p.position !== 'NONE') badges.push([p.position, p.position.toLowerCase()]);
    for (const [text, kind] of badges) item.append(this.badge(text, kind));
    const state = document.createElement('span');
    state.className = 'state';
    if (p.isSpeaker) state.textContent = p.isMuted ? 'Speaker · muted' : 'Speaker · live';
    else state.textContent = p.handRaised ? 'Listener · hand raised' : 'Listener';
    state.dataset.live = String(p.isSpeaker && !p.isMuted);
    item.append(state);
    return item;
  }

  private badge(text: string, kind: string): HTMLSpanElement {
    const badge = document.createElement('span');
    badge.className = `badge badge-${kind}`;
    badge.textContent = text;
    return badge;
  }

  /** The browser refused autoplay: offer a button (a user gesture) to start playback. */
  private audioBlocked(): void {
    this.playButton.hidden = false;
  }

  private playAll(): void {
    this.playButton.hidden = true;
    for (const audio of this.audioElements()) audio.play().catch(() => this.audioBlocked());
  }

  private audioElements(): HTMLAudioElement[] {
    return [...this.audio.querySelectorAll('audio')];
  }
}
