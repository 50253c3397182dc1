/** The mini-player's state from the room's snapshot and the room's preview line. */
import type { RoomSnapshot } from '../frame/room-api';
import type { MiniState } from './mini';
import { shortWallet } from './preview-text';

function speakerName(snapshot: RoomSnapshot): string {
  const wallet = snapshot.activeSpeaker;
  if (!wallet) return '';
  if (wallet === snapshot.you?.walletAddress) return 'You are speaking';
  const who = snapshot.participants.find((p) => p.walletAddress === wallet);
  return `${who?.displayName ?? shortWallet(wallet)} speaking`;
}

/** `summary` is what to say outside the room (the preview line). */
export function miniState(snapshot: RoomSnapshot, summary: string): MiniState {
  const you = snapshot.you;
  const joined = snapshot.connection === 'connected' || snapshot.connection === 'reconnecting';
  const speaking = joined ? speakerName(snapshot) : '';
  let text = summary || 'Voice room';
  if (snapshot.connection === 'connecting') text = 'Connecting…';
  else if (snapshot.connection === 'reconnecting') text = 'Reconnecting…';
  else if (joined) text = speaking || (you?.isSpeaker ? 'You are on stage' : 'Listening · nobody is speaking');
  return {
    text,
    joined,
    busy: snapshot.connection === 'connecting',
    speaker: (you?.isSpeaker ?? false) && snapshot.microphone.ready,
    muted: snapshot.microphone.muted,
    canRaiseHand: !!you && !you.isSpeaker && (snapshot.settings?.speakerOnly ?? false),
    handRaised: you?.handRaised ?? false,
    speaking: speaking !== '',
  };
}
