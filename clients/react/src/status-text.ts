/** The sentence the status line (an ARIA live region) reads out for the room's state. */
import type { CloseReason, Notice } from '@pnl-voice/client';
import type { UseVoiceRoomResult } from './use-voice-room.js';

const CLOSED: Record<CloseReason, string> = {
  left: 'You left the room.',
  kicked: 'The founder removed you from the room.',
  replaced: 'You joined this room from another tab or device, so this one left.',
  'room-closed': 'The room was closed.',
  error: 'You are no longer in the room.',
};

export function statusText(room: UseVoiceRoomResult): string {
  switch (room.connection) {
    case 'idle':
      return 'Press Listen to join. You join muted, as a listener.';
    case 'connecting':
      return 'Joining the room…';
    case 'reconnecting':
      return 'Connection lost. Reconnecting…';
    case 'closed':
      return CLOSED[room.closedReason ?? 'left'];
    case 'connected':
      return inRoom(room);
  }
}

function inRoom(room: UseVoiceRoomResult): string {
  const you = room.you;
  if (!you) return 'Joining the room…';
  const notice = noticeText(room.notice, you.isSpeaker, room.microphone.muted);
  if (notice) return notice;
  if (you.isSpeaker) {
    if (!room.microphone.ready) return 'You are on stage. Getting your microphone ready…';
    return room.microphone.muted ? 'You are on stage, muted.' : 'You are on stage and live.';
  }
  if (you.handRaised) {
    const place = room.queue.indexOf(you.walletAddress) + 1;
    return place > 0 ? `Hand raised: you are number ${place} in the queue.` : 'Hand raised.';
  }
  return 'You are listening.';
}

/** The last notice, while it still describes the user's situation. */
function noticeText(notice: Notice | null, speaker: boolean, muted: boolean): string | null {
  if (notice === 'speak-now' && speaker && muted) return 'The founder invited you to speak. Unmute when you are ready.';
  if (notice === 'muted-by-founder' && speaker && muted) return 'The founder muted you.';
  if (notice === 'moved-to-audience' && !speaker) return 'The founder moved you back to the listeners.';
  return null;
}
