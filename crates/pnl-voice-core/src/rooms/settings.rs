//! Per-room settings (the join data's `settings`) and the founder's changes.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::RoomDefaults;

/// Most participants any room may be set to.
pub const MAX_PARTICIPANTS_CAP: u32 = 10_000;
/// Longest grace period of an empty room, in minutes.
pub const MAX_DESTROY_AFTER_MINUTES: u32 = 24 * 60;

/// Settings of one room, as sent in the join data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
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

/// A founder's change of settings: absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct SettingsPatch {
    /// New `maxParticipants`.
    pub max_participants: Option<u32>,
    /// New `speakerOnly`.
    pub speaker_only: Option<bool>,
    /// New `autoDestroy`.
    pub auto_destroy: Option<bool>,
    /// New `destroyAfterMinutes`.
    pub destroy_after_minutes: Option<u32>,
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

    /// Settings for a room created again: what its founder last set
    /// (`stored`), if in range, over the defaults.
    pub fn restored(
        defaults: &RoomDefaults,
        has_founder: bool,
        stored: Option<&RoomSettings>,
    ) -> Self {
        let fresh = Self::for_new_room(defaults, has_founder);
        let Some(stored) = stored else {
            return fresh;
        };
        let patch = SettingsPatch {
            max_participants: Some(stored.max_participants),
            speaker_only: Some(stored.speaker_only && has_founder),
            auto_destroy: Some(stored.auto_destroy),
            destroy_after_minutes: Some(stored.destroy_after_minutes),
        };
        fresh.patched(&patch).unwrap_or(fresh)
    }

    /// These settings with `patch` applied, if every value is in range.
    pub fn patched(&self, patch: &SettingsPatch) -> Result<Self, String> {
        let next = Self {
            max_participants: patch.max_participants.unwrap_or(self.max_participants),
            speaker_only: patch.speaker_only.unwrap_or(self.speaker_only),
            auto_destroy: patch.auto_destroy.unwrap_or(self.auto_destroy),
            destroy_after_minutes: patch
                .destroy_after_minutes
                .unwrap_or(self.destroy_after_minutes),
        };
        if !(1..=MAX_PARTICIPANTS_CAP).contains(&next.max_participants) {
            return Err(format!(
                "maxParticipants must be 1..={MAX_PARTICIPANTS_CAP}"
            ));
        }
        if next.destroy_after_minutes > MAX_DESTROY_AFTER_MINUTES {
            return Err(format!(
                "destroyAfterMinutes must be at most {MAX_DESTROY_AFTER_MINUTES}"
            ));
        }
        Ok(next)
    }
}
