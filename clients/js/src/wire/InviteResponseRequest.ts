// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * `voice:invite_response`: the invited member's answer.
 */
export type InviteResponseRequest = { 
/**
 * Accept (go on stage at once) or decline.
 */
accept: boolean, };
