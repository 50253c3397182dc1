// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { RoomSettings } from "./RoomSettings.js";

/**
 * Reply of `voice:update_settings`.
 */
export type SettingsReply = { 
/**
 * The room's settings after the change.
 */
settings: RoomSettings, };
