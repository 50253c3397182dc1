/**
 * `useVoiceRoom`: one market's voice room as React state. The `VoiceRoom`
 * object is made in an effect, so rendering (on the server too) touches
 * no browser API; the state comes through `useSyncExternalStore`.
 */
import { VoiceRoom, type Emoji, type SettingsPatch, type VoiceRoomOptions } from '@pnl-voice/client';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { RoomStore, type VoiceRoomSnapshot } from './room-store.js';
import type { AuthSource, CreateRoom, VoiceRoomLike } from './room-types.js';

export interface UseVoiceRoomOptions {
  /** The voice server, e.g. `https://voice.example.com`. */
  serverUrl: string;
  /** The market whose room to join. */
  marketAddress: string;
  /** How to sign in: a wallet signer, a token, or a function returning one when the user joins. */
  auth?: AuthSource;
  /** Join as soon as the component mounts (needs `auth`). Default false: the user presses Listen. */
  autoJoin?: boolean;
  /** More `VoiceRoom` options (ICE policy, reconnect). */
  roomOptions?: Omit<VoiceRoomOptions, 'serverUrl'>;
  /** Makes the room object; tests pass a stand-in. Default: `new VoiceRoom(options)`. */
  createRoom?: CreateRoom;
}

/** What a user can do in the room. Each action rejects on failure and also records it as `error`. */
export interface VoiceRoomActions {
  /** Signs in with `auth` and joins (muted, as a listener unless this user hosts the room). */
  join(): Promise<void>;
  leave(): Promise<void>;
  setMuted(muted: boolean): Promise<void>;
  /** Talk while the key or button is held, muted again when released. */
  setPushToTalk(held: boolean): Promise<void>;
  /** Resolves with this user's place in the queue (1 = next). */
  raiseHand(): Promise<number>;
  lowerHand(): Promise<void>;
  /** Host only: bring a listener on stage. */
  grantSpeaker(wallet: string): Promise<void>;
  /** Host only: send a speaker back to the audience. */
  revokeSpeaker(wallet: string): Promise<void>;
  /** Host only: remove someone from the room. */
  kick(wallet: string): Promise<void>;
  /** Host only: mute every speaker. */
  muteAll(): Promise<void>;
  /** Host only: invite a listener to speak (it accepts or declines). */
  inviteSpeaker(wallet: string): Promise<void>;
  /** Answer this user's invitation to speak (`invitation`): accept to go on stage, or decline. */
  respondToInvite(accept: boolean): Promise<void>;
  /** Send a reaction to everyone (one of the SDK's `Emoji`, at most one a second). */
  react(emoji: Emoji): Promise<void>;
  /** Host only: change the room's settings. */
  updateSettings(patch: SettingsPatch): Promise<void>;
  /** Stop (or resume) hearing one speaker on this device only; the server stops sending their audio. */
  setSpeakerMutedLocally(wallet: string, muted: boolean): Promise<void>;
  /** Switch this user's microphone. */
  setMicrophone(deviceId: string): Promise<void>;
  /** Forget the last error. */
  clearError(): void;
}

export type UseVoiceRoomResult = VoiceRoomSnapshot &
  VoiceRoomActions & {
    /** The SDK object (null until mounted), for what the hook does not cover. */
    room: VoiceRoomLike | null;
  };

const defaultCreateRoom: CreateRoom = (options) => new VoiceRoom(options);

function notReady(): Error {
  return new Error('The voice room is not ready yet: it is created once the component has mounted.');
}

export function useVoiceRoom(options: UseVoiceRoomOptions): UseVoiceRoomResult {
  const { serverUrl, marketAddress } = options;
  const latest = useRef(options);
  const roomRef = useRef<VoiceRoomLike | null>(null);
  const [room, setRoom] = useState<VoiceRoomLike | null>(null);
  // A new store per room, so a new market never shows the last one's state.
  const store = useMemo(() => new RoomStore(marketAddress), [serverUrl, marketAddress]);
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);

  useEffect(() => {
    latest.current = options;
  });

  const join = useCallback(async () => {
    const current = roomRef.current;
    if (!current) throw notReady();
    const source = latest.current.auth;
    if (!source) {
      const error = new Error('Cannot join: pass `auth` (a wallet signer or a token) to useVoiceRoom or <VoiceRoom>.');
      store.fail(error);
      throw error;
    }
    store.resetForJoin();
    try {
      const auth = typeof source === 'function' ? await source() : source;
      await current.join(marketAddress, auth);
    } catch (error) {
      store.fail(error);
      throw error;
    }
  }, [store, marketAddress]);

  useEffect(() => {
    const create = latest.current.createRoom ?? defaultCreateRoom;
    const created = create({ ...latest.current.roomOptions, serverUrl });
    const detach = store.attach(created);
    roomRef.current = created;
    setRoom(created);
    if (latest.current.autoJoin) join().catch(() => undefined); // recorded as `error`
    return () => {
      detach();
      roomRef.current = null;
      setRoom(null);
      if (created.state.connection !== 'idle' && created.state.connection !== 'closed') {
        created.leave().catch(() => undefined); // unmounting: nobody is left to tell
      }
    };
  }, [store, serverUrl, join]);

  const actions = useMemo<VoiceRoomActions>(() => {
    const run = async <T>(action: (room: VoiceRoomLike) => Promise<T>): Promise<T> => {
      const current = roomRef.current;
      if (!current) throw notReady();
      try {
        return await action(current);
      } catch (error) {
        store.fail(error);
        throw error;
      }
    };
    return {
      join,
      leave: () => run((r) => r.leave()),
      setMuted: (muted) => run((r) => r.setMuted(muted)),
      setPushToTalk: (held) => run((r) => r.setPushToTalk(held)),
      raiseHand: () => run((r) => r.raiseHand()),
      lowerHand: () => run((r) => r.lowerHand()),
      grantSpeaker: (wallet) => run((r) => r.grantSpeaker(wallet)),
      revokeSpeaker: (wallet) => run((r) => r.revokeSpeaker(wallet)),
      kick: (wallet) => run((r) => r.kick(wallet)),
      muteAll: () => run((r) => r.muteAll()),
      inviteSpeaker: (wallet) => run((r) => r.inviteSpeaker(wallet)),
      respondToInvite: (accept) => run((r) => r.respondToInvite(accept)),
      react: (emoji) => run((r) => r.react(emoji)),
      updateSettings: (patch) => run((r) => r.updateSettings(patch)),
      setSpeakerMutedLocally: (wallet, muted) => run((r) => r.setSpeakerMutedLocally(wallet, muted)),
      setMicrophone: (deviceId) => run((r) => r.setMicrophone(deviceId)),
      clearError: () => store.clearError(),
    };
  }, [store, join]);

  return useMemo(() => ({ ...snapshot, ...actions, room }), [snapshot, actions, room]);
}
