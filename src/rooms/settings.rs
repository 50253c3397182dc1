//! Per-room settings (the seed design's `settings`).

use serde::Serialize;

use crate::config::RoomDefaults;

/// Settings of one room, as sent in the join data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomSettings {
    /// Most participants.
    pub max_participants: u32,
    /// Only the founder and granted speakers may produce.
    pub speaker_only: bool,
    /// Destroy the room after it has been empty for `destroy_after_minutes`.
    pub auto_destroy: bool,
    /// Minutes an empty room lives on.
    pub destroy_after_minutes: u32,
}

impl RoomSettings {
    /// Settings for a new room: the configured defaults, except that a room
    /// with no founder is open to every speaker (nobody could grant the floor).
    pub fn for_new_room(defaults: &RoomDefaults, has_founder: bool) -> Self {
        Self {
            max_participants: defaults.max_participants,
            speaker_only: defaults.speaker_only && has_founder,
            auto_destroy: defaults.auto_destroy,
            destroy_after_minutes: defaults.destroy_after_minutes,
        }
    }
}
