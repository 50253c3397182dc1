//! The settings and abuse policy a new room starts with, as configured.
//! The server's full configuration (`pnl_voice::config::Config`) holds these
//! and loads them from its file and environment; here they are only data, so
//! the rules and their tests need no loader.

use serde::Deserialize;

/// Settings a new room starts with (a room's `settings`, docs/protocol.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoomDefaults {
    /// Most participants in one room.
    pub max_participants: u32,
    /// Only the founder and granted speakers may produce.
    pub speaker_only: bool,
    /// Destroy the room once it has been empty for `destroy_after_minutes`.
    pub auto_destroy: bool,
    /// Minutes an empty room lives on (0: destroyed as soon as it empties).
    pub destroy_after_minutes: u32,
    /// Minutes a kicked wallet stays banned from the room.
    pub kick_ban_minutes: u32,
    /// Joins of one wallet within `churn_window_secs` after which it is
    /// kicked (and banned) automatically.
    pub churn_max_joins: u32,
    /// The window of `churn_max_joins`, in seconds.
    pub churn_window_secs: u32,
    /// Seconds a place reserved by `POST /api/voice/join` is held for the
    /// socket's `voice:join` (short: a reservation is never renewed).
    pub reservation_secs: u32,
    /// Percent of `max_participants` that reservations may hold at once
    /// (at least one place; 0: reservations hold no place), so that
    /// throw-away wallets reserving cannot fill a room.
    pub reservation_share_percent: u32,
    /// Seconds during which a wallet whose reservation lapsed without its
    /// socket joining holds no place with a new one.
    pub reservation_cooldown_secs: u32,
    /// Listeners per router after which new listeners of a room go to a
    /// router on another worker, fed by pipeToRouter (0: never).
    pub fanout_listeners_per_router: u32,
    /// Seconds an invitation to speak waits for its answer.
    pub invitation_secs: u32,
}

impl Default for RoomDefaults {
    fn default() -> Self {
        Self {
            max_participants: 50,
            speaker_only: true,
            auto_destroy: true,
            destroy_after_minutes: 5,
            kick_ban_minutes: 10,
            churn_max_joins: 6,
            churn_window_secs: 60,
            reservation_secs: 10,
            reservation_share_percent: 10,
            reservation_cooldown_secs: 600,
            fanout_listeners_per_router: 500,
            invitation_secs: 60,
        }
    }
}

impl RoomDefaults {
    /// The abuse policy rooms are created with.
    pub fn policy(&self) -> super::RoomPolicy {
        super::RoomPolicy {
            ban: chrono::Duration::minutes(i64::from(self.kick_ban_minutes)),
            churn_joins: self.churn_max_joins,
            churn_window: chrono::Duration::seconds(i64::from(self.churn_window_secs)),
            reservations: super::ReservationPolicy {
                hold: chrono::Duration::seconds(i64::from(self.reservation_secs)),
                share_percent: self.reservation_share_percent,
                cooldown: chrono::Duration::seconds(i64::from(self.reservation_cooldown_secs)),
            },
            invitation: chrono::Duration::seconds(i64::from(self.invitation_secs)),
        }
    }
}
