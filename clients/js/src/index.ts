/**
 * `@pnl-voice/client`: join a prediction market's voice room from any web
 * app. Importing it touches no browser global (safe for server-side rendering).
 */
export { VoiceRoom, backoffDelay, type JoinOptions, type VoiceAuth, type VoiceRoomOptions } from './voice-room.js';
export type {
  CloseReason,
  ConnectionState,
  MicrophoneProblem,
  MicrophoneState,
  Notice,
  ReconnectCause,
  RoomSnapshot,
  VoiceRoomEventName,
  VoiceRoomEvents,
} from './events.js';
export type { DebateEvents, DebateState, DebateTurn } from './debate.js';
export { signIn, type SignedIn, type Signer } from './auth.js';
export { injectedWallet, walletSigner, type InjectedWallet } from './wallet-signer.js';
export { guestSigner, type GuestSignerOptions } from './guest-signer.js';
export { fetchPreview } from './preview.js';
export { levelOf } from './levels.js';
export { listMicrophones, type MicrophoneDevice, type Platform, type SocketLike } from './platform.js';
export { describeError, type DescribeOptions } from './describe-error.js';
export {
  verifyWebhook,
  WebhookVerificationError,
  type VerifyWebhookOptions,
  type WebhookVerificationReason,
} from './webhook.js';
export type { Invitation } from './invitations.js';
export { REACTIONS } from './reactions.js';
export {
  VoiceError,
  type ClientErrorCode,
  type ErrorDetails,
  type EventData,
  type Methods,
  type ServerEventName,
  type VoiceErrorCode,
} from './protocol.js';
export type * from './wire/index.js';
