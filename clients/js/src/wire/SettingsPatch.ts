// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * A founder's change of settings: absent fields stay as they are.
 */
export type SettingsPatch = { 
/**
 * New `maxParticipants`.
 */
maxParticipants?: number, 
/**
 * New `speakerOnly`.
 */
speakerOnly?: boolean, 
/**
 * New `autoDestroy`.
 */
autoDestroy?: boolean, 
/**
 * New `destroyAfterMinutes`.
 */
destroyAfterMinutes?: number, };
