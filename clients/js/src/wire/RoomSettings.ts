// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * Settings of one room, as sent in the join data.
 */
export type RoomSettings = { 
/**
 * Most participants.
 */
maxParticipants: number, 
/**
 * Only the founder and granted speakers may produce.
 */
speakerOnly: boolean, 
/**
 * Destroy the room after it has been empty for `destroy_after_minutes`.
 */
autoDestroy: boolean, 
/**
 * Minutes an empty room lives on.
 */
destroyAfterMinutes: number, };
