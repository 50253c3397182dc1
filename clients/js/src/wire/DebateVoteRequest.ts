// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { DebateSide } from "./DebateSide.js";

/**
 * `voice:debate_vote`: which side argued better (while the poll is open).
 */
export type DebateVoteRequest = { 
/**
 * `YES` or `NO`.
 */
side: DebateSide, };
