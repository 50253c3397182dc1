/**
 * Invitations to speak as the room's state keeps them: who is invited
 * (each participant's `invited`), and this client's own invitation with
 * its end. An invitation ends with the server's `voice:invite_declined`
 * (declined or expired), or silently with what ends it otherwise: a grant
 * (`voice:speaker_granted`), the invited member leaving, or the floor opening.
 */
import type { RoomData } from './room-state.js';
import type { Participant } from './wire/index.js';

/** This client's pending invitation: accept or decline before `expiresAt` (RFC 3339). */
export interface Invitation {
  expiresAt: string;
}

/** `walletAddress` was invited until `expiresAt`. */
export function invited(room: RoomData, walletAddress: string, expiresAt: string): RoomData {
  const next = flagged(room, walletAddress, true);
  return walletAddress === room.self ? { ...next, invitation: { expiresAt } } : next;
}

/** `walletAddress`'s invitation ended (declined, expired, granted). */
export function inviteEnded(room: RoomData, walletAddress: string): RoomData {
  const next = flagged(room, walletAddress, false);
  return walletAddress === room.self && next.invitation ? { ...next, invitation: null } : next;
}

/** Every invitation ended (the floor opened to everyone). */
export function invitationsEnded(room: RoomData): RoomData {
  let next = room;
  for (const [wallet, participant] of room.participants) if (participant.invited) next = flagged(next, wallet, false);
  return next.invitation ? { ...next, invitation: null } : next;
}

function flagged(room: RoomData, walletAddress: string, invited: boolean): RoomData {
  const participant: Participant | undefined = room.participants.get(walletAddress);
  if (!participant || participant.invited === invited) return room;
  return { ...room, participants: new Map(room.participants).set(walletAddress, { ...participant, invited }) };
}
