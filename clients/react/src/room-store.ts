/**
 * An external store over one `VoiceRoom`, for `useSyncExternalStore`: it
 * turns the SDK's events into immutable snapshots (a new object only when
 * something changed), and keeps what the SDK reports only as events: the
 * last error, the last notice, why the stay ended and the remote audio
 * tracks to play.
 */
import type {
  CloseReason,
  ConnectionState,
  Invitation,
  MicrophoneState,
  Notice,
  Participant,
  RoomSettings,
  RoomSnapshot,
} from '@pnl-voice/client';
import type { RoomError, VoiceRoomLike } from './room-types.js';

/** One remote speaker's audio, to be played. */
export interface RemoteAudioTrack {
  walletAddress: string;
  producerId: string;
  track: MediaStreamTrack;
}

/** Everything a room UI shows, as of now. */
export interface VoiceRoomSnapshot {
  connection: ConnectionState;
  /** The market whose room this is. */
  marketAddress: string;
  /** This user in the room, once joined. */
  you: Participant | null;
  /** Everyone in the room, this user included, in order of arrival. */
  participants: readonly Participant[];
  /** Participants on stage. */
  speakers: readonly Participant[];
  /** Participants in the audience. */
  listeners: readonly Participant[];
  /** Wallets with a raised hand, first come first. */
  queue: readonly string[];
  settings: RoomSettings | null;
  /** The dominant speaker right now. */
  activeSpeaker: string | null;
  /** Each heard wallet's voice level, 0…1. */
  levels: ReadonlyMap<string, number>;
  /** This user's microphone: ready once they may speak, muted until they unmute. */
  microphone: MicrophoneState;
  /** Speakers this user muted for themself only. */
  locallyMuted: ReadonlySet<string>;
  /** In the room (also while reconnecting). */
  joined: boolean;
  /** This user hosts the room (the market's founder) and may moderate it. */
  isHost: boolean;
  /** The last failure (a server error, a refused microphone or wallet, a failed action). */
  error: RoomError | null;
  /** The last moment the user must notice (invited to speak, muted by the founder, moved to the audience). */
  notice: Notice | null;
  /** Why the stay ended, once it did. */
  closedReason: CloseReason | null;
  /** The remote speakers' audio, to be played. */
  audioTracks: readonly RemoteAudioTrack[];
  /** A moderator's pending invitation to this user to speak (accept or decline before it ends). */
  invitation: Invitation | null;
  /** Joins left before the room's churn ban, when 3 or fewer (warn before joining again). */
  rejoinsLeft: number | null;
}

const NO_LEVELS: ReadonlyMap<string, number> = new Map();
const NO_WALLETS: ReadonlySet<string> = new Set();
const MIC_OFF: MicrophoneState = { ready: false, muted: true, talking: false, deviceId: '' };

/** The snapshot before a room exists (and during server rendering). */
export function idleSnapshot(marketAddress: string): VoiceRoomSnapshot {
  return {
    connection: 'idle',
    marketAddress,
    you: null,
    participants: [],
    speakers: [],
    listeners: [],
    queue: [],
    settings: null,
    activeSpeaker: null,
    levels: NO_LEVELS,
    microphone: MIC_OFF,
    locallyMuted: NO_WALLETS,
    joined: false,
    isHost: false,
    error: null,
    notice: null,
    closedReason: null,
    audioTracks: [],
    invitation: null,
    rejoinsLeft: null,
  };
}

/**
 * Anything thrown as a `{code, message}`: the SDK's `VoiceError` as it is,
 * another error (a wallet that refused to sign, say) under its name.
 */
export function toRoomError(error: unknown): RoomError {
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : error.name;
    return { code, message: error.message };
  }
  return { code: 'Error', message: String(error) };
}

export class RoomStore {
  private snapshot: VoiceRoomSnapshot;
  private readonly listeners = new Set<() => void>();

  constructor(marketAddress: string) {
    this.snapshot = idleSnapshot(marketAddress);
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  readonly getSnapshot = (): VoiceRoomSnapshot => this.snapshot;

  /** Follows `room`'s events until the returned function is called. */
  attach(room: VoiceRoomLike): () => void {
    this.fromState(room.state);
    const stops = [
      room.on('state', (state) => this.fromState(state)),
      room.on('error', (error) => this.update({ error: toRoomError(error) })),
      room.on('notice', (notice) => this.update({ notice })),
      room.on('closed', ({ reason, error }) =>
        this.update({ closedReason: reason, ...(error ? { error: toRoomError(error) } : {}) }),
      ),
      room.on('audio', (audio) =>
        this.update({ audioTracks: [...this.snapshot.audioTracks.filter((a) => a.producerId !== audio.producerId), audio] }),
      ),
      room.on('audio-ended', ({ producerId }) =>
        this.update({ audioTracks: this.snapshot.audioTracks.filter((a) => a.producerId !== producerId) }),
      ),
    ];
    return () => stops.forEach((stop) => stop());
  }

  /** Records a failure for the UI to show. */
  fail(error: unknown): void {
    this.update({ error: toRoomError(error) });
  }

  clearError(): void {
    this.update({ error: null });
  }

  /** A join starts over: no old error, notice or goodbye. */
  resetForJoin(): void {
    this.update({ error: null, notice: null, closedReason: null });
  }

  private fromState(state: RoomSnapshot): void {
    const joined = state.connection === 'connected' || state.connection === 'reconnecting';
    const participants = state.participants;
    this.update({
      connection: state.connection,
      you: state.you,
      participants,
      speakers: participants.filter((p) => p.isSpeaker),
      listeners: participants.filter((p) => !p.isSpeaker),
      queue: state.queue,
      settings: state.settings,
      activeSpeaker: state.activeSpeaker,
      levels: state.levels,
      microphone: state.microphone,
      locallyMuted: new Set(state.mutedLocally),
      joined,
      isHost: joined && !!state.you?.isFounder,
      invitation: state.invitation,
      rejoinsLeft: state.rejoinsLeft,
      ...(joined ? {} : { audioTracks: [] }),
    });
  }

  private update(patch: Partial<VoiceRoomSnapshot>): void {
    const current = this.snapshot;
    const changed = (Object.keys(patch) as (keyof VoiceRoomSnapshot)[]).some((key) => !same(current[key], patch[key]));
    if (!changed) return;
    this.snapshot = { ...current, ...patch };
    for (const listener of this.listeners) listener();
  }
}

/** Equality for the snapshot's fields: the same value, or arrays, maps and sets with the same entries. */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
  if (a instanceof Map && b instanceof Map) {
    return a.size === b.size && [...a].every(([k, v]) => b.has(k) && Object.is(b.get(k), v));
  }
  if (a instanceof Set && b instanceof Set) return a.size === b.size && [...a].every((x) => b.has(x));
  return false;
}
