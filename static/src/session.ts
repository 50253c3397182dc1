/**
 * One user's stay in one market's room, across reconnections: joins over a
 * signaling socket, keeps the room state from the server's events, drives
 * the media, and rebuilds everything after a dropped socket, a failed ICE
 * connection or a dead media worker. Being replaced, kicked or leaving ends it.
 */
import { MediaLink } from './media';
import { Microphone, type MicDevice } from './microphone';
import { describeError, ProtocolError, type JoinData, type ModerateAction } from './protocol';
import { RoomState } from './room-state';
import { Signaling } from './signaling';

/** A JWT for the socket; `fresh` asks for a new sign-in instead of a cached token. */
export type TokenSource = (fresh: boolean) => Promise<string>;

export type EndReason = 'left' | 'kicked' | 'replaced' | 'closed' | 'error';

export type Phase =
  | { kind: 'connecting' }
  | { kind: 'joined'; rejoined: boolean }
  /** `why` is a sentence: "Connection lost." */
  | { kind: 'reconnecting'; attempt: number; why: string }
  | { kind: 'ended'; reason: EndReason; text: string };

/** Moments the user must notice. */
export type Notice = 'speak-now' | 'muted-by-founder' | 'moved-to-audience';

export interface MicState {
  /** A speaker, so a microphone is (or is being) set up. */
  speaker: boolean;
  /** The producer exists: mute/unmute work. */
  ready: boolean;
  muted: boolean;
  devices: MicDevice[];
  deviceId: string;
}

export interface AudioLevel {
  walletAddress: string;
  /** dBov, -127 (silence) to 0. */
  volume: number;
}

export interface SessionListener {
  phase(phase: Phase): void;
  /** The room changed: render it again. */
  room(state: RoomState): void;
  levels(levels: AudioLevel[]): void;
  activeSpeaker(walletAddress: string): void;
  mic(mic: MicState): void;
  notice(notice: Notice): void;
  /** The audio path dropped ('restarting') or works again ('ok'). */
  audioPath(state: 'ok' | 'restarting'): void;
  /** A problem that does not end the session. */
  problem(text: string): void;
  trackAdded(producerId: string, walletAddress: string, track: MediaStreamTrack): void;
  trackRemoved(producerId: string): void;
}

/** Server level reports come this often; each one counts as that much speaking time. */
const LEVEL_INTERVAL_S = 0.25;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 8_000;
const HEALTH_TIMEOUT_MS = 3_000;
/** Join refusals that a retry cannot fix. */
const FINAL_CODES = ['BANNED', 'FORBIDDEN', 'INVALID_ADDRESS', 'ROOM_FULL', 'NOT_FOUND'];

const sleep = (ms: number) => new Promise((resolve) => window.setTimeout(resolve, ms));

function backoff(attempt: number): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (attempt - 1));
  return base * (0.8 + Math.random() * 0.4);
}

function pageSocketUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/** The server answers HTTP: a refused socket then means a refused token. */
async function serverUp(): Promise<boolean> {
  try {
    const response = await fetch('/health', { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    return response.ok;
  } catch {
    return false;
  }
}

export class VoiceSession {
  private state?: RoomState;
  private signaling?: Signaling;
  private link?: MediaLink;
  private readonly mic = new Microphone();
  private devices: MicDevice[] = [];
  private micStarting = false;
  /** The user wants to be heard: restored after a reconnection. */
  private wantLive = false;
  /** The user wants the floor: the hand goes up again after a reconnection. */
  private wantHand = false;
  private muteChain: Promise<void> = Promise.resolve();
  private reconnecting = false;
  private freshLogin = false;
  private ended = false;
  private everJoined = false;
  private readonly stopWatchingDevices: () => void;

  constructor(
    private readonly market: string,
    private readonly token: TokenSource,
    private readonly listener: SessionListener,
  ) {
    this.stopWatchingDevices = Microphone.onDevicesChanged(() => void this.refreshDevices());
  }

  /** The first join; a failure ends the session (the user may try again). */
  async start(): Promise<void> {
    this.listener.phase({ kind: 'connecting' });
    try {
      await this.connect();
    } catch (err) {
      this.finish('error', describeError(err));
    }
  }

  async leave(): Promise<void> {
    if (this.ended) return;
    await this.signaling?.request('voice:leave', {}).catch(() => undefined); // leaving regardless
    this.finish('left', 'You left the room.');
  }

  /** Mutes or unmutes the own producer, locally and on the server, one change at a time. */
  setMuted(muted: boolean): Promise<void> {
    this.wantLive = !muted;
    this.muteChain = this.muteChain
      .then(() => this.applyMute(muted))
      .catch((err: unknown) => this.listener.problem(describeError(err)));
    return this.muteChain;
  }

  async setHand(raised: boolean): Promise<void> {
    const { signaling, state } = this;
    if (!signaling || !state) return;
    this.wantHand = raised;
    try {
      if (raised) await signaling.request('voice:raise_hand', {});
      else await signaling.request('voice:lower_hand', {});
      const others = state.queue.filter((wallet) => wallet !== state.self);
      state.setQueue(raised ? [...others, state.self] : others);
      this.listener.room(state);
    } catch (err) {
      this.listener.problem(describeError(err));
    }
  }

  /** A founder's action; the server does not echo it back, so it is applied here. */
  async moderate(action: ModerateAction, target?: string): Promise<void> {
    const { signaling, state } = this;
    if (!signaling || !state) return;
    try {
      await signaling.request('voice:moderate', target ? { action, targetWallet: target } : { action });
    } catch (err) {
      this.listener.problem(describeError(err));
      return;
    }
    if (action === 'mute_all') state.muteAll();
    else if (target && action === 'grant_speaker') state.grant(target);
    else if (target && action === 'revoke_speaker') state.revoke(target);
    else if (target && action === 'kick') state.remove(target);
    this.listener.room(state);
  }

  /** Switches the microphone; a live producer gets the new track in place. */
  async chooseMic(deviceId: string): Promise<void> {
    try {
      await this.mic.choose(deviceId, async (track) => {
        await this.link?.replaceTrack(track);
      });
    } catch (err) {
      this.listener.problem(`Cannot use that microphone: ${describeError(err)}`);
    }
    this.emitMic();
  }

  /** One attempt: token, socket, join, media; then what the user had before. */
  private async connect(): Promise<void> {
    const token = await this.token(this.freshLogin);
    let url = pageSocketUrl();
    for (let redirects = 0; ; redirects++) {
      const signaling = await Signaling.connect(`${url}?token=${encodeURIComponent(token)}`);
      if (this.ended) {
        signaling.close(); // left while connecting
        throw new ProtocolError('DISCONNECTED', 'You left the room.');
      }
      this.signaling = signaling;
      this.subscribe(signaling);
      let join: JoinData;
      try {
        join = await signaling.request('voice:join', { marketAddress: this.market });
      } catch (err) {
        signaling.close();
        this.signaling = undefined;
        if (err instanceof ProtocolError && err.code === 'WRONG_NODE' && err.workerUrl && redirects === 0) {
          url = err.workerUrl;
          continue;
        }
        throw err;
      }
      await this.enter(signaling, join);
      return;
    }
  }

  private async enter(signaling: Signaling, join: JoinData): Promise<void> {
    const state = new RoomState(join);
    this.state = state;
    this.listener.room(state);
    const link = await MediaLink.open(signaling, join, {
      trackAdded: (...args) => this.listener.trackAdded(...args),
      trackRemoved: (producerId) => this.listener.trackRemoved(producerId),
      audioPath: (path) => this.listener.audioPath(path),
      failed: () => {
        if (this.link === link) void this.reconnect('The audio connection failed.');
      },
      problem: (text) => this.listener.problem(text),
    });
    if (signaling !== this.signaling) {
      link.close(); // lost while opening
      throw new ProtocolError('DISCONNECTED', 'The connection dropped while joining.');
    }
    this.link = link;
    const { producers } = await signaling.request('voice:producers', {});
    for (const { producerId, walletAddress } of producers) {
      if (walletAddress !== state.self) void link.consume(producerId, walletAddress);
    }
    signaling.onClose(() => void this.reconnect('Connection lost.'));
    const rejoined = this.everJoined;
    this.everJoined = true;
    this.freshLogin = false;
    this.listener.phase({ kind: 'joined', rejoined });
    if (state.me?.isSpeaker) void this.startSending();
    else if (this.wantHand && state.settings.speakerOnly) void this.setHand(true);
    this.emitMic();
  }

  private subscribe(s: Signaling): void {
    const on: Signaling['on'] = (event, handler) =>
      s.on(event, (data) => {
        if (s === this.signaling && this.state) handler(data);
      });
    const room = () => this.state as RoomState;
    const changed = () => this.listener.room(room());
    on('voice:user_joined', ({ user }) => {
      room().add(user);
      changed();
    });
    on('voice:user_left', ({ walletAddress }) => {
      room().remove(walletAddress);
      changed();
    });
    on('voice:user_muted', ({ walletAddress, muted }) => {
      room().patch(walletAddress, { isMuted: muted });
      // Own actions are confirmed by replies: an event about oneself is the founder's mute_all.
      if (walletAddress === room().self && muted) {
        this.wantLive = false;
        this.link?.pause();
        this.listener.notice('muted-by-founder');
        this.emitMic();
      }
      changed();
    });
    on('voice:speaker_granted', ({ walletAddress }) => {
      room().grant(walletAddress);
      if (walletAddress === room().self) this.becameSpeaker();
      changed();
    });
    on('voice:speaker_revoked', ({ walletAddress }) => {
      room().revoke(walletAddress);
      if (walletAddress === room().self) {
        this.wantLive = false;
        this.link?.stopSending();
        this.mic.close();
        this.listener.notice('moved-to-audience');
        this.emitMic();
      }
      changed();
    });
    const queueChanged = ({ queue }: { queue: string[] }) => {
      room().setQueue(queue);
      if (!queue.includes(room().self)) this.wantHand = false;
      changed();
    };
    on('voice:hand_raised', queueChanged);
    on('voice:hand_lowered', queueChanged);
    on('voice:new_producer', ({ producerId, walletAddress }) => {
      // Before the link exists, the `voice:producers` reply lists it.
      if (walletAddress !== room().self) void this.link?.consume(producerId, walletAddress);
    });
    // Sent to everyone but the producer's owner (whose revocation comes as speaker_revoked).
    on('voice:producer_closed', ({ producerId }) => this.link?.dropConsumer(producerId));
    on('voice:active_speaker', ({ walletAddress }) => this.listener.activeSpeaker(walletAddress));
    on('voice:audio_levels', ({ levels }) => {
      for (const { walletAddress } of levels) room().addSpeakingTime(walletAddress, LEVEL_INTERVAL_S);
      this.listener.levels(levels);
    });
    on('voice:settings_updated', ({ settings }) => {
      const wasSpeaker = room().me?.isSpeaker ?? false;
      room().applySettings(settings);
      if (!wasSpeaker && room().me?.isSpeaker) this.becameSpeaker();
      changed();
    });
    on('voice:kicked', () => this.finish('kicked', 'The founder removed you from this room.'));
    on('voice:room_closed', ({ reason }) => {
      if (reason === 'worker_died') void this.reconnect('The room’s media server restarted.');
      else if (reason === 'server_shutdown') void this.reconnect('The server is restarting; moving you to another one.');
      else if (reason === 'replaced') this.finish('replaced', 'You joined this room from another tab or device, so you left it here.');
      else if (reason === 'kicked') this.finish('kicked', 'The founder removed you from this room.');
      else if (reason === 'left') this.finish('left', 'You left the room.');
      else this.finish('closed', `The room closed (${reason}).`);
    });
    on('voice:error', ({ code, message }) => this.listener.problem(`${code}: ${message}`));
  }

  private becameSpeaker(): void {
    this.wantHand = false;
    this.listener.notice('speak-now');
    void this.startSending();
  }

  /** Opens the mic and a paused producer; unmutes again if the user was live before a reconnection. */
  private async startSending(): Promise<void> {
    const link = this.link;
    if (!link || link.sending || this.micStarting) return;
    this.micStarting = true;
    this.emitMic();
    try {
      const track = await this.mic.open();
      if (link !== this.link || !this.state?.me?.isSpeaker) return;
      await link.send(track);
      await this.refreshDevices();
      if (this.wantLive) await this.setMuted(false);
    } catch (err) {
      if (link === this.link) {
        this.mic.close(); // not sending: the recording indicator goes off
        this.listener.problem(`Microphone unavailable: ${describeError(err)}`);
      }
    } finally {
      this.micStarting = false;
      this.emitMic();
    }
  }

  private async applyMute(muted: boolean): Promise<void> {
    const { link, signaling, state } = this;
    if (!link?.sending || !signaling || !state || link.paused === muted) return;
    if (muted) link.pause();
    await signaling.request('voice:mute', { muted });
    if (!muted) link.resume();
    state.patch(state.self, { isMuted: muted });
    this.listener.room(state);
    this.emitMic();
  }

  /** Drops the connection and joins again with backoff, until it works or cannot. */
  private async reconnect(why: string): Promise<void> {
    if (this.reconnecting || this.ended) return;
    this.reconnecting = true;
    this.teardown();
    for (let attempt = 1; !this.ended; attempt++) {
      this.listener.phase({ kind: 'reconnecting', attempt, why });
      await sleep(backoff(attempt));
      if (this.ended) break;
      try {
        await this.connect();
        break;
      } catch (err) {
        this.teardown();
        if (err instanceof ProtocolError && FINAL_CODES.includes(err.code)) {
          this.finish('error', describeError(err));
        } else if (err instanceof ProtocolError && err.code === 'UNAUTHORIZED') {
          this.freshLogin = true;
        } else if (err instanceof ProtocolError && err.code === 'UNREACHABLE') {
          // Up but refusing the socket: the token is stale (e.g. the server restarted with a new key).
          if (await serverUp()) this.freshLogin = true;
        } else if (!(err instanceof ProtocolError)) {
          this.finish('error', describeError(err)); // e.g. the wallet refused to sign
        }
      }
    }
    this.reconnecting = false;
  }

  /** Closes the connection and its media; the microphone track stays for the next one. */
  private teardown(): void {
    this.link?.close();
    this.link = undefined;
    this.signaling?.close();
    this.signaling = undefined;
    this.emitMic();
  }

  private finish(reason: EndReason, text: string): void {
    if (this.ended) return;
    this.ended = true;
    this.teardown();
    this.mic.close();
    this.stopWatchingDevices();
    this.listener.phase({ kind: 'ended', reason, text });
  }

  private async refreshDevices(): Promise<void> {
    this.devices = await Microphone.devices().catch(() => []);
    this.emitMic();
  }

  private emitMic(): void {
    const speaker = this.state?.me?.isSpeaker ?? false;
    this.listener.mic({
      speaker,
      ready: this.link?.sending ?? false,
      muted: this.link?.paused ?? true,
      devices: this.devices,
      deviceId: this.mic.deviceId,
    });
  }
}
