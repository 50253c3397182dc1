/**
 * This package's own types around the room. The SDK's types it builds on are
 * re-exported by `index.ts` straight from `@pnl-voice/client`.
 */
import type { RoomPreview, VoiceAuth, VoiceRoom as VoiceRoomClient, VoiceRoomOptions } from '@pnl-voice/client';

/** A failure as the UI shows it: the SDK's `VoiceError` (server or client code), or another error under its name. */
export interface RoomError {
  code: string;
  message: string;
}

/**
 * What the hook uses of a `VoiceRoom`: the SDK's class satisfies it, and a
 * test or a story can pass a stand-in through `createRoom`.
 */
export type VoiceRoomLike = Pick<
  VoiceRoomClient,
  | 'join'
  | 'leave'
  | 'setMuted'
  | 'setPushToTalk'
  | 'raiseHand'
  | 'lowerHand'
  | 'grantSpeaker'
  | 'revokeSpeaker'
  | 'kick'
  | 'muteAll'
  | 'inviteSpeaker'
  | 'respondToInvite'
  | 'react'
  | 'updateSettings'
  | 'setSpeakerMutedLocally'
  | 'setMicrophone'
  | 'state'
  | 'on'
>;

/** Credentials for joining, or a function that gets them when the user joins (e.g. asks the wallet to connect). */
export type AuthSource = VoiceAuth | (() => VoiceAuth | Promise<VoiceAuth>);

/** Makes the room object; the default is `new VoiceRoom(options)` from `@pnl-voice/client`. */
export type CreateRoom = (options: VoiceRoomOptions) => VoiceRoomLike;

/** Loads the room's preview; the default is `fetchPreview` from `@pnl-voice/client`. */
export type FetchPreview = (serverUrl: string, marketAddress: string) => Promise<RoomPreview>;
