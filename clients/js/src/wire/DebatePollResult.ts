// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { DebateSide } from "./DebateSide.js";
import type { DebateTally } from "./DebateTally.js";

/**
 * The poll's result.
 */
export type DebatePollResult = { 
/**
 * Votes for YES.
 */
yes: DebateTally, 
/**
 * Votes for NO.
 */
no: DebateTally, 
/**
 * The side with more weight; `null` on a tie or without votes.
 */
winner: DebateSide | null, };
