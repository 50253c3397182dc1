/**
 * One user's stay in one market's voice room, across reconnections: signs
 * in, joins over the signaling socket, keeps the room from the server's
 * events, drives the media, and rebuilds everything after a dropped
 * socket, a failed ICE connection or a dead media worker. Leaving, being
 * kicked or replaced, and refusals a retry cannot fix end the stay; the
 * same object may then join again.
 */
import { callApi, serverUp, socketUrl } from './api.js';
import { signInWith, type Signer } from './auth.js';
import { DEBATE_EVENTS, reduceDebate, voted, type DebateEvent } from './debate.js';
import {
  Emitter,
  type CloseReason,
  type ConnectionState,
  type Listener,
  type MicrophoneProblem,
  type Notice,
  type ReconnectCause,
  type RoomSnapshot,
  type VoiceRoomEventName,
} from './events.js';
import { LEVEL_POLL_MS } from './levels.js';
import { MediaLink } from './media.js';
import { Microphone } from './microphone.js';
import { browserPlatform, type Platform, type TimerHandle } from './platform.js';
import { describeError } from './describe-error.js';
import { VoiceError, type ServerEventHandlers } from './protocol.js';
import { heard, me, reduceRoom, roomFromJoin, silenced, type RoomData } from './room-state.js';
import { Signaling } from './signaling.js';
import { announceChanges, buildSnapshot, type SnapshotParts } from './snapshot.js';
import type {
  Emoji,
  DebateAction,
  DebateSide,
  JoinData,
  ModerateAction,
  RoomSettings,
  ServerEvent,
  SettingsPatch,
} from './wire/index.js';

/** How to sign in: a wallet that signs the server's challenge, or a JWT already obtained (`signIn`). */
export type VoiceAuth = { signer: Signer } | { token: string };

/** How one stay goes, besides signing in. */
export interface JoinOptions {
  /**
   * When the microphone opens on stage: `on-stage` (default) as soon as the
   * user may speak, so unmuting is instant; `on-unmute` only when the user
   * unmutes (or retries), for a room the user did not mean to speak in.
   */
  microphone?: 'on-stage' | 'on-unmute';
}

export interface VoiceRoomOptions {
  /** The voice server's origin, e.g. `https://voice.example.com`. */
  serverUrl: string;
  /** `relay` sends everything through TURN. Default `all`. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Rebuild the connection after a drop. Default true. */
  reconnect?: boolean;
  /** The platform's pieces; the browser's by default (tests pass fakes). */
  platform?: Partial<Platform>;
}

/** A token this close to its expiry is renewed before use. */
const TOKEN_MARGIN_MS = 60_000;
export const BACKOFF_FIRST_MS = 500;
export const BACKOFF_MAX_MS = 8_000;
const HEALTH_TIMEOUT_MS = 3_000;
/** Most speaking time one measurement counts for (a throttled background tab measures rarely). */
const MAX_MEASURED_S = 1;
/** Join refusals that a retry cannot fix. */
const FINAL_CODES: readonly string[] = ['BANNED', 'FORBIDDEN', 'INVALID_ADDRESS', 'ROOM_FULL', 'NOT_FOUND'];

/** Reconnection delay before `attempt` (1, 2, …): 0.5 s doubling to 8 s, ±20 % jitter. */
export function backoffDelay(attempt: number, random: number): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (attempt - 1));
  return base * (0.8 + random * 0.4);
}

export class VoiceRoom {
  private readonly platform: Platform;
  private readonly serverUrl: string;
  private readonly iceTransportPolicy: RTCIceTransportPolicy;
  private readonly autoReconnect: boolean;
  private readonly emitter = new Emitter();
  private readonly mic: Microphone;
  /** Tokens by wallet, reused across stays until a minute before they expire. */
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();

  private snapshot: RoomSnapshot;
  private connection: ConnectionState = 'idle';
  private market: string | null = null;
  private auth?: VoiceAuth;
  private room: RoomData | null = null;
  private signaling?: Signaling;
  private link?: MediaLink;
  private audioPath: 'ok' | 'restarting' = 'ok';
  private reconnectInfo: RoomSnapshot['reconnect'] = null;
  /** From the last join reply (kept after leaving: a UI warns before the next join). */
  private rejoinsLeft: number | null = null;
  private readonly mutedLocally = new Set<string>();
  /** Counts stays: a loop or reply of an earlier stay sees it changed and stops. */
  private stay = 0;
  private micStarting = false;
  /** Why the microphone could not be opened, until an attempt works. */
  private micProblem: MicrophoneProblem | null = null;
  /** The microphone opens only when the user unmutes (`JoinOptions.microphone`). */
  private micOnUnmute = false;
  /** The user wants to be heard: restored after a reconnection. */
  private wantLive = false;
  /** The user wants the floor: the hand goes up again after a reconnection. */
  private wantHand = false;
  /** Push-to-talk unmuted the microphone and mutes it again on release. */
  private talking = false;
  private muteChain: Promise<void> = Promise.resolve();
  private reconnecting = false;
  private freshLogin = false;
  private everJoined = false;
  private levelTimer?: TimerHandle;

  constructor(options: VoiceRoomOptions) {
    this.platform = { ...browserPlatform(), ...options.platform };
    this.serverUrl = options.serverUrl;
    this.iceTransportPolicy = options.iceTransportPolicy ?? 'all';
    this.autoReconnect = options.reconnect ?? true;
    this.mic = new Microphone(this.platform.openMicrophone);
    this.snapshot = this.buildSnapshot();
  }

  /** The room now; a new object after every change (`state` event). */
  get state(): RoomSnapshot {
    return this.snapshot;
  }

  /** Adds a listener; returns the function that removes it. */
  on<E extends VoiceRoomEventName>(event: E, listener: Listener<E>): () => void {
    return this.emitter.on(event, listener);
  }

  /**
   * Signs in and joins `marketAddress`'s room; resolves once in the room.
   * A failure ends the stay (`closed` with reason `error`) and rejects.
   */
  async join(marketAddress: string, auth: VoiceAuth, options: JoinOptions = {}): Promise<void> {
    if (this.connection !== 'idle' && this.connection !== 'closed') {
      throw new VoiceError('CONFLICT', 'Already in a room: leave it first.');
    }
    const stay = ++this.stay;
    if (marketAddress !== this.market) this.rejoinsLeft = null;
    this.market = marketAddress;
    this.auth = auth;
    this.micOnUnmute = options.microphone === 'on-unmute';
    this.micProblem = null;
    this.room = null;
    this.mutedLocally.clear();
    this.wantLive = false;
    this.wantHand = false;
    this.talking = false;
    this.freshLogin = false;
    this.everJoined = false;
    this.reconnectInfo = null;
    this.audioPath = 'ok';
    this.setConnection('connecting');
    try {
      await this.connect(stay);
    } catch (err) {
      const error = toVoiceError(err);
      this.finish(stay, 'error', error);
      throw error;
    }
  }

  /** Leaves the room (telling the server) and ends the stay. */
  async leave(): Promise<void> {
    const stay = this.stay;
    if (!this.inStay(stay)) return;
    await this.signaling?.request('voice:leave', {}).catch(() => undefined); // leaving regardless
    this.finish(stay, 'left');
  }

  /** Mutes or unmutes the own producer, here and on the server, one change at a time. */
  setMuted(muted: boolean): Promise<void> {
    this.wantLive = !muted;
    const run = this.muteChain.then(() => this.applyMute(muted));
    this.muteChain = run.catch(() => undefined);
    return run;
  }

  /** Push-to-talk: holding unmutes a muted, ready microphone; releasing mutes it again. */
  async setPushToTalk(held: boolean): Promise<void> {
    const { ready, muted } = this.snapshot.microphone;
    if (held && ready && muted && !this.talking) {
      this.talking = true;
      this.publish();
      await this.setMuted(false);
    } else if (!held && this.talking) {
      this.talking = false;
      this.publish();
      await this.setMuted(true);
    }
  }

  /** Asks for the floor (speaker-only rooms); resolves with the place in the queue (1 = next). */
  async raiseHand(): Promise<number> {
    const { signaling } = this.joined();
    this.wantHand = true;
    // The queue changes with the server's `voice:hand_raised`, which comes before this reply.
    const { position } = await signaling.request('voice:raise_hand', {});
    return position;
  }

  async lowerHand(): Promise<void> {
    const { signaling } = this.joined();
    this.wantHand = false;
    await signaling.request('voice:lower_hand', {});
  }

  /** Founder, host or co-host: lets `wallet` speak. */
  grantSpeaker(wallet: string): Promise<void> {
    return this.moderate('grant_speaker', wallet);
  }

  /** Founder, host or co-host: moves `wallet` back to the listeners. */
  revokeSpeaker(wallet: string): Promise<void> {
    return this.moderate('revoke_speaker', wallet);
  }

  /** Founder, host or co-host: removes `wallet`, who cannot rejoin for a while. */
  kick(wallet: string): Promise<void> {
    return this.moderate('kick', wallet);
  }

  /** Founder, host or co-host: mutes every speaker but the founder and co-hosts. */
  muteAll(): Promise<void> {
    return this.moderate('mute_all');
  }

  /** Founder, host or co-host: mutes one speaker (who may unmute itself again). */
  muteSpeaker(wallet: string): Promise<void> {
    return this.moderate('mute', wallet);
  }

  /** Founder: names `wallet`, a member, co-host (it may speak and moderate). */
  addCoHost(wallet: string): Promise<void> {
    return this.moderate('add_co_host', wallet);
  }

  /** Founder: takes the co-host role from `wallet`. */
  removeCoHost(wallet: string): Promise<void> {
    return this.moderate('remove_co_host', wallet);
  }

  /** Founder or host: hands the host role to a co-host (or back to the founder). */
  transferHost(wallet: string): Promise<void> {
    return this.moderate('transfer_host', wallet);
  }

  /** Founder or host: ends the room; everyone's stay closes with reason `ended`. */
  endRoom(): Promise<void> {
    return this.moderate('end_room');
  }

  /** Founder, host or co-host: drops every reservation of the room. */
  clearReservations(): Promise<void> {
    return this.moderate('clear_reservations');
  }

  /** Founder, host or co-host: invites `wallet`, a listener, to speak; it accepts or declines (60 s). */
  inviteSpeaker(wallet: string): Promise<void> {
    return this.moderate('invite_speaker', wallet);
  }

  /** Answers this client's invitation to speak: accepting puts it on stage (as a grant), declining tells the room. */
  async respondToInvite(accept: boolean): Promise<void> {
    const { signaling } = this.joined();
    await signaling.request('voice:invite_response', { accept });
  }

  /** Sends a reaction to everyone (at most one a second: `RATE_LIMITED`). */
  async react(emoji: Emoji): Promise<void> {
    const { signaling } = this.joined();
    await signaling.request('voice:react', { emoji });
  }

  /** Founder: changes the room's settings (absent fields stay). */
  async updateSettings(patch: SettingsPatch): Promise<void> {
    const { signaling } = this.joined();
    // Applied from the server's `voice:settings_updated`, which comes before this reply.
    await signaling.request('voice:update_settings', patch);
  }

  /** Stops (or restarts) receiving one speaker on this device only: their consumers are paused on the server. */
  async setSpeakerMutedLocally(wallet: string, muted: boolean): Promise<void> {
    if (muted) this.mutedLocally.add(wallet);
    else this.mutedLocally.delete(wallet);
    this.publish();
    await this.link?.setPausedFor(wallet, muted);
  }

  /**
   * Tries to open the microphone again after it failed (`microphone.problem`),
   * e.g. once the user allowed it in the browser; it opens muted. Resolves
   * when the attempt is over: the state tells whether it worked.
   */
  async retryMicrophone(): Promise<void> {
    this.joined();
    this.micProblem = null;
    this.publish();
    await this.startSending(this.stay, true);
  }

  /**
   * Reports `wallet` (another member of this room) for abuse, with `reason`
   * (1 to 1000 characters): `POST /api/voice/report` with this stay's
   * token. Resolves with the stored report's id.
   */
  async report(wallet: string, reason: string): Promise<string> {
    this.joined();
    const token = await this.token();
    const { reportId } = await callApi<{ reportId: string }>(
      this.platform.fetch,
      this.serverUrl,
      '/api/voice/report',
      { marketAddress: this.market ?? '', targetWallet: wallet, reason },
      token,
    );
    return reportId;
  }

  /** Chooses the microphone input; a live producer gets the new track in place. */
  async setMicrophone(deviceId: string): Promise<void> {
    try {
      await this.mic.choose(deviceId, async (track) => {
        await this.link?.replaceTrack(track);
      });
    } catch (err) {
      throw new VoiceError('MEDIA', `Cannot use that microphone: ${describeError(err)}`);
    } finally {
      this.publish();
    }
  }

  // ---------- debate (the host's commands, everyone's vote) ----------

  /** Host: starts a debate, turns of `turnSeconds` (15 to 600; the server's default is 90). */
  startDebate(turnSeconds?: number): Promise<void> {
    return this.debateCommand('start', turnSeconds);
  }

  /** Host: ends the current turn now; the next debater's starts. */
  nextTurn(): Promise<void> {
    return this.debateCommand('next');
  }

  /** Host: ends the turns and opens the poll (30 s). */
  endDebate(): Promise<void> {
    return this.debateCommand('end');
  }

  /** Host: lifts the turn's pauses, so everyone on stage may speak, until `closeFloor`. */
  openFloor(): Promise<void> {
    return this.debateCommand('open_floor');
  }

  /** Host: back to one debater at a time. */
  closeFloor(): Promise<void> {
    return this.debateCommand('close_floor');
  }

  /** Host: closes the poll before its time; the summary follows. */
  closePoll(): Promise<void> {
    return this.debateCommand('close_poll');
  }

  /** Anyone but the host, while the poll is open: which side argued better (a second vote replaces the first). */
  async voteDebate(side: DebateSide): Promise<void> {
    const { signaling } = this.joined();
    await signaling.request('voice:debate_vote', { side });
    this.change((room) => ({ ...room, debate: voted(room.debate, side) }));
  }

  /** Its effect comes as the server's debate events, like a moderator's action. */
  private async debateCommand(action: DebateAction, turnSeconds?: number): Promise<void> {
    const { signaling } = this.joined();
    await signaling.request('voice:debate', turnSeconds === undefined ? { action } : { action, turnSeconds });
  }

  // ---------- connecting ----------

  private inStay(stay: number): boolean {
    return stay === this.stay && this.connection !== 'closed' && this.connection !== 'idle';
  }

  private joined(): { signaling: Signaling; room: RoomData } {
    const { signaling, room } = this;
    if (!signaling || !room || this.connection !== 'connected') {
      throw new VoiceError('NOT_JOINED', 'Not in a room right now.');
    }
    return { signaling, room };
  }

  private async token(): Promise<string> {
    const auth = this.auth;
    if (!auth) throw new VoiceError('NOT_JOINED', 'Not joining a room.');
    if ('token' in auth) {
      if (this.freshLogin) throw new VoiceError('UNAUTHORIZED', 'The server refused the token.');
      return auth.token;
    }
    const cached = this.tokens.get(auth.signer.publicKey);
    if (!this.freshLogin && cached && cached.expiresAt - TOKEN_MARGIN_MS > this.platform.now()) return cached.token;
    const signed = await signInWith(this.platform.fetch, this.serverUrl, auth.signer);
    this.tokens.set(auth.signer.publicKey, { token: signed.token, expiresAt: Date.parse(signed.expiresAt) });
    return signed.token;
  }

  /** One attempt: token, socket, join (following one WRONG_NODE redirect), media; then what the user had before. */
  private async connect(stay: number): Promise<void> {
    const token = await this.token();
    let url = socketUrl(this.serverUrl);
    for (let redirects = 0; ; redirects++) {
      const signaling = await Signaling.connect(url, token, this.platform);
      if (!this.inStay(stay)) {
        signaling.close(); // left while connecting
        throw new VoiceError('DISCONNECTED', 'You left the room.');
      }
      this.signaling = signaling;
      signaling.onEvent((event) => {
        if (signaling === this.signaling && this.room) this.onServerEvent(event);
      });
      let join: JoinData;
      try {
        join = await signaling.request('voice:join', { marketAddress: this.market ?? '' });
      } catch (err) {
        signaling.close();
        this.signaling = undefined;
        if (err instanceof VoiceError && err.code === 'WRONG_NODE' && err.workerUrl && redirects === 0) {
          url = err.workerUrl;
          continue;
        }
        throw err;
      }
      await this.enter(stay, signaling, join);
      return;
    }
  }

  private async enter(stay: number, signaling: Signaling, join: JoinData): Promise<void> {
    this.room = roomFromJoin(join, this.room);
    this.rejoinsLeft = join.rejoinsLeft;
    this.publish();
    const link = await MediaLink.open(
      signaling,
      join,
      { iceTransportPolicy: this.iceTransportPolicy, createDevice: this.platform.createDevice },
      {
        trackAdded: (producerId, walletAddress, track) =>
          this.emitter.emit('audio', { walletAddress, producerId, track }),
        trackRemoved: (producerId, walletAddress) => this.emitter.emit('audio-ended', { walletAddress, producerId }),
        audioPath: (path) => {
          if (this.link !== link || this.audioPath === path) return;
          this.audioPath = path;
          this.emitter.emit('audio-path', path);
          this.publish();
        },
        failed: () => {
          if (this.link === link) void this.reconnect(stay, 'media-failed');
        },
        problem: (error) => this.emitter.emit('error', error),
        mutedLocally: (wallet) => this.mutedLocally.has(wallet),
      },
    );
    if (signaling !== this.signaling || !this.inStay(stay)) {
      link.close(); // lost while opening
      throw new VoiceError('DISCONNECTED', 'The connection dropped while joining.');
    }
    this.link = link;
    const { producers } = await signaling.request('voice:producers', {});
    for (const { producerId, walletAddress } of producers) {
      if (walletAddress !== this.room?.self) void link.consume(producerId, walletAddress);
    }
    signaling.onClose(() => void this.reconnect(stay, 'connection-lost'));
    const rejoined = this.everJoined;
    this.everJoined = true;
    this.freshLogin = false;
    this.reconnectInfo = null;
    this.audioPath = 'ok';
    this.setConnection('connected');
    this.measureLevels(link);
    this.emitter.emit('connected', { rejoined });
    const you = this.room ? me(this.room) : undefined;
    if (you?.isSpeaker) void this.startSending(stay);
    else if (this.wantHand && this.room?.settings.speakerOnly) {
      this.raiseHand().catch((err: unknown) => this.emitter.emit('error', toVoiceError(err)));
    }
  }

  // ---------- server events ----------

  private onServerEvent(event: ServerEvent): void {
    const handle = this.handlers[event.event] as (data: unknown) => void;
    handle(event.data);
  }

  /** One handler per server event; the room's own reducer does the bookkeeping. */
  private readonly handlers: ServerEventHandlers = {
    'voice:user_joined': (data) => this.applyEvent({ event: 'voice:user_joined', data }),
    'voice:user_left': (data) => this.applyEvent({ event: 'voice:user_left', data }),
    'voice:user_muted': (data) => {
      this.applyEvent({ event: 'voice:user_muted', data });
      // Muted while this client still sends: the founder's mute_all, or a
      // debate turn that is another's (an own mute pauses the producer
      // before asking the server).
      if (data.walletAddress === this.room?.self && data.muted && this.link?.sending && !this.link.paused) {
        this.wantLive = false;
        this.talking = false;
        this.link?.pause();
        if (!this.room.debate?.running) this.notify('muted-by-founder');
        this.publish();
      }
      // Unmuted while paused here: a debate turn began for this debater (the
      // server resumed its producer); an own unmute has asked for it anyway.
      if (data.walletAddress === this.room?.self && !data.muted && this.link?.sending && this.link.paused) {
        this.wantLive = true;
        this.link.resume();
        this.publish();
      }
    },
    'voice:speaker_granted': (data) => {
      this.applyEvent({ event: 'voice:speaker_granted', data });
      if (data.walletAddress === this.room?.self) this.becameSpeaker();
    },
    'voice:speaker_revoked': (data) => {
      this.applyEvent({ event: 'voice:speaker_revoked', data });
      if (data.walletAddress === this.room?.self) {
        this.wantLive = false;
        this.talking = false;
        this.micProblem = null;
        this.link?.stopSending();
        this.mic.close();
        this.notify('moved-to-audience');
        this.publish();
      }
    },
    'voice:hand_raised': (data) => this.queueChanged({ event: 'voice:hand_raised', data }),
    'voice:hand_lowered': (data) => this.queueChanged({ event: 'voice:hand_lowered', data }),
    'voice:new_producer': ({ producerId, walletAddress }) => {
      // Before the link exists, the `voice:producers` reply lists it.
      if (walletAddress !== this.room?.self) void this.link?.consume(producerId, walletAddress);
    },
    // Sent to everyone but the producer's owner (whose revocation comes as speaker_revoked).
    'voice:producer_closed': ({ producerId }) => this.link?.dropConsumer(producerId),
    'voice:active_speaker': (data) => this.applyEvent({ event: 'voice:active_speaker', data }),
    'voice:speaking': (data) => this.applyEvent({ event: 'voice:speaking', data }),
    'voice:settings_updated': ({ settings }) => this.applySettings(settings),
    'voice:hosts_changed': (data) => this.applyEvent({ event: 'voice:hosts_changed', data }),
    'voice:speaker_invited': (data) => {
      this.applyEvent({ event: 'voice:speaker_invited', data });
      this.emitter.emit('speaker-invited', data);
    },
    'voice:invite_declined': (data) => {
      this.applyEvent({ event: 'voice:invite_declined', data });
      this.emitter.emit('invite-declined', data);
    },
    'voice:reaction': (data) => this.emitter.emit('reaction', data),
    'voice:kicked': () => this.finish(this.stay, 'kicked'),
    'voice:room_closed': ({ reason }) => {
      if (reason === 'worker_died') void this.reconnect(this.stay, 'worker-died');
      else if (reason === 'server_shutdown') void this.reconnect(this.stay, 'server-shutdown');
      else if (reason === 'replaced') this.finish(this.stay, 'replaced', undefined, reason);
      else if (reason === 'kicked') this.finish(this.stay, 'kicked', undefined, reason);
      else if (reason === 'left') this.finish(this.stay, 'left', undefined, reason);
      else this.finish(this.stay, 'room-closed', undefined, reason);
    },
    'voice:debate_started': (data) => this.applyDebate({ event: 'voice:debate_started', data }),
    'voice:debate_turn': (data) => this.applyDebate({ event: 'voice:debate_turn', data }),
    'voice:debate_floor': (data) => this.applyDebate({ event: 'voice:debate_floor', data }),
    'voice:debate_poll': (data) => this.applyDebate({ event: 'voice:debate_poll', data }),
    'voice:debate_ended': (data) => this.applyDebate({ event: 'voice:debate_ended', data }),
    'voice:error': (error) => this.emitter.emit('error', VoiceError.fromWire(error)),
  };

  /** The room's debate follows `event`; then the SDK's event of the same data. */
  private applyDebate(event: DebateEvent): void {
    this.change((room) => {
      const debate = reduceDebate(room.debate, event);
      return debate === room.debate ? room : { ...room, debate };
    });
    this.emitter.emit(DEBATE_EVENTS[event.event], event.data as never);
  }

  private applyEvent(event: ServerEvent): void {
    this.change((room) => reduceRoom(room, event));
  }

  private queueChanged(event: ServerEvent & { data: { queue: readonly string[] } }): void {
    this.applyEvent(event);
    if (this.room && !event.data.queue.includes(this.room.self)) this.wantHand = false;
  }

  private applySettings(settings: RoomSettings): void {
    const wasSpeaker = this.room ? (me(this.room)?.isSpeaker ?? false) : false;
    this.applyEvent({ event: 'voice:settings_updated', data: { settings } });
    if (!wasSpeaker && this.room && me(this.room)?.isSpeaker) this.becameSpeaker();
  }

  // ---------- own actions ----------

  /**
   * A moderator's action. Its effect comes as the server's events, which
   * reach the moderator too, before this reply: the room's rules stay on
   * the server.
   */
  private async moderate(action: ModerateAction, target?: string): Promise<void> {
    const { signaling } = this.joined();
    await signaling.request('voice:moderate', target ? { action, targetWallet: target } : { action });
  }

  /** Applies `update` (a server event, or levels measured here) to the room, publishing a change. */
  private change(update: (room: RoomData) => RoomData): void {
    if (!this.room) return;
    const next = update(this.room);
    if (next === this.room) return;
    this.room = next;
    this.publish();
  }

  /**
   * Reads the levels every LEVEL_POLL_MS while `link` is the connection's:
   * from the audio itself, so level traffic does not grow with the room.
   */
  private measureLevels(link: MediaLink): void {
    let last = this.platform.now();
    const measure = async (): Promise<void> => {
      const { received, own } = await link
        .measureLevels(this.platform.now())
        .catch(() => ({ received: new Map<string, number>(), own: undefined }));
      if (link !== this.link) return;
      const now = this.platform.now();
      const seconds = Math.min(MAX_MEASURED_S, Math.max(0, now - last) / 1000);
      last = now;
      this.change((room) => {
        const measured = own === undefined ? received : new Map(received).set(room.self, own);
        return heard(room, measured, seconds);
      });
      this.levelTimer = this.platform.setTimeout(() => void measure(), LEVEL_POLL_MS);
    };
    this.levelTimer = this.platform.setTimeout(() => void measure(), LEVEL_POLL_MS);
  }

  private becameSpeaker(): void {
    this.wantHand = false;
    this.notify('speak-now');
    void this.startSending(this.stay);
  }

  /**
   * Opens the microphone and a paused producer; unmutes again if the user
   * was live before a reconnection. With `micOnUnmute`, only when the user
   * asked (`asked`, or wants to be live). A failure is `microphone.problem`.
   */
  private async startSending(stay: number, asked = false): Promise<void> {
    const link = this.link;
    if (!link || link.sending || this.micStarting) return;
    if (this.micOnUnmute && !asked && !this.wantLive) return;
    this.micStarting = true;
    this.publish();
    try {
      const track = await this.mic.open();
      if (link !== this.link || !this.inStay(stay) || !(this.room && me(this.room)?.isSpeaker)) return;
      await link.send(track);
      this.micProblem = null;
      this.publish();
      if (this.wantLive) await this.setMuted(false);
    } catch (err) {
      if (link === this.link) {
        this.mic.close(); // not sending: the recording indicator goes off
        this.wantLive = false;
        this.micProblem = microphoneProblem(err);
      }
    } finally {
      this.micStarting = false;
      this.publish();
    }
  }

  private async applyMute(muted: boolean): Promise<void> {
    const { link, signaling, room } = this;
    if (!muted && link && !link.sending && room && me(room)?.isSpeaker) {
      // Not open yet (it opens on unmute, or failed before): open it; it unmutes once sending.
      void this.startSending(this.stay, true);
      return;
    }
    if (!link?.sending || !signaling || !room || link.paused === muted) return;
    if (muted) link.pause();
    await signaling.request('voice:mute', { muted }); // isMuted follows the server's voice:user_muted
    if (!muted) link.resume();
    this.publish();
  }

  // ---------- losing the connection ----------

  /** Drops the connection and joins again with backoff, until it works or cannot. */
  private async reconnect(stay: number, cause: ReconnectCause): Promise<void> {
    if (this.reconnecting || !this.inStay(stay)) return;
    if (!this.autoReconnect) {
      this.finish(stay, 'error', new VoiceError('DISCONNECTED', 'The connection to the voice server was lost.'));
      return;
    }
    this.reconnecting = true;
    this.teardown();
    for (let attempt = 1; this.inStay(stay); attempt++) {
      this.reconnectInfo = { attempt, cause };
      this.setConnection('reconnecting');
      this.emitter.emit('reconnecting', { attempt, cause });
      await new Promise((resolve) => this.platform.setTimeout(() => resolve(undefined), backoffDelay(attempt, this.platform.random())));
      if (!this.inStay(stay)) break;
      try {
        await this.connect(stay);
        if (this.signaling?.open) break;
        this.teardown(); // lost again before this loop could hand over to the socket's own watch
      } catch (err) {
        this.teardown();
        if (!this.inStay(stay)) break;
        if (!(err instanceof VoiceError)) {
          this.finish(stay, 'error', toVoiceError(err)); // e.g. the wallet refused to sign
        } else if (FINAL_CODES.includes(err.code)) {
          this.finish(stay, 'error', err);
        } else if (err.code === 'UNAUTHORIZED') {
          if (this.auth && 'token' in this.auth && this.freshLogin) this.finish(stay, 'error', err);
          else this.freshLogin = true;
        } else if (err.code === 'UNREACHABLE') {
          // Up but refusing the socket: the token is stale (e.g. the server restarted with a new key).
          if (await serverUp(this.platform.fetch, this.serverUrl, HEALTH_TIMEOUT_MS)) this.freshLogin = true;
        }
      }
    }
    if (stay === this.stay) this.reconnecting = false;
  }

  /** Closes the connection and its media; the microphone track stays for the next one. */
  private teardown(): void {
    this.link?.close();
    this.link = undefined;
    this.signaling?.close();
    this.signaling = undefined;
    this.platform.clearTimeout(this.levelTimer);
    if (this.room) this.room = silenced(this.room);
    this.audioPath = 'ok';
    this.publish();
  }

  private finish(stay: number, reason: CloseReason, error?: VoiceError, serverReason?: string): void {
    if (!this.inStay(stay)) return;
    this.stay += 1; // whatever of this stay is still running stops
    this.reconnecting = false;
    this.teardown();
    this.mic.close();
    if (reason === 'error' && this.auth && 'signer' in this.auth) this.tokens.delete(this.auth.signer.publicKey); // perhaps stale
    this.room = null;
    this.talking = false;
    this.reconnectInfo = null;
    this.connection = 'closed';
    this.publish();
    this.emitter.emit('closed', { reason, ...(error ? { error } : {}), ...(serverReason ? { serverReason } : {}) });
  }

  // ---------- telling the listeners ----------

  private setConnection(connection: ConnectionState): void {
    this.connection = connection;
    this.publish();
  }

  private notify(notice: Notice): void {
    this.emitter.emit('notice', notice);
  }

  /** Builds the new snapshot and tells what changed. */
  private publish(): void {
    const before = this.snapshot;
    this.snapshot = this.buildSnapshot();
    announceChanges(this.emitter, before, this.snapshot);
  }

  private buildSnapshot(): RoomSnapshot {
    const parts: SnapshotParts = {
      connection: this.connection,
      marketAddress: this.market,
      microphone: {
        ready: this.link?.sending ?? false,
        opening: this.micStarting,
        problem: this.micProblem,
        muted: this.link?.paused ?? true,
        talking: this.talking,
        deviceId: this.mic.deviceId,
      },
      mutedLocally: [...this.mutedLocally],
      audio: this.audioPath,
      reconnect: this.reconnectInfo,
      rejoinsLeft: this.rejoinsLeft,
    };
    return buildSnapshot(this.room, parts, this.snapshot as RoomSnapshot | undefined);
  }
}

/** A refused permission (the browser's or the user's) is `blocked`; anything else, `unavailable`. */
function microphoneProblem(err: unknown): MicrophoneProblem {
  const name = err instanceof Error ? err.name : '';
  return name === 'NotAllowedError' || name === 'SecurityError' ? 'blocked' : 'unavailable';
}

function toVoiceError(err: unknown): VoiceError {
  return err instanceof VoiceError ? err : new VoiceError('CLIENT', describeError(err));
}
