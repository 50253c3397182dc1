//! The moderation that goes beyond the founder's first tools: muting one
//! speaker, co-hosts, handing the host role on, ending the room and
//! clearing reservations. Pure, as the rest of the rules.

use chrono::{DateTime, Utc};

use super::events::RoomEvent;
use super::room::{Room, RoomError, MAX_CO_HOSTS};
use crate::address::Address;

impl Room {
    /// The host role's holder (the founder's unless handed to a co-host).
    pub fn host(&self) -> Option<&Address> {
        self.host.as_ref()
    }

    /// The co-hosts, present or not, in address order.
    pub fn co_hosts(&self) -> Vec<Address> {
        self.co_hosts.iter().cloned().collect()
    }

    pub(super) fn hosts_changed(&self) -> RoomEvent {
        RoomEvent::HostsChanged {
            host: self.host.clone(),
            co_hosts: self.co_hosts(),
        }
    }

    /// A moderator mutes `target` (its producer is paused). The target may
    /// unmute itself again, as on X Spaces: muting is a nudge, revoking
    /// takes the floor. Returns whether it changed.
    pub fn mute(
        &mut self,
        actor: &Address,
        target: &Address,
    ) -> Result<(bool, Vec<RoomEvent>), RoomError> {
        self.moderate_as(actor, target, true)?;
        let p = self.get_mut(target).expect("checked");
        if p.muted {
            return Ok((false, Vec::new()));
        }
        p.muted = true;
        Ok((
            true,
            vec![RoomEvent::UserMuted {
                wallet: target.clone(),
                muted: true,
            }],
        ))
    }

    /// The founder names `target`, a member, co-host: it may speak (it
    /// leaves the queue, granted) and moderate members who are not hosts.
    /// Naming a co-host twice changes nothing.
    pub fn add_co_host(
        &mut self,
        actor: &Address,
        target: &Address,
    ) -> Result<Vec<RoomEvent>, RoomError> {
        self.founder_on(actor, target)?;
        self.get(target).ok_or(RoomError::TargetNotIn)?;
        if self.co_hosts.contains(target) {
            return Ok(Vec::new());
        }
        if self.co_hosts.len() >= MAX_CO_HOSTS {
            return Err(RoomError::TooManyCoHosts(MAX_CO_HOSTS));
        }
        let mut events = Vec::new();
        if self.dequeue(target) {
            events.push(RoomEvent::HandLowered {
                wallet: target.clone(),
                queue: self.speaker_queue(),
            });
        }
        let speaker_only = self.settings.speaker_only;
        self.co_hosts.insert(target.clone());
        self.invitations.end(target);
        let p = self.get_mut(target).expect("checked");
        let was_speaker = p.is_speaker(speaker_only);
        p.is_co_host = true;
        p.granted = speaker_only;
        if !was_speaker {
            events.push(RoomEvent::SpeakerGranted(target.clone()));
        }
        events.push(self.hosts_changed());
        Ok(events)
    }

    /// The founder takes the co-host role from `target` (present or not);
    /// a co-host who held the host role hands it back to the founder. A
    /// member stays a granted speaker (revoke it to take the floor).
    /// Removing a wallet that is no co-host changes nothing.
    pub fn remove_co_host(
        &mut self,
        actor: &Address,
        target: &Address,
    ) -> Result<Vec<RoomEvent>, RoomError> {
        self.founder_on(actor, target)?;
        Ok(self.drop_co_host(target).into_iter().collect())
    }

    /// Takes the co-host role from `wallet` if it has it (the host role
    /// back to the founder with it); the event to announce, if any.
    pub(super) fn drop_co_host(&mut self, wallet: &Address) -> Option<RoomEvent> {
        if !self.co_hosts.remove(wallet) {
            return None;
        }
        if self.host.as_ref() == Some(wallet) {
            self.host = self.founder.clone();
        }
        let speaker_only = self.settings.speaker_only;
        if let Some(p) = self.get_mut(wallet) {
            p.is_co_host = false;
            p.granted = speaker_only;
        }
        Some(self.hosts_changed())
    }

    /// The founder (or the current host) hands the host role to `target`:
    /// a co-host in the room, or the founder. The founder may take it back
    /// at any time; the host may hand it on or back.
    pub fn transfer_host(
        &mut self,
        actor: &Address,
        target: &Address,
    ) -> Result<Vec<RoomEvent>, RoomError> {
        self.host_only(actor)?;
        if self.founder.as_ref() != Some(target) {
            if !self.co_hosts.contains(target) {
                return Err(RoomError::NotCoHost);
            }
            self.get(target).ok_or(RoomError::TargetNotIn)?;
        }
        if self.host.as_ref() == Some(target) {
            return Ok(Vec::new());
        }
        self.host = Some(target.clone());
        Ok(vec![self.hosts_changed()])
    }

    /// Whether `actor` may end the room: the founder or the host.
    pub fn end_room(&self, actor: &Address) -> Result<(), RoomError> {
        self.host_only(actor)
    }

    /// A moderator drops every reservation; each wallet then holds no
    /// place until its cool-down is over. Returns how many were dropped.
    pub fn clear_reservations(
        &mut self,
        actor: &Address,
        now: DateTime<Utc>,
    ) -> Result<usize, RoomError> {
        if !self.is_host_level(actor) {
            return Err(RoomError::NotModerator);
        }
        let cooldown = self.policy.reservations.cooldown;
        Ok(self.reservations.clear(now, cooldown))
    }

    fn host_only(&self, actor: &Address) -> Result<(), RoomError> {
        let founder = self.founder.as_ref() == Some(actor);
        if founder || self.host.as_ref() == Some(actor) {
            Ok(())
        } else {
            Err(RoomError::NotHost)
        }
    }

    fn founder_on(&self, actor: &Address, target: &Address) -> Result<(), RoomError> {
        if self.founder.as_ref() != Some(actor) {
            return Err(RoomError::NotFounder);
        }
        if self.founder.as_ref() == Some(target) {
            return Err(RoomError::TargetIsFounder);
        }
        Ok(())
    }
}
