// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { ModerateAction } from "./ModerateAction.js";

/**
 * `voice:moderate` (founder only).
 */
export type ModerateRequest = { 
/**
 * What to do.
 */
action: ModerateAction, 
/**
 * To whom: required by all but `mute_all`.
 */
targetWallet?: string, };
