// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { DebatePollResult } from "./DebatePollResult.js";
import type { DebateSpeakingSeconds } from "./DebateSpeakingSeconds.js";
import type { DebateTurnRecord } from "./DebateTurnRecord.js";

/**
 * What a debate leaves: sent to every member when its poll closes and
 * kept in the store.
 */
export type DebateSummary = { 
/**
 * The debate's id.
 */
id: string, 
/**
 * The market whose room held it.
 */
marketAddress: string, 
/**
 * RFC 3339 start (`start`).
 */
startedAt: string, 
/**
 * RFC 3339 end of the turns (`end`; the poll closed later).
 */
endedAt: string, 
/**
 * Each turn's length as set at the start.
 */
turnSeconds: number, 
/**
 * The turns held, in order.
 */
turns: Array<DebateTurnRecord>, 
/**
 * Seconds per side, from the turns.
 */
speakingSeconds: DebateSpeakingSeconds, 
/**
 * The poll's result.
 */
poll: DebatePollResult, };
