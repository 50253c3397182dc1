// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * A moderation action of the founder, the host or a co-host (who may do
 * what: docs/protocol.md, "Room rules").
 */
export type ModerateAction = "grant_speaker" | "revoke_speaker" | "kick" | "mute_all" | "mute" | "add_co_host" | "remove_co_host" | "transfer_host" | "end_room" | "clear_reservations" | "invite_speaker";
