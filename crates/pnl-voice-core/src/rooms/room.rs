//! One room's state and the rules that change it.

use std::collections::{BTreeSet, VecDeque};

use chrono::{DateTime, Duration, Utc};

use super::debate::Debate;
use super::events::RoomEvent;
use super::invitations::Invitations;
use super::participant::{Participant, ParticipantView, Profile};
use super::reactions::Reactions;
use super::reservations::{Reservation, ReservationPolicy, ReservationView, Reservations};
use super::settings::{RoomSettings, SettingsPatch};
use super::standing::{Ban, Standing};
use crate::address::Address;
use crate::error::{in_words, ApiError, ErrorCode};

/// Abuse policy of a room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomPolicy {
    /// How long a kicked wallet stays banned.
    pub ban: Duration,
    /// Joins within `churn_window` after which a wallet is kicked automatically.
    pub churn_joins: u32,
    /// The window of `churn_joins`.
    pub churn_window: Duration,
    /// How reservations hold places.
    pub reservations: ReservationPolicy,
    /// How long an invitation to speak waits for its answer.
    pub invitation: Duration,
}

impl Default for RoomPolicy {
    fn default() -> Self {
        Self {
            ban: Duration::minutes(10),
            churn_joins: 6,
            churn_window: Duration::seconds(60),
            reservations: ReservationPolicy::default(),
            invitation: Duration::seconds(60),
        }
    }
}

/// A rule a request broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoomError {
    /// `maxParticipants` reached.
    #[error("the room is full")]
    Full,
    /// The wallet is banned until `until` (refused at `at`).
    #[error("you were removed from this room and can join again in {}", in_words(*until - *at))]
    Banned {
        /// When the ban ends.
        until: DateTime<Utc>,
        /// When the join was refused.
        at: DateTime<Utc>,
    },
    /// The wallet joined and left too often, and is now banned until
    /// `until` (refused at `at`).
    #[error(
        "you joined and left this room too often and can join again in {}",
        in_words(*until - *at)
    )]
    Churning {
        /// When the ban ends.
        until: DateTime<Utc>,
        /// When the join was refused.
        at: DateTime<Utc>,
    },
    /// The member reacted less than a second ago; it may again after the
    /// wait.
    #[error("one reaction a second: try again in {}", in_words(*.0))]
    ReactingTooFast(Duration),
    /// The invited wallet is not in this room.
    #[error("that wallet is not in this room")]
    InviteeNotIn,
    /// The invited wallet may speak already.
    #[error("that participant is already on stage")]
    AlreadyOnStage,
    /// The wallet has an invitation to speak already.
    #[error("that participant has been invited already")]
    AlreadyInvited,
    /// The caller has no pending invitation to answer.
    #[error("you have no pending invitation to speak")]
    NotInvited,
    /// The wallet is already in this room.
    #[error("already in this room")]
    AlreadyIn,
    /// The caller is not in this room.
    #[error("not in this room")]
    NotIn,
    /// The target of a moderation action is not in this room.
    #[error("that wallet is not in this room")]
    TargetNotIn,
    /// The caller may not speak.
    #[error("only speakers may do this")]
    NotSpeaker,
    /// The caller speaks already (raising a hand makes no sense).
    #[error("speakers do not raise hands")]
    AlreadySpeaker,
    /// Only the founder does this (co-hosts and settings).
    #[error("only the market's founder may do this")]
    NotFounder,
    /// Only the founder, the host and co-hosts moderate.
    #[error("only the founder, the host and co-hosts may moderate")]
    NotModerator,
    /// Only the founder and the host do this (end the room, hand the host
    /// role on).
    #[error("only the founder or the host may do this")]
    NotHost,
    /// The founder cannot be the target.
    #[error("the founder cannot be the target of this action")]
    TargetIsFounder,
    /// A co-host cannot act on another host-level member (the founder
    /// acts on co-hosts by muting, kicking or removing them).
    #[error("a host or co-host cannot be the target of this action")]
    TargetIsHost,
    /// The host role goes only to a co-host (or back to the founder).
    #[error("the host role goes only to a co-host or to the founder")]
    NotCoHost,
    /// The room has its most co-hosts.
    #[error("a room has at most {0} co-hosts")]
    TooManyCoHosts(usize),
    /// A debate holds this debater muted until its turn.
    #[error("not your turn: the debate gives the floor to one debater at a time")]
    NotYourTurn,
    /// Every participant may speak in this room.
    #[error("everyone may speak in this room (speakerOnly is off)")]
    OpenFloor,
    /// A setting is out of range.
    #[error("invalid settings: {0}")]
    InvalidSettings(String),
}

impl From<RoomError> for ApiError {
    fn from(e: RoomError) -> Self {
        let code = match e {
            RoomError::Banned { until, .. } | RoomError::Churning { until, .. } => {
                return ApiError::banned(e.to_string(), until);
            }
            RoomError::ReactingTooFast(wait) => {
                return ApiError::rate_limited(e.to_string(), wait.to_std().unwrap_or_default());
            }
            RoomError::Full => ErrorCode::RoomFull,
            RoomError::AlreadyIn
            | RoomError::AlreadySpeaker
            | RoomError::OpenFloor
            | RoomError::NotCoHost
            | RoomError::TooManyCoHosts(_)
            | RoomError::AlreadyOnStage
            | RoomError::AlreadyInvited
            | RoomError::NotInvited => ErrorCode::Conflict,
            RoomError::NotIn | RoomError::InviteeNotIn => ErrorCode::NotInRoom,
            RoomError::TargetNotIn => ErrorCode::NotFound,
            RoomError::NotSpeaker
            | RoomError::NotFounder
            | RoomError::NotModerator
            | RoomError::NotHost
            | RoomError::TargetIsFounder
            | RoomError::TargetIsHost
            | RoomError::NotYourTurn => ErrorCode::Forbidden,
            RoomError::InvalidSettings(_) => ErrorCode::BadRequest,
        };
        ApiError::new(code, e.to_string())
    }
}

/// What `revoke`/settings changes take away from a participant: the hub
/// closes its producer and send transport.
pub type Silenced = Vec<Address>;

/// Most co-hosts one room may have.
pub const MAX_CO_HOSTS: usize = 10;

/// The people in one market's room and its rules. Equal rooms have the same
/// people, queue, settings, roles and reservations (what a refused
/// request must leave as it was). Bans and join records are not kept
/// here: they outlive the room (the moderation ledger keeps them), so a
/// join is given the wallet's [`Standing`] and a kick or a churn ban hands
/// back the [`Ban`] to keep.
///
/// Roles: the market's **founder** always moderates; it names **co-hosts**
/// (members it trusts to grant, revoke, mute and kick, never the founder
/// nor another co-host), and the **host** role (the founder's at first)
/// can be handed to a co-host, who may then also end the room. Roles are
/// the wallet's for the life of this room: a co-host who leaves and comes
/// back is a co-host again.
#[derive(Debug, Clone, PartialEq)]
pub struct Room {
    pub(super) id: Address,
    pub(super) founder: Option<Address>,
    pub(super) settings: RoomSettings,
    pub(super) policy: RoomPolicy,
    pub(super) created_at: DateTime<Utc>,
    pub(super) participants: Vec<Participant>,
    pub(super) queue: VecDeque<Address>,
    /// Who holds the host role (the founder, or a co-host it was handed to).
    pub(super) host: Option<Address>,
    /// Wallets the founder named co-hosts, present or not.
    pub(super) co_hosts: BTreeSet<Address>,
    pub(super) reservations: Reservations,
    /// Pending invitations to speak.
    pub(super) invitations: Invitations,
    /// When each member last reacted (the reaction rate limit).
    pub(super) reactions: Reactions,
    /// The debate, from `start` to its poll's close.
    pub(super) debate: Option<Debate>,
}

impl Room {
    /// An empty room for market `id`.
    pub fn new(
        id: Address,
        founder: Option<Address>,
        settings: RoomSettings,
        policy: RoomPolicy,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            host: founder.clone(),
            founder,
            settings,
            policy,
            created_at: now,
            participants: Vec::new(),
            queue: VecDeque::new(),
            co_hosts: BTreeSet::new(),
            reservations: Reservations::default(),
            invitations: Invitations::default(),
            reactions: Reactions::default(),
            debate: None,
        }
    }

    /// The market address.
    pub fn id(&self) -> &Address {
        &self.id
    }

    /// The founder's wallet, if the market has one.
    pub fn founder(&self) -> Option<&Address> {
        self.founder.as_ref()
    }

    /// The abuse policy (ban length, churn window).
    pub fn policy(&self) -> &RoomPolicy {
        &self.policy
    }

    /// Current settings.
    pub fn settings(&self) -> &RoomSettings {
        &self.settings
    }

    /// When the room was created.
    pub fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// Number of participants.
    pub fn len(&self) -> usize {
        self.participants.len()
    }

    /// Whether nobody is in the room.
    pub fn is_empty(&self) -> bool {
        self.participants.is_empty()
    }

    /// A participant.
    pub fn get(&self, wallet: &Address) -> Option<&Participant> {
        self.participants.iter().find(|p| &p.wallet == wallet)
    }

    pub(super) fn get_mut(&mut self, wallet: &Address) -> Option<&mut Participant> {
        self.participants.iter_mut().find(|p| &p.wallet == wallet)
    }

    fn is_speaker(&self, wallet: &Address) -> bool {
        self.get(wallet)
            .is_some_and(|p| p.is_speaker(self.settings.speaker_only))
    }

    /// Whether `wallet`, of `standing`, could join now: bans, and the
    /// room's size with the places others' reservations hold. The founder
    /// and co-hosts are never refused for size: they always get in, past
    /// `maxParticipants` if it must be (by at most one place each).
    pub fn check_admission(
        &self,
        wallet: &Address,
        standing: &Standing,
        now: DateTime<Utc>,
    ) -> Result<(), RoomError> {
        if let Some(until) = standing.banned_at(now) {
            return Err(RoomError::Banned { until, at: now });
        }
        if self.get(wallet).is_some() {
            return Err(RoomError::AlreadyIn);
        }
        let host_level = self.is_host_level(wallet) || self.takes_co_host_grant(standing);
        if !host_level && !self.has_place(wallet, now) {
            return Err(RoomError::Full);
        }
        Ok(())
    }

    /// Whether a site's co-host grant counts here: only in a room with a
    /// founder (without one, nobody hosts and everyone may speak).
    fn takes_co_host_grant(&self, standing: &Standing) -> bool {
        standing.grants.co_host && self.founder.is_some()
    }

    /// Whether a place is free for `wallet`, counting the places others'
    /// reservations hold.
    fn has_place(&self, wallet: &Address, now: DateTime<Utc>) -> bool {
        let held = self.reservations.held_by_others(wallet, now);
        self.participants.len() + held < self.settings.max_participants as usize
    }

    /// Adds `wallet`, muted, using its reservation if it holds one. A
    /// wallet whose `standing` shows too many joins within the churn
    /// window is banned instead (kicked automatically): the error carries
    /// the ban's end, for the caller to keep as a [`Ban`]. The grants of
    /// its standing apply as it joins: a granted speaker is on stage, a
    /// granted co-host is named one (in a room with a founder, while it
    /// has room for another co-host).
    pub fn join(
        &mut self,
        wallet: &Address,
        profile: Profile,
        standing: &Standing,
        now: DateTime<Utc>,
    ) -> Result<(ParticipantView, Vec<RoomEvent>), RoomError> {
        self.check_admission(wallet, standing, now)?;
        if standing.recent_joins >= self.policy.churn_joins {
            return Err(RoomError::Churning {
                until: now + self.policy.ban,
                at: now,
            });
        }
        self.reservations.taken(wallet);
        let is_founder = self.founder.as_ref() == Some(wallet);
        let named_co_host = self.takes_co_host_grant(standing)
            && !is_founder
            && !self.co_hosts.contains(wallet)
            && self.co_hosts.len() < MAX_CO_HOSTS;
        if named_co_host {
            self.co_hosts.insert(wallet.clone());
        }
        let is_co_host = self.co_hosts.contains(wallet);
        self.participants.push(Participant {
            wallet: wallet.clone(),
            profile,
            is_founder,
            is_co_host,
            granted: standing.grants.can_speak || (is_co_host && self.settings.speaker_only),
            muted: true,
            speaking_secs: 0.0,
            joined_at: now,
        });
        let view = self.view_of(wallet).expect("just joined");
        let mut events = vec![RoomEvent::UserJoined(view.clone())];
        if named_co_host {
            events.push(self.hosts_changed());
        }
        Ok((view, events))
    }

    /// Removes `wallet`.
    pub fn leave(&mut self, wallet: &Address) -> Result<(Participant, Vec<RoomEvent>), RoomError> {
        let index = self
            .participants
            .iter()
            .position(|p| &p.wallet == wallet)
            .ok_or(RoomError::NotIn)?;
        let mut events = Vec::new();
        if self.dequeue(wallet) {
            events.push(RoomEvent::HandLowered {
                wallet: wallet.clone(),
                queue: self.speaker_queue(),
            });
        }
        events.push(RoomEvent::UserLeft(wallet.clone()));
        self.invitations.end(wallet);
        self.reactions.forget(wallet);
        Ok((self.participants.remove(index), events))
    }

    pub(super) fn dequeue(&mut self, wallet: &Address) -> bool {
        let before = self.queue.len();
        self.queue.retain(|w| w != wallet);
        self.queue.len() != before
    }

    /// Whether `wallet` may produce audio now.
    pub fn may_produce(&self, wallet: &Address) -> Result<(), RoomError> {
        let p = self.get(wallet).ok_or(RoomError::NotIn)?;
        if p.is_speaker(self.settings.speaker_only) {
            Ok(())
        } else {
            Err(RoomError::NotSpeaker)
        }
    }

    /// Sets `wallet`'s own mute state. Only speakers unmute: whoever may
    /// not speak stays muted, so it is never live the moment it may speak;
    /// during a debate's turn, only the turn's debater among the debaters.
    pub fn set_muted(
        &mut self,
        wallet: &Address,
        muted: bool,
    ) -> Result<Vec<RoomEvent>, RoomError> {
        let speaker_only = self.settings.speaker_only;
        if !muted && self.debate_holds(wallet) {
            return Err(RoomError::NotYourTurn);
        }
        let p = self.get_mut(wallet).ok_or(RoomError::NotIn)?;
        if !muted && !p.is_speaker(speaker_only) {
            return Err(RoomError::NotSpeaker);
        }
        if p.muted == muted {
            return Ok(Vec::new());
        }
        p.muted = muted;
        Ok(vec![RoomEvent::UserMuted {
            wallet: wallet.clone(),
            muted,
        }])
    }

    /// Whether `wallet` is muted.
    pub fn is_muted(&self, wallet: &Address) -> Result<bool, RoomError> {
        self.get(wallet).map(|p| p.muted).ok_or(RoomError::NotIn)
    }

    /// `wallet` asks to speak; returns its 1-based place in the queue.
    /// Raising a raised hand changes nothing.
    pub fn raise_hand(&mut self, wallet: &Address) -> Result<(usize, Vec<RoomEvent>), RoomError> {
        self.get(wallet).ok_or(RoomError::NotIn)?;
        if self.is_speaker(wallet) {
            return Err(RoomError::AlreadySpeaker);
        }
        if let Some(index) = self.queue.iter().position(|w| w == wallet) {
            return Ok((index + 1, Vec::new()));
        }
        self.queue.push_back(wallet.clone());
        let event = RoomEvent::HandRaised {
            wallet: wallet.clone(),
            queue: self.speaker_queue(),
        };
        Ok((self.queue.len(), vec![event]))
    }

    /// `wallet` no longer asks to speak.
    pub fn lower_hand(&mut self, wallet: &Address) -> Result<Vec<RoomEvent>, RoomError> {
        self.get(wallet).ok_or(RoomError::NotIn)?;
        if !self.dequeue(wallet) {
            return Ok(Vec::new());
        }
        Ok(vec![RoomEvent::HandLowered {
            wallet: wallet.clone(),
            queue: self.speaker_queue(),
        }])
    }

    /// Holds a place for `wallet` (`POST /api/voice/join`) and returns its
    /// reservation. A live reservation is returned as it is, never renewed.
    /// Past the room's cap, or while the wallet's last reservation lapsed
    /// unused not long ago, the reservation holds no place; the founder,
    /// co-hosts and members need none. A full room, or a wallet whose
    /// `standing` shows a ban, is refused as a join is.
    pub fn reserve(
        &mut self,
        wallet: &Address,
        standing: &Standing,
        now: DateTime<Utc>,
    ) -> Result<Reservation, RoomError> {
        let policy = self.policy.reservations;
        if let Some(until) = standing.banned_at(now) {
            return Err(RoomError::Banned { until, at: now });
        }
        if let Some(live) = self.reservations.get(wallet, now) {
            return Ok(live);
        }
        let needs_place = !self.is_host_level(wallet) && self.get(wallet).is_none();
        if needs_place && !self.has_place(wallet, now) {
            return Err(RoomError::Full);
        }
        self.reservations.expire(now, policy.cooldown);
        let held = self.reservations.held_by_others(wallet, now);
        let reservation = Reservation {
            until: now + policy.hold,
            holds_place: needs_place
                && held < policy.cap(self.settings.max_participants)
                && !self.reservations.cooling_down(wallet, now),
        };
        self.reservations.insert(wallet, reservation);
        Ok(reservation)
    }

    /// `wallet`'s live reservation at `now`, if any.
    pub fn reservation(&self, wallet: &Address, now: DateTime<Utc>) -> Option<Reservation> {
        self.reservations.get(wallet, now)
    }

    /// The live reservations (for the founder, the host and co-hosts).
    pub fn reservation_views(&self, now: DateTime<Utc>) -> Vec<ReservationView> {
        self.reservations.views(now)
    }

    /// When each live reservation lapses, soonest first.
    pub fn reservation_expiries(&self, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        self.reservations.expiries(now)
    }

    /// Places held at `now` by reservations (every wallet's).
    pub fn held_places(&self, now: DateTime<Utc>) -> usize {
        self.reservations.held(now)
    }

    /// Forgets every reservation (the room closes).
    pub fn forget_reservations(&mut self) {
        self.reservations.forget();
    }

    /// Whether `wallet` is the founder or a co-host (the host is one of them).
    pub fn is_host_level(&self, wallet: &Address) -> bool {
        self.founder.as_ref() == Some(wallet) || self.co_hosts.contains(wallet)
    }

    /// Who may act on `target`: the founder on anyone but itself; a
    /// co-host (the host included) on members who are not host-level;
    /// `on_host_level` says whether the action may reach co-hosts at all.
    pub(super) fn moderate_as(
        &self,
        actor: &Address,
        target: &Address,
        on_host_level: bool,
    ) -> Result<(), RoomError> {
        if !self.is_host_level(actor) {
            return Err(RoomError::NotModerator);
        }
        if self.founder.as_ref() == Some(target) {
            return Err(RoomError::TargetIsFounder);
        }
        let by_founder = self.founder.as_ref() == Some(actor);
        if self.co_hosts.contains(target) && !(by_founder && on_host_level) {
            return Err(RoomError::TargetIsHost);
        }
        self.get(target).ok_or(RoomError::TargetNotIn)?;
        Ok(())
    }

    fn moderate(&self, actor: &Address, target: &Address) -> Result<(), RoomError> {
        self.moderate_as(actor, target, false)
    }

    /// A moderator (the founder, the host, a co-host) lets `target` speak;
    /// it leaves the queue and starts muted.
    pub fn grant(
        &mut self,
        actor: &Address,
        target: &Address,
    ) -> Result<Vec<RoomEvent>, RoomError> {
        self.moderate(actor, target)?;
        if !self.settings.speaker_only {
            return Err(RoomError::OpenFloor);
        }
        Ok(self.promote(target))
    }

    /// Moves `target`, a member, to the stage, muted: it leaves the queue,
    /// and an invitation it had ends. The events of a grant.
    pub(super) fn promote(&mut self, target: &Address) -> Vec<RoomEvent> {
        let mut events = Vec::new();
        self.invitations.end(target);
        if self.dequeue(target) {
            events.push(RoomEvent::HandLowered {
                wallet: target.clone(),
                queue: self.speaker_queue(),
            });
        }
        if let Some(p) = self.get_mut(target) {
            if !p.granted {
                p.granted = true;
                p.muted = true;
                events.push(RoomEvent::SpeakerGranted(target.clone()));
            }
        }
        events
    }

    /// A moderator takes the floor back from `target`, which is muted.
    pub fn revoke(
        &mut self,
        actor: &Address,
        target: &Address,
    ) -> Result<(Silenced, Vec<RoomEvent>), RoomError> {
        self.moderate(actor, target)?;
        if !self.settings.speaker_only {
            return Err(RoomError::OpenFloor);
        }
        let p = self.get_mut(target).expect("checked");
        if !p.granted {
            return Ok((Vec::new(), Vec::new()));
        }
        p.granted = false;
        p.muted = true;
        Ok((
            vec![target.clone()],
            vec![RoomEvent::SpeakerRevoked(target.clone())],
        ))
    }

    /// A moderator removes `target` and bans it for the policy's time (the
    /// returned [`Ban`] is for the caller to keep); the founder may kick a
    /// co-host, who loses the role.
    pub fn kick(
        &mut self,
        actor: &Address,
        target: &Address,
        now: DateTime<Utc>,
    ) -> Result<(Participant, Ban, Vec<RoomEvent>), RoomError> {
        self.moderate_as(actor, target, true)?;
        let demoted = self.drop_co_host(target);
        let ban = Ban {
            wallet: target.clone(),
            until: now + self.policy.ban,
        };
        let (participant, mut events) = self.leave(target)?;
        events.insert(
            0,
            RoomEvent::Kicked {
                wallet: target.clone(),
                reason: if self.founder.as_ref() == Some(actor) {
                    "kicked by the founder".into()
                } else {
                    "kicked by a co-host".into()
                },
            },
        );
        events.extend(demoted);
        Ok((participant, ban, events))
    }

    /// A moderator mutes every speaker but the founder and co-hosts;
    /// returns who changed.
    pub fn mute_all(
        &mut self,
        actor: &Address,
    ) -> Result<(Vec<Address>, Vec<RoomEvent>), RoomError> {
        if !self.is_host_level(actor) {
            return Err(RoomError::NotModerator);
        }
        let speaker_only = self.settings.speaker_only;
        let mut muted = Vec::new();
        for p in self.participants.iter_mut() {
            let host_level = p.is_founder || p.is_co_host;
            if !host_level && p.is_speaker(speaker_only) && !p.muted {
                p.muted = true;
                muted.push(p.wallet.clone());
            }
        }
        let events = muted
            .iter()
            .map(|w| RoomEvent::UserMuted {
                wallet: w.clone(),
                muted: true,
            })
            .collect();
        Ok((muted, events))
    }

    /// The founder changes the settings. Turning `speakerOnly` on silences
    /// every speaker who was not granted; turning it off empties the queue.
    pub fn update_settings(
        &mut self,
        actor: &Address,
        patch: &SettingsPatch,
    ) -> Result<(Silenced, Vec<RoomEvent>), RoomError> {
        if self.founder.as_ref() != Some(actor) {
            return Err(RoomError::NotFounder);
        }
        let next = self
            .settings
            .patched(patch)
            .map_err(RoomError::InvalidSettings)?;
        let was_open = !self.settings.speaker_only;
        self.settings = next.clone();
        let mut silenced = Vec::new();
        let mut events = Vec::new();
        if was_open && next.speaker_only {
            for p in self.participants.iter_mut() {
                if !p.is_founder && !p.is_co_host && !p.granted {
                    p.muted = true;
                    silenced.push(p.wallet.clone());
                }
            }
            events.extend(silenced.iter().cloned().map(RoomEvent::SpeakerRevoked));
        }
        if !next.speaker_only {
            self.invitations.clear();
            let lowered: Vec<Address> = self.queue.drain(..).collect();
            for wallet in lowered {
                events.push(RoomEvent::HandLowered {
                    wallet,
                    queue: Vec::new(),
                });
            }
        }
        events.push(RoomEvent::SettingsChanged(next));
        Ok((silenced, events))
    }

    /// Adds speaking time heard from `wallet`.
    pub fn add_speaking_time(&mut self, wallet: &Address, secs: f64) {
        if let Some(p) = self.get_mut(wallet) {
            p.speaking_secs += secs;
        }
    }

    /// Everyone, in join order.
    pub fn views(&self) -> Vec<ParticipantView> {
        self.participants.iter().map(|p| self.view(p)).collect()
    }

    /// The view of one participant.
    pub fn view_of(&self, wallet: &Address) -> Option<ParticipantView> {
        self.get(wallet).map(|p| self.view(p))
    }

    fn view(&self, p: &Participant) -> ParticipantView {
        p.view(
            self.settings.speaker_only,
            self.queue.contains(&p.wallet),
            self.host.as_ref() == Some(&p.wallet),
            self.invitations.get(&p.wallet).is_some(),
        )
    }

    /// Wallets in the raise-hand queue, first come first.
    pub fn speaker_queue(&self) -> Vec<Address> {
        self.queue.iter().cloned().collect()
    }

    /// Number of participants who may speak.
    pub fn speaker_count(&self) -> usize {
        self.participants
            .iter()
            .filter(|p| p.is_speaker(self.settings.speaker_only))
            .count()
    }

    /// Wallets of everyone in the room.
    pub fn wallets(&self) -> impl Iterator<Item = &Address> {
        self.participants.iter().map(|p| &p.wallet)
    }
}
