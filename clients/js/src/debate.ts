/**
 * The debate mode as this client knows it: whose turn it is and until
 * when, whether the floor is open, the poll that follows a debate and this
 * client's vote in it, and the last debate's summary. Like the rest of the
 * room it changes only by the join data and the server's events (and the
 * own vote once the server took it): the turns, their timer and the pauses
 * they impose are the server's.
 */
import type { DebateCurrentTurn, DebateSide, DebateSummary, JoinData, ServerEvent } from './wire/index.js';

/** The turn under way: who speaks for which side, until when. */
export interface DebateTurn {
  side: DebateSide;
  walletAddress: string;
  /** RFC 3339: the turn ends then unless the host moves on earlier. */
  endsAt: string;
  /** 1 for the debate's first turn. */
  number: number;
}

/** The debate of the room (`RoomSnapshot.debate`), from its start to the summary of its poll. */
export interface DebateState {
  /** Seconds per turn. */
  turnSeconds: number;
  /** RFC 3339. */
  startedAt: string;
  /** Turns run: false once the host ended the debate (the poll and the summary follow). */
  running: boolean;
  /** The turn under way; null between turns, after the debate, or while nobody on stage holds a side. */
  turn: DebateTurn | null;
  /** The host lifted the turn's pauses: everyone on stage may speak. */
  floorOpen: boolean;
  /** The poll on which side argued better, while it is open. */
  poll: { closesAt: string } | null;
  /** This client's vote in the open poll, once the server took it. */
  vote: DebateSide | null;
  /** The summary of the latest debate that ended during this stay (turns, speaking time, the poll's result). */
  summary: DebateSummary | null;
}

/** What the SDK emits for each debate event: the server's data as sent. */
export interface DebateEvents {
  'debate-started': DebateEventData<'voice:debate_started'>;
  /** A new turn; `side`, `walletAddress` and `endsAt` are null when nobody on stage holds a side. */
  'debate-turn': DebateEventData<'voice:debate_turn'>;
  'debate-floor': DebateEventData<'voice:debate_floor'>;
  /** The debate ended and its poll opened. */
  'debate-poll': DebateEventData<'voice:debate_poll'>;
  /** The poll closed: the summary, as stored. */
  'debate-ended': DebateEventData<'voice:debate_ended'>;
}

/** The server events of the debate, by the SDK event each becomes. */
export const DEBATE_EVENTS = {
  'voice:debate_started': 'debate-started',
  'voice:debate_turn': 'debate-turn',
  'voice:debate_floor': 'debate-floor',
  'voice:debate_poll': 'debate-poll',
  'voice:debate_ended': 'debate-ended',
} as const satisfies Record<string, keyof DebateEvents>;

export type DebateEventName = keyof typeof DEBATE_EVENTS;
export type DebateEvent = Extract<ServerEvent, { event: DebateEventName }>;
type DebateEventData<E extends DebateEventName> = Extract<ServerEvent, { event: E }>['data'];

/**
 * The debate a (re)join finds. `before` is what this stay knew: the vote
 * stays while the same poll is open, and the last summary stays.
 */
export function debateFromJoin(debate: JoinData['debate'], before: DebateState | null): DebateState | null {
  if (!debate) return before?.summary ? { ...closed(before), summary: before.summary } : null;
  const samePoll = !!debate.poll && before?.poll?.closesAt === debate.poll.closesAt;
  return {
    turnSeconds: debate.turnSeconds,
    startedAt: debate.startedAt,
    running: !debate.poll,
    turn: debate.turn ? turnOf(debate.turn) : null,
    floorOpen: debate.floorOpen,
    poll: debate.poll,
    vote: samePoll ? (before?.vote ?? null) : null,
    summary: before?.summary ?? null,
  };
}

/** The debate after server event `event`; the same object when nothing changes. */
export function reduceDebate(debate: DebateState | null, { event, data }: DebateEvent): DebateState | null {
  switch (event) {
    case 'voice:debate_started':
      return {
        turnSeconds: data.turnSeconds,
        startedAt: data.startedAt,
        running: true,
        turn: null,
        floorOpen: false,
        poll: null,
        vote: null,
        summary: debate?.summary ?? null,
      };
    case 'voice:debate_turn':
      return debate && { ...debate, turn: turnOf(data) };
    case 'voice:debate_floor':
      return debate && debate.floorOpen !== data.open ? { ...debate, floorOpen: data.open } : debate;
    case 'voice:debate_poll':
      return debate && { ...closed(debate), poll: { closesAt: data.closesAt }, vote: null };
    case 'voice:debate_ended': {
      const { summary } = data;
      const base = debate ?? { turnSeconds: summary.turnSeconds, startedAt: summary.startedAt, vote: null };
      return { ...closed(base), vote: debate?.vote ?? null, summary };
    }
  }
}

/** The debate once this client's vote for `side` was taken. */
export function voted(debate: DebateState | null, side: DebateSide): DebateState | null {
  return debate?.poll ? { ...debate, vote: side } : debate;
}

/** A debate no longer running, its poll closed. */
function closed(debate: Pick<DebateState, 'turnSeconds' | 'startedAt' | 'vote'>): DebateState {
  return { ...debate, running: false, turn: null, floorOpen: false, poll: null, summary: null };
}

/** The wire's turn (of the join data or an event), or null when it names nobody. */
function turnOf(turn: DebateEventData<'voice:debate_turn'> | DebateCurrentTurn): DebateTurn | null {
  if (!turn.side || !turn.walletAddress || !turn.endsAt) return null;
  return { side: turn.side, walletAddress: turn.walletAddress, endsAt: turn.endsAt, number: turn.turn };
}
