//! What the audience does beyond raising hands: reacting, and answering a
//! moderator's invitation to speak. Pure, as the rest of the rules: the
//! caller passes the time, and the room's task owns the timer that calls
//! [`Room::expire_invitations`] at [`Room::next_invitation_expiry`].

use chrono::{DateTime, Utc};

use super::events::RoomEvent;
use super::invitations::InviteEnd;
use super::reactions::Emoji;
use super::room::{Room, RoomError};
use super::standing::Standing;
use crate::address::Address;

/// `rejoinsLeft` is sent from this many joins left before the churn ban.
pub const REJOIN_WARNING: u32 = 3;

impl Room {
    /// `wallet` reacts with `emoji` at `now`: the event for everyone, with
    /// the side of its badge. A member who reacted less than a second ago
    /// is refused with the wait.
    pub fn react(
        &mut self,
        wallet: &Address,
        emoji: Emoji,
        now: DateTime<Utc>,
    ) -> Result<RoomEvent, RoomError> {
        let side = self.get(wallet).ok_or(RoomError::NotIn)?.profile.position;
        self.reactions
            .take(wallet, now)
            .map_err(RoomError::ReactingTooFast)?;
        Ok(RoomEvent::Reaction {
            wallet: wallet.clone(),
            emoji,
            side,
        })
    }

    /// A moderator (the founder, the host, a co-host) invites `target`, a
    /// listener in the room, to speak until `now` + the policy's
    /// `invitation` time.
    pub fn invite_speaker(
        &mut self,
        actor: &Address,
        target: &Address,
        now: DateTime<Utc>,
    ) -> Result<Vec<RoomEvent>, RoomError> {
        if !self.is_host_level(actor) {
            return Err(RoomError::NotModerator);
        }
        let invitee = self.get(target).ok_or(RoomError::InviteeNotIn)?;
        if invitee.is_speaker(self.settings.speaker_only) {
            return Err(RoomError::AlreadyOnStage);
        }
        if self.invitations.get(target).is_some() {
            return Err(RoomError::AlreadyInvited);
        }
        let expires_at = now + self.policy.invitation;
        self.invitations.insert(target.clone(), expires_at);
        Ok(vec![RoomEvent::SpeakerInvited {
            wallet: target.clone(),
            expires_at,
        }])
    }

    /// `wallet` answers its invitation at `now`: accepting moves it to the
    /// stage (a grant's events), declining tells everyone. Without a live
    /// invitation: [`RoomError::NotInvited`].
    pub fn respond_to_invite(
        &mut self,
        wallet: &Address,
        accept: bool,
        now: DateTime<Utc>,
    ) -> Result<Vec<RoomEvent>, RoomError> {
        self.get(wallet).ok_or(RoomError::NotIn)?;
        match self.invitations.get(wallet) {
            Some(expires_at) if expires_at > now => {}
            _ => return Err(RoomError::NotInvited),
        }
        self.invitations.end(wallet);
        if accept {
            return Ok(self.promote(wallet));
        }
        Ok(vec![RoomEvent::InviteDeclined {
            wallet: wallet.clone(),
            reason: InviteEnd::Declined,
        }])
    }

    /// Ends the invitations lapsed at `now`, telling everyone.
    pub fn expire_invitations(&mut self, now: DateTime<Utc>) -> Vec<RoomEvent> {
        self.invitations
            .take_lapsed(now)
            .into_iter()
            .map(|wallet| RoomEvent::InviteDeclined {
                wallet,
                reason: InviteEnd::Expired,
            })
            .collect()
    }

    /// When the next invitation lapses, for the room's timer.
    pub fn next_invitation_expiry(&self) -> Option<DateTime<Utc>> {
        self.invitations.next_expiry()
    }

    /// When `wallet`'s invitation lapses, if it has one.
    pub fn invitation(&self, wallet: &Address) -> Option<DateTime<Utc>> {
        self.invitations.get(wallet)
    }

    /// How many more joins `standing`'s wallet may make within the churn
    /// window after the one it is making, before the next is refused with
    /// a churn ban: set when it is [`REJOIN_WARNING`] or fewer, so a
    /// client can warn in time.
    pub fn rejoins_left(&self, standing: &Standing) -> Option<u32> {
        let left = self
            .policy
            .churn_joins
            .saturating_sub(standing.recent_joins.saturating_add(1));
        (left <= REJOIN_WARNING).then_some(left)
    }
}
