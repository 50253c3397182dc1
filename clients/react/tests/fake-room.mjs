// A stand-in for @pnl-voice/client's VoiceRoom: the same state snapshot and
// events, driven by the test instead of a server. It records every call.

export const MARKET = 'C9JEs1cDmZ9wHmDRzVyYRuyBmH7uqVBAaN3FsKqVyfxX';
export const FOUNDER = 'FoUNDer1111111111111111111111111111111111111';
export const HOLDER = 'HoLDer22222222222222222222222222222222222222';

export function participant(walletAddress, fields = {}) {
  return {
    walletAddress,
    displayName: walletAddress,
    position: 'NONE',
    positionSize: 0,
    isFounder: false,
    isSpeaker: false,
    isMuted: true,
    handRaised: false,
    invited: false,
    joinedAt: '2026-12-03T09:00:00Z',
    speakingTime: 0,
    ...fields,
  };
}

export const IDLE_STATE = Object.freeze({
  connection: 'idle',
  marketAddress: null,
  you: null,
  participants: [],
  queue: [],
  settings: null,
  activeSpeaker: null,
  levels: new Map(),
  microphone: { ready: false, muted: true, talking: false, deviceId: '' },
  mutedLocally: [],
  audio: 'ok',
  reconnect: null,
  invitation: null,
  rejoinsLeft: null,
});

export class FakeRoom {
  /** Every FakeRoom made, in order. */
  static made = [];

  constructor(options) {
    this.options = options;
    this.calls = [];
    this.listeners = new Map();
    this.state = IDLE_STATE;
    /** What `join` makes the room look like; a test may replace it. */
    this.joinedAs = participant(HOLDER, { position: 'YES', positionSize: 12.5 });
    /** Set to make the next action fail with this error. */
    this.failNext = null;
    FakeRoom.made.push(this);
  }

  on(event, listener) {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  listenerCount() {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  emit(event, payload) {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(payload);
  }

  /** Replaces part of the state and announces it, like the SDK does after any change. */
  setState(patch) {
    this.state = { ...this.state, ...patch };
    this.emit('state', this.state);
  }

  async record(name, ...args) {
    this.calls.push([name, ...args]);
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = null;
      throw error;
    }
  }

  async join(marketAddress, auth) {
    await this.record('join', marketAddress, auth);
    this.setState({ connection: 'connecting', marketAddress });
    const founder = participant(FOUNDER, { isFounder: true, isSpeaker: true, position: 'NO', positionSize: 3400 });
    const you = this.joinedAs;
    this.setState({
      connection: 'connected',
      you,
      participants: you.walletAddress === FOUNDER ? [you] : [founder, you],
      settings: { maxParticipants: 50, speakerOnly: true, autoDestroy: true, destroyAfterMinutes: 5 },
      microphone: { ready: you.isSpeaker, muted: true, talking: false, deviceId: '' },
    });
  }

  async leave() {
    await this.record('leave');
    this.setState({ ...IDLE_STATE, connection: 'closed' });
    this.emit('closed', { reason: 'left' });
  }

  async setMuted(muted) {
    await this.record('setMuted', muted);
    this.setState({ microphone: { ...this.state.microphone, muted } });
  }

  async raiseHand() {
    await this.record('raiseHand');
    const wallet = this.state.you.walletAddress;
    const you = { ...this.state.you, handRaised: true };
    this.setState({
      you,
      queue: [...this.state.queue, wallet],
      participants: this.state.participants.map((p) => (p.walletAddress === wallet ? you : p)),
    });
    return this.state.queue.length;
  }

  async lowerHand() {
    await this.record('lowerHand');
  }

  async setPushToTalk(held) {
    await this.record('setPushToTalk', held);
  }

  async grantSpeaker(wallet) {
    await this.record('grantSpeaker', wallet);
  }

  async revokeSpeaker(wallet) {
    await this.record('revokeSpeaker', wallet);
  }

  async kick(wallet) {
    await this.record('kick', wallet);
  }

  async muteAll() {
    await this.record('muteAll');
  }

  async inviteSpeaker(wallet) {
    await this.record('inviteSpeaker', wallet);
  }

  async respondToInvite(accept) {
    await this.record('respondToInvite', accept);
    this.setState({ invitation: null });
  }

  async react(emoji) {
    await this.record('react', emoji);
  }

  async updateSettings(patch) {
    await this.record('updateSettings', patch);
  }

  async setSpeakerMutedLocally(wallet, muted) {
    await this.record('setSpeakerMutedLocally', wallet, muted);
    const others = this.state.mutedLocally.filter((w) => w !== wallet);
    this.setState({ mutedLocally: muted ? [...others, wallet] : others });
  }

  async setMicrophone(deviceId) {
    await this.record('setMicrophone', deviceId);
  }
}

/** `fetchPreview` of a live room with 2 speakers and 41 listeners. */
export async function livePreview(serverUrl, marketAddress) {
  return {
    marketAddress,
    title: 'Will the bridge ship before January?',
    live: true,
    speakers: 2,
    listeners: 41,
    host: { walletAddress: FOUNDER },
    startedAt: '2026-12-03T09:00:00Z',
  };
}
