// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { ModerateAction } from "./ModerateAction.js";

/**
 * `voice:moderate` (the founder, the host and co-hosts).
 */
export type ModerateRequest = { 
/**
 * What to do.
 */
action: ModerateAction, 
/**
 * To whom: required by all but `mute_all`, `end_room` and
 * `clear_reservations`.
 */
targetWallet?: string, };
