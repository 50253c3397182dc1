// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { DebateAction } from "./DebateAction.js";

/**
 * `voice:debate` (the host: the founder or a co-host).
 */
export type DebateRequest = { 
/**
 * What to do.
 */
action: DebateAction, 
/**
 * With `start` only: each turn's length in seconds, 15..=600
 * (default 90).
 */
turnSeconds?: number, };
