//! What the audience does beyond hands, on the room's task: reactions and
//! answers to invitations to speak, and the invitations' expiry, which the
//! task's timer drives. Who may do what is the rules' (`rooms::Room`).

use chrono::Utc;

use super::state::RoomState;
use crate::address::Address;
use crate::protocol::Empty;
use crate::rooms::{Emoji, RoomError};

impl RoomState {
    /// `wallet` reacts: everyone hears of it (a reaction is lossy: see
    /// [`RoomState::publish`]).
    pub(super) fn react(&mut self, wallet: &Address, emoji: Emoji) -> Result<Empty, RoomError> {
        let reaction = self.rules.react(wallet, emoji, Utc::now())?;
        self.publish(&[reaction]);
        Ok(Empty {})
    }

    /// `wallet` answers its invitation to speak: accepted, it is granted
    /// the floor (a grant's events); declined, everyone is told.
    pub(super) fn respond_to_invite(
        &mut self,
        wallet: &Address,
        accept: bool,
    ) -> Result<Empty, RoomError> {
        let events = self.rules.respond_to_invite(wallet, accept, Utc::now())?;
        self.publish(&events);
        Ok(Empty {})
    }

    /// Ends the invitations lapsed by now, telling everyone; returns when
    /// the next one lapses, for the task's timer.
    pub(super) fn expire_invitations(&mut self) -> Option<std::time::Instant> {
        let now = Utc::now();
        let events = self.rules.expire_invitations(now);
        self.publish(&events);
        self.next_invitation_expiry()
    }

    /// When the next invitation lapses, as the task's clock reads it.
    pub(super) fn next_invitation_expiry(&self) -> Option<std::time::Instant> {
        let at = self.rules.next_invitation_expiry()?;
        let wait = (at - Utc::now()).to_std().unwrap_or_default();
        Some(std::time::Instant::now() + wait)
    }
}
