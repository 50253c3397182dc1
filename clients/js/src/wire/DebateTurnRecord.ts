// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { DebateSide } from "./DebateSide.js";

/**
 * One turn a debate held.
 */
export type DebateTurnRecord = { 
/**
 * The side that spoke.
 */
side: DebateSide, 
/**
 * Who spoke.
 */
walletAddress: string, 
/**
 * RFC 3339 start of the turn.
 */
startedAt: string, 
/**
 * How long it lasted, in seconds (to the millisecond).
 */
seconds: number, };
