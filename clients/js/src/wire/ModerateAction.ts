// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * A founder's moderation action.
 */
export type ModerateAction = "grant_speaker" | "revoke_speaker" | "kick" | "mute_all";
