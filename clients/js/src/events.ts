/** What a VoiceRoom tells its listeners, and the typed emitter that does it. */
import type { DebateEvents, DebateState } from './debate.js';
import type { Invitation } from './invitations.js';
import type { EventData, VoiceError } from './protocol.js';
import type { Participant, RoomSettings } from './wire/index.js';

/** Where the room's connection is. `closed` is final until the next `join`. */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Why a connected room is being rebuilt. */
export type ReconnectCause = 'connection-lost' | 'media-failed' | 'worker-died' | 'server-shutdown';

/**
 * Why the stay ended: the user left; the founder removed them; the same
 * wallet joined elsewhere; the server closed the room; or an error that a
 * retry cannot fix (see `error`).
 */
export type CloseReason = 'left' | 'kicked' | 'replaced' | 'room-closed' | 'error';

/** Moments the user must notice. */
export type Notice = 'speak-now' | 'muted-by-founder' | 'moved-to-audience';

/**
 * Why the microphone could not be opened: `blocked` (the browser or the
 * user refused the permission), `unavailable` (no input, or it failed).
 */
export type MicrophoneProblem = 'blocked' | 'unavailable';

export interface MicrophoneState {
  /** The own producer exists: mute and unmute work. */
  ready: boolean;
  /** The microphone is being opened (the browser may be asking the user). */
  opening: boolean;
  /**
   * The last attempt to open it failed, and why; it stays until an attempt
   * works (`retryMicrophone`, or unmuting) or the user leaves the stage.
   */
  problem: MicrophoneProblem | null;
  /** Nothing is sent (true until the user unmutes). */
  muted: boolean;
  /** Push-to-talk is held and has unmuted the microphone. */
  talking: boolean;
  /** The chosen input ('' = the browser's default). */
  deviceId: string;
}

/** Everything a UI renders, as one immutable value replaced on every change. */
export interface RoomSnapshot {
  connection: ConnectionState;
  marketAddress: string | null;
  /** This client in the room. */
  you: Participant | null;
  /** Everyone in the room (you included), in order of arrival. */
  participants: readonly Participant[];
  /** Raised hands, first come first served. */
  queue: readonly string[];
  settings: RoomSettings | null;
  /** The dominant speaker the server last named. */
  activeSpeaker: string | null;
  /** Voice level (0 to 1) by wallet, measured from the audio in this browser; empty when nobody is heard. */
  levels: ReadonlyMap<string, number>;
  microphone: MicrophoneState;
  /**
   * Who holds the host role (the founder unless handed on to a co-host),
   * present or not: a host missing from `participants` left the room.
   * `null` in a room without a founder.
   */
  host: string | null;
  /** Speakers this client muted for itself (`setSpeakerMutedLocally`); the same array until it changes. */
  mutedLocally: readonly string[];
  /** The audio path: `restarting` while ICE is restarted with the socket up. */
  audio: 'ok' | 'restarting';
  /** While `connection` is `reconnecting`: the attempt and its cause. */
  reconnect: { attempt: number; cause: ReconnectCause } | null;
  /** A moderator's pending invitation to this client to speak (`respondToInvite`). */
  invitation: Invitation | null;
  /**
   * How many more times this wallet may join this room in the next minute or so
   * before a join is refused with a ban (set when 3 or fewer, from the last join;
   * kept after leaving, so a UI can warn before joining again).
   */
  rejoinsLeft: number | null;
  /** The debate under way, its poll, or the last one's summary; null when none happened during this stay. */
  debate: DebateState | null;
}

/** Each event and its payload; the debate's come as the server sent them (`DebateEvents`). */
export interface VoiceRoomEvents extends DebateEvents {
  connection: ConnectionState;
  /** After any change. */
  state: RoomSnapshot;
  /** In the room, the first time or again after a reconnection. */
  connected: { rejoined: boolean };
  reconnecting: { attempt: number; cause: ReconnectCause };
  'participant-joined': Participant;
  'participant-left': { walletAddress: string };
  'participant-updated': Participant;
  /** The dominant speaker changed. */
  speaking: { walletAddress: string | null };
  levels: ReadonlyMap<string, number>;
  queue: readonly string[];
  settings: RoomSettings;
  you: Participant;
  microphone: MicrophoneState;
  notice: Notice;
  /** The audio path dropped or works again, with the socket up. */
  'audio-path': 'ok' | 'restarting';
  /** A remote speaker's track to play (an `<audio>` element with `srcObject`). */
  audio: { walletAddress: string; producerId: string; track: MediaStreamTrack };
  /** That track is gone. */
  'audio-ended': { walletAddress: string; producerId: string };
  /** Someone reacted (this client too), with the side of their badge. */
  reaction: EventData<'voice:reaction'>;
  /** A moderator invited someone (perhaps this client: see `invitation`) to speak. */
  'speaker-invited': EventData<'voice:speaker_invited'>;
  /** An invitation to speak was declined or expired (an accepted one grants the floor). */
  'invite-declined': EventData<'voice:invite_declined'>;
  /** A problem that does not end the stay. */
  error: VoiceError;
  closed: { reason: CloseReason; error?: VoiceError; serverReason?: string };
}

export type VoiceRoomEventName = keyof VoiceRoomEvents;
export type Listener<E extends VoiceRoomEventName> = (payload: VoiceRoomEvents[E]) => void;

export class Emitter {
  private readonly listeners = new Map<VoiceRoomEventName, Set<(payload: never) => void>>();

  /** Adds `listener`; returns the function that removes it. */
  on<E extends VoiceRoomEventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => void set.delete(listener);
  }

  /** Calls every listener of `event`; one that throws does not stop the room (its error is rethrown apart). */
  emit<E extends VoiceRoomEventName>(event: E, payload: VoiceRoomEvents[E]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as Listener<E>)(payload);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
