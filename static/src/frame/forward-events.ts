/**
 * Reports what happens in the room to the host page: joined (followed by a
 * `participant-joined` for everyone already there, so the host can build the
 * roster from events alone), left, people coming and going, the active
 * speaker, the raised-hands queue and errors.
 */
import type { EmbedParticipant } from '@pnl-voice/client/embed';
import type { FrameChannel } from './channel';
import type { EmbeddableRoom, Participant } from './room-api';

function embedParticipant(p: Participant): EmbedParticipant {
  return {
    walletAddress: p.walletAddress,
    displayName: p.displayName,
    position: p.position,
    positionSize: p.positionSize,
    isFounder: p.isFounder,
    isSpeaker: p.isSpeaker,
  };
}

/** Subscribes to `room`'s events for the host page; returns the unsubscribe function. */
export function forwardRoomEvents(room: EmbeddableRoom, channel: FrameChannel): () => void {
  let joined = false;
  const subscriptions = [
    room.on('state', (state) => {
      const you = state.you;
      if (state.connection !== 'connected' || joined || !you) return;
      joined = true;
      channel.post({ type: 'joined', marketAddress: state.marketAddress ?? '', walletAddress: you.walletAddress });
      for (const p of state.participants) channel.post({ type: 'participant-joined', participant: embedParticipant(p) });
    }),
    room.on('closed', ({ reason, error }) => {
      // A join that failed never joined: the host hears why as an error.
      if (!joined && error) channel.post({ type: 'error', code: error.code, message: error.message });
      if (!joined) return;
      joined = false;
      channel.post({ type: 'left', reason });
    }),
    room.on('participant-joined', (p) => {
      if (joined) channel.post({ type: 'participant-joined', participant: embedParticipant(p) });
    }),
    room.on('participant-left', ({ walletAddress }) => channel.post({ type: 'participant-left', walletAddress })),
    room.on('speaking', ({ walletAddress }) => channel.post({ type: 'speaking', walletAddress })),
    room.on('queue', (queue) => channel.post({ type: 'queue', queue: [...queue] })),
    room.on('error', ({ code, message }) => channel.post({ type: 'error', code, message })),
  ];
  return () => subscriptions.forEach((unsubscribe) => unsubscribe());
}
