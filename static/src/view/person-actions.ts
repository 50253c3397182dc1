/**
 * What the viewer may do to one person of the room, as the items of that
 * person's menu: the moderation the server allows the viewer's role
 * (docs/protocol.md, "Room rules"), and for everyone a mute on this device
 * and a report. Pure: the room view draws it, the page acts on it.
 */
import type { Participant } from '@pnl-voice/client';

/** One thing to do to a person. */
export type PersonAction =
  | 'invite'
  | 'move-to-listeners'
  | 'mute'
  | 'make-co-host'
  | 'remove-co-host'
  | 'hand-host'
  | 'take-host-back'
  | 'kick'
  | 'mute-for-me'
  | 'unmute-for-me'
  | 'report';

export interface PersonActionItem {
  action: PersonAction;
  text: string;
  danger?: boolean;
}

/** What the actions depend on besides the person. */
export interface Viewer {
  /** The viewer, as the room lists it. */
  me: Participant;
  /** Only granted people speak (else everyone does, and there is nothing to grant). */
  speakerOnly: boolean;
  /** Speakers the viewer muted on this device. */
  mutedForMe: readonly string[];
}

/** The founder, the host and co-hosts moderate. */
export function moderates(p: Participant): boolean {
  return p.isFounder || p.isHost || p.isCoHost;
}

/** A co-host never targets the founder nor another co-host; the founder is nobody's target. */
function mayTarget(me: Participant, p: Participant): boolean {
  return moderates(me) && !p.isFounder && (me.isFounder || !p.isCoHost);
}

/** The items of `p`'s menu for `viewer`, in the order shown (the most common first, removal last). */
export function personActions(p: Participant, viewer: Viewer): PersonActionItem[] {
  const { me } = viewer;
  if (p.walletAddress === me.walletAddress) {
    return me.isFounder && !me.isHost ? [{ action: 'take-host-back', text: 'Take the host role back' }] : [];
  }
  const items: PersonActionItem[] = [];
  const target = mayTarget(me, p);
  if (target && viewer.speakerOnly && !p.isSpeaker && !p.invited) items.push({ action: 'invite', text: 'Invite to speak' });
  if (target && viewer.speakerOnly && p.isSpeaker && !p.isCoHost) {
    items.push({ action: 'move-to-listeners', text: 'Move to listeners' });
  }
  if (target && p.isSpeaker && !p.isMuted) items.push({ action: 'mute', text: 'Mute' });
  if (p.isSpeaker) {
    items.push(
      viewer.mutedForMe.includes(p.walletAddress)
        ? { action: 'unmute-for-me', text: 'Unmute for me' }
        : { action: 'mute-for-me', text: 'Mute for me' },
    );
  }
  if (me.isFounder && !p.isFounder) {
    items.push(p.isCoHost ? { action: 'remove-co-host', text: 'Remove co-host' } : { action: 'make-co-host', text: 'Make co-host' });
  }
  if ((me.isFounder || me.isHost) && p.isCoHost && !p.isHost) items.push({ action: 'hand-host', text: 'Hand host to them' });
  items.push({ action: 'report', text: 'Report' });
  if (target) items.push({ action: 'kick', text: 'Remove from room', danger: true });
  return items;
}
