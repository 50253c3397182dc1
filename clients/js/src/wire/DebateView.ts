// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { DebateCurrentTurn } from "./DebateCurrentTurn.js";
import type { DebatePollView } from "./DebatePollView.js";

/**
 * The join data's `debate`.
 */
export type DebateView = { 
/**
 * Each turn's length, in seconds.
 */
turnSeconds: number, 
/**
 * RFC 3339 start.
 */
startedAt: string, 
/**
 * The current turn; `null` with nobody to debate or once the poll
 * opened.
 */
turn: DebateCurrentTurn | null, 
/**
 * Whether the host lifted the turn's pauses.
 */
floorOpen: boolean, 
/**
 * The poll, once the turns ended.
 */
poll: DebatePollView | null, };
