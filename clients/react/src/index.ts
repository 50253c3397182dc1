'use client';
/**
 * `@pnl-voice/react`: a market's live voice room in React 18 and 19.
 * Safe to import and render on the server: the room object (and every
 * browser API) is created only in effects. `'use client'` lets a React
 * Server Component (Next.js App Router) render `<VoiceRoom>` directly.
 */
export { VoiceRoom, VoiceRoomView, type VoiceRoomProps, type VoiceRoomViewProps } from './voice-room.js';
export { useVoiceRoom, type UseVoiceRoomOptions, type UseVoiceRoomResult, type VoiceRoomActions } from './use-voice-room.js';
export { useRoomPreview, type RoomPreviewState, type UseRoomPreviewOptions } from './use-room-preview.js';
export { ParticipantTile, type ParticipantTileProps } from './participant-tile.js';
export { RoomAudio, resumeAudio, type RoomAudioProps } from './remote-audio.js';
export { idleSnapshot, type RemoteAudioTrack, type VoiceRoomSnapshot } from './room-store.js';
export { formatAmount, liveLine, shortAddress } from './format.js';
export type { AuthSource, CreateRoom, FetchPreview, RoomError, VoiceRoomLike } from './room-types.js';
export type {
  CloseReason,
  ConnectionState,
  Emoji,
  Invitation,
  MicrophoneState,
  Notice,
  Participant,
  RoomPreview,
  RoomSettings,
  RoomSnapshot,
  SettingsPatch,
  VoiceAuth,
  VoiceError,
  VoiceRoomOptions,
} from '@pnl-voice/client';
