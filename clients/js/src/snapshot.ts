/**
 * The snapshot a VoiceRoom shows its UI, rebuilt after every change, and
 * the typed events that say what changed between two snapshots.
 */
import type { Emitter, MicrophoneState, RoomSnapshot } from './events.js';
import { me, type RoomData } from './room-state.js';
import type { Participant } from './wire/index.js';

/** What a snapshot is made of, besides the room. */
export type SnapshotParts = Omit<
  RoomSnapshot,
  'you' | 'participants' | 'queue' | 'settings' | 'activeSpeaker' | 'levels' | 'host' | 'invitation' | 'debate'
>;

const NO_LEVELS: ReadonlyMap<string, number> = new Map();

/** One list per participants map: an unchanged room keeps the same list (cheap equality for UIs). */
const lists = new WeakMap<ReadonlyMap<string, Participant>, readonly Participant[]>();

function listOf(participants: ReadonlyMap<string, Participant>): readonly Participant[] {
  let list = lists.get(participants);
  if (!list) {
    list = [...participants.values()];
    lists.set(participants, list);
  }
  return list;
}

/** The snapshot of `room` and `parts`; unchanged parts keep the objects of `previous`. */
export function buildSnapshot(room: RoomData | null, parts: SnapshotParts, previous?: RoomSnapshot): RoomSnapshot {
  return {
    ...parts,
    you: room ? (me(room) ?? null) : null,
    participants: room ? listOf(room.participants) : [],
    queue: room?.queue ?? [],
    settings: room?.settings ?? null,
    activeSpeaker: room?.activeSpeaker ?? null,
    levels: room?.levels ?? NO_LEVELS,
    host: room?.host ?? null,
    invitation: room?.invitation ?? null,
    debate: room?.debate ?? null,
    microphone: previous && sameMic(previous.microphone, parts.microphone) ? previous.microphone : parts.microphone,
    mutedLocally:
      previous && sameList(previous.mutedLocally, parts.mutedLocally) ? previous.mutedLocally : parts.mutedLocally,
  };
}

/** Emits an event for each change from `before` to `after`, then `state`. */
export function announceChanges(emitter: Emitter, before: RoomSnapshot, after: RoomSnapshot): void {
  if (before.connection !== after.connection) emitter.emit('connection', after.connection);
  // Participants come and go within a stay (or between two connections of it), not when it starts or ends.
  if (before.participants !== after.participants && before.you && after.you) {
    const old = new Map(before.participants.map((p) => [p.walletAddress, p]));
    for (const participant of after.participants) {
      const was = old.get(participant.walletAddress);
      old.delete(participant.walletAddress);
      if (!was) emitter.emit('participant-joined', participant);
      else if (changedBesidesTime(was, participant)) emitter.emit('participant-updated', participant);
    }
    for (const walletAddress of old.keys()) emitter.emit('participant-left', { walletAddress });
  }
  if (after.you && before.you !== after.you && (!before.you || changedBesidesTime(before.you, after.you))) {
    emitter.emit('you', after.you);
  }
  if (!sameList(before.queue, after.queue)) emitter.emit('queue', after.queue);
  if (after.settings && before.settings !== after.settings) emitter.emit('settings', after.settings);
  if (before.activeSpeaker !== after.activeSpeaker) emitter.emit('speaking', { walletAddress: after.activeSpeaker });
  if (before.levels !== after.levels && (before.levels.size || after.levels.size)) emitter.emit('levels', after.levels);
  if (before.microphone !== after.microphone) emitter.emit('microphone', after.microphone);
  emitter.emit('state', after);
}

function sameMic(a: MicrophoneState, b: MicrophoneState): boolean {
  return (
    a.ready === b.ready &&
    a.opening === b.opening &&
    a.problem === b.problem &&
    a.muted === b.muted &&
    a.talking === b.talking &&
    a.deviceId === b.deviceId
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** Speaking time grows with every level report: not worth an update of its own. */
function changedBesidesTime(a: Participant, b: Participant): boolean {
  return (Object.keys(b) as (keyof Participant)[]).some((key) => key !== 'speakingTime' && a[key] !== b[key]);
}
