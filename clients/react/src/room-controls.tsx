/** This user's controls: mute (speakers), raise or lower hand (listeners), mute all (host), leave. */
import type { UseVoiceRoomResult } from './use-voice-room.js';

export interface RoomControlsProps {
  room: UseVoiceRoomResult;
  act(action: () => Promise<unknown>): void;
}

export function RoomControls({ room, act }: RoomControlsProps) {
  const you = room.you;
  if (!you) return null;
  return (
    <div className="pnl-voice-controls" role="group" aria-label="Your controls">
      {you.isSpeaker ? (
        <button
          type="button"
          className="pnl-voice-button"
          data-variant={room.microphone.muted ? 'primary' : undefined}
          data-control="mute"
          disabled={!room.microphone.ready}
          onClick={() => act(() => room.setMuted(!room.microphone.muted))}
        >
          {room.microphone.muted ? 'Unmute' : 'Mute'}
        </button>
      ) : (
        <button
          type="button"
          className="pnl-voice-button"
          data-control="hand"
          aria-pressed={you.handRaised}
          onClick={() => act(() => (you.handRaised ? room.lowerHand() : room.raiseHand()))}
        >
          {you.handRaised ? 'Lower hand' : 'Raise hand'}
        </button>
      )}
      {room.isHost && (
        <button type="button" className="pnl-voice-button" data-control="mute-all" onClick={() => act(() => room.muteAll())}>
          Mute all
        </button>
      )}
      <button type="button" className="pnl-voice-button" data-variant="danger" data-control="leave" onClick={() => act(() => room.leave())}>
        Leave
      </button>
    </div>
  );
}
