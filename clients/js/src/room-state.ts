/**
 * The room as this client knows it, as immutable values: participants, the
 * speaker queue, the settings, who is speaking and how loud. It changes only
 * by the server's events (`reduceRoom`), which reach the participant who
 * acted too, and by the levels measured here: the room's rules stay on the
 * server, and no action of this client is applied ahead of its events.
 */
import { invitationsEnded, invited, inviteEnded, type Invitation } from './invitations.js';
import { debateFromJoin, type DebateState } from './debate.js';
import { drawnLevels, sameLevels } from './levels.js';
import type { JoinData, Participant, RoomSettings, ServerEvent } from './wire/index.js';

export interface RoomData {
  /** This client's wallet. */
  readonly self: string;
  /** Everyone in the room, this client included, in order of arrival. */
  readonly participants: ReadonlyMap<string, Participant>;
  /** Raised hands, first come first served. */
  readonly queue: readonly string[];
  readonly settings: RoomSettings;
  /** The dominant speaker the server last named. */
  readonly activeSpeaker: string | null;
  /** Who the server last said is audible (`voice:speaking`). */
  readonly audible: readonly string[];
  /** Voice level (0 to 1) of each wallet heard at the latest measurement. */
  readonly levels: ReadonlyMap<string, number>;
  /** Who holds the host role (the founder unless handed on). */
  readonly host: string | null;
  /** The co-hosts, present or not. */
  readonly coHosts: readonly string[];
  /** This client's pending invitation to speak. */
  readonly invitation: Invitation | null;
  /** The debate under way, its poll, or the last one's summary (debate.ts). */
  readonly debate: DebateState | null;
}

/** The room a join finds; `before` is the room of the same stay before a reconnection. */
export function roomFromJoin(join: JoinData, before: RoomData | null = null): RoomData {
  const participants = new Map<string, Participant>();
  for (const participant of [...join.participants, join.you]) participants.set(participant.walletAddress, participant);
  const room: RoomData = {
    self: join.you.walletAddress,
    participants,
    queue: [],
    settings: join.settings,
    activeSpeaker: join.activeSpeaker,
    audible: [],
    levels: new Map(),
    host: join.host,
    coHosts: join.coHosts,
    invitation: null,
    debate: debateFromJoin(join.debate, before?.debate ?? null),
  };
  return withQueue(room, join.speakerQueue);
}

/** The room after server event `event`; the same object when the event does not change it. */
export function reduceRoom(room: RoomData, { event, data }: ServerEvent): RoomData {
  switch (event) {
    case 'voice:user_joined':
      return withParticipants(room, new Map(room.participants).set(data.user.walletAddress, data.user));
    case 'voice:user_left':
      return removed(room, data.walletAddress);
    case 'voice:user_muted':
      return patched(room, data.walletAddress, { isMuted: data.muted });
    case 'voice:speaker_granted':
      return granted(room, data.walletAddress);
    case 'voice:speaker_revoked':
      return revoked(room, data.walletAddress);
    case 'voice:hand_raised':
    case 'voice:hand_lowered':
      return withQueue(room, data.queue);
    case 'voice:settings_updated':
      return withSettings(room, data.settings);
    case 'voice:active_speaker':
      return { ...room, activeSpeaker: data.walletAddress };
    case 'voice:speaking':
      return { ...room, audible: data.walletAddresses };
    case 'voice:hosts_changed':
      return withHosts(room, data.host, data.coHosts);
    case 'voice:speaker_invited':
      return invited(room, data.walletAddress, data.expiresAt);
    case 'voice:invite_declined':
      return inviteEnded(room, data.walletAddress);
    default:
      return room; // media, errors and the end of the stay are the session's
  }
}

export function me(room: RoomData): Participant | undefined {
  return room.participants.get(room.self);
}

function patched(room: RoomData, walletAddress: string, change: Partial<Participant>): RoomData {
  const participant = room.participants.get(walletAddress);
  if (!participant) return room;
  return withParticipants(room, new Map(room.participants).set(walletAddress, { ...participant, ...change }));
}

function removed(room: RoomData, walletAddress: string): RoomData {
  if (!room.participants.has(walletAddress)) return room;
  const participants = new Map(room.participants);
  participants.delete(walletAddress);
  let levels = room.levels;
  if (levels.has(walletAddress)) {
    const fewer = new Map(levels);
    fewer.delete(walletAddress);
    levels = fewer;
  }
  return {
    ...room,
    participants,
    queue: room.queue.filter((wallet) => wallet !== walletAddress),
    activeSpeaker: room.activeSpeaker === walletAddress ? null : room.activeSpeaker,
    levels,
    invitation: walletAddress === room.self ? null : room.invitation,
  };
}

/** The FIFO queue after a change; hand flags follow it. */
function withQueue(room: RoomData, queue: readonly string[]): RoomData {
  const kept = queue.filter((wallet) => room.participants.has(wallet));
  const participants = new Map(room.participants);
  for (const [wallet, participant] of participants) {
    const raised = kept.includes(wallet);
    if (participant.handRaised !== raised) participants.set(wallet, { ...participant, handRaised: raised });
  }
  return { ...room, participants, queue: kept };
}

function granted(room: RoomData, walletAddress: string): RoomData {
  const next = patched(inviteEnded(room, walletAddress), walletAddress, { isSpeaker: true });
  return withQueue(next, next.queue.filter((wallet) => wallet !== walletAddress));
}

function revoked(room: RoomData, walletAddress: string): RoomData {
  return patched(room, walletAddress, { isSpeaker: false, isMuted: true });
}

/** New settings; opening the floor makes everyone a speaker and empties the queue. */
function withSettings(room: RoomData, settings: RoomSettings): RoomData {
  if (settings.speakerOnly) return { ...room, settings };
  room = invitationsEnded(room);
  const participants = new Map(room.participants);
  for (const [wallet, participant] of participants) participants.set(wallet, { ...participant, isSpeaker: true });
  return withQueue({ ...room, settings, participants }, []);
}

/** New roles: each participant's `isHost` and `isCoHost` follow them; a co-host always speaks. */
function withHosts(room: RoomData, host: string | null, coHosts: readonly string[]): RoomData {
  const participants = new Map(room.participants);
  for (const [wallet, participant] of participants) {
    const isHost = wallet === host;
    const isCoHost = coHosts.includes(wallet);
    if (participant.isHost === isHost && participant.isCoHost === isCoHost) continue;
    const isSpeaker = participant.isSpeaker || isCoHost;
    participants.set(wallet, { ...participant, isHost, isCoHost, isSpeaker });
  }
  return { ...room, participants, host, coHosts };
}

/** The connection is being rebuilt: nobody is heard, nobody is speaking. */
export function silenced(room: RoomData): RoomData {
  if (room.activeSpeaker === null && room.audible.length === 0 && room.levels.size === 0) return room;
  return { ...room, activeSpeaker: null, audible: [], levels: new Map() };
}

/**
 * A measurement (`measured` levels by wallet, with the server's audible set
 * for those not measured) that covers `seconds`: the levels to draw, and
 * that much speaking time for everyone heard. The same object while nobody is heard.
 */
export function heard(room: RoomData, measured: ReadonlyMap<string, number>, seconds: number): RoomData {
  const levels = new Map<string, number>();
  const participants = new Map(room.participants);
  for (const [wallet, level] of drawnLevels(measured, room.audible)) {
    const participant = participants.get(wallet);
    if (!participant) continue;
    levels.set(wallet, level);
    participants.set(wallet, { ...participant, speakingTime: participant.speakingTime + seconds });
  }
  if (levels.size === 0) return room.levels.size === 0 ? room : { ...room, levels };
  return { ...room, participants, levels: sameLevels(levels, room.levels) ? room.levels : levels };
}

function withParticipants(room: RoomData, participants: ReadonlyMap<string, Participant>): RoomData {
  return { ...room, participants };
}
