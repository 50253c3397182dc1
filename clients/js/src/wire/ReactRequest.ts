// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { Emoji } from "./Emoji.js";

/**
 * `voice:react`.
 */
export type ReactRequest = { 
/**
 * One of the fixed set.
 */
emoji: Emoji, };
