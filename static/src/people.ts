/** What a person's menu item does: the SDK call behind each action (the page shows the outcome from the room's events). */
import type { VoiceRoom } from '@pnl-voice/client';
import type { PersonAction } from './view/person-actions';

/** Runs `action` on `wallet`; `report` opens the report dialog (it needs a reason first). */
export function actOnPerson(room: VoiceRoom, action: PersonAction, wallet: string, report: (wallet: string) => void): Promise<unknown> {
  const calls: Record<PersonAction, () => Promise<unknown>> = {
    invite: () => room.inviteSpeaker(wallet),
    'move-to-listeners': () => room.revokeSpeaker(wallet),
    mute: () => room.muteSpeaker(wallet),
    'make-co-host': () => room.addCoHost(wallet),
    'remove-co-host': () => room.removeCoHost(wallet),
    'hand-host': () => room.transferHost(wallet),
    'take-host-back': () => room.transferHost(wallet),
    kick: () => room.kick(wallet),
    'mute-for-me': () => room.setSpeakerMutedLocally(wallet, true),
    'unmute-for-me': () => room.setSpeakerMutedLocally(wallet, false),
    report: async () => report(wallet),
  };
  return calls[action]();
}
