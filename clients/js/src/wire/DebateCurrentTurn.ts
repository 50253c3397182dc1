// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { DebateSide } from "./DebateSide.js";

/**
 * The turn running now.
 */
export type DebateCurrentTurn = { 
/**
 * The side speaking.
 */
side: DebateSide, 
/**
 * Who speaks.
 */
walletAddress: string, 
/**
 * RFC 3339 end of the turn (unless the host moves on first).
 */
endsAt: string, 
/**
 * Its 1-based number.
 */
turn: number, };
