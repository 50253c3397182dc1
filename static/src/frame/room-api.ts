/** The part of the SDK's `VoiceRoom` (`@pnl-voice/client`) the frame and mini-player use. */
import type { VoiceRoom } from '@pnl-voice/client';

export type { Participant, RoomSnapshot, Signer } from '@pnl-voice/client';

export type EmbeddableRoom = Pick<VoiceRoom, 'state' | 'on' | 'leave' | 'setMuted' | 'raiseHand' | 'lowerHand'>;
