//! One room's state and the rules that change it.

use std::collections::VecDeque;

use chrono::{DateTime, Duration, Utc};

use super::events::RoomEvent;
use super::participant::{Participant, ParticipantView, Profile};
use super::settings::{RoomSettings, SettingsPatch};
use super::standing::{Ban, Standing};
use crate::address::Address;
use crate::error::{ApiError, ErrorCode};

/// Abuse policy of a room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomPolicy {
    /// How long a kicked wallet stays banned.
    pub ban: Duration,
    /// Joins within `churn_window` after which a wallet is kicked automatically.
    pub churn_joins: u32,
    /// The window of `churn_joins`.
    pub churn_window: Duration,
}

impl Default for RoomPolicy {
    fn default() -> Self {
        Self {
            ban: Duration::minutes(10),
            churn_joins: 6,
            churn_window: Duration::seconds(60),
        }
    }
}

/// A rule a request broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoomError {
    /// `maxParticipants` reached.
    #[error("the room is full")]
    Full,
    /// The wallet is banned until the given time.
    #[error("banned from this room until {0}")]
    Banned(DateTime<Utc>),
    /// The wallet joined and left too often, and is now banned.
    #[error("joined and left too often: banned until {0}")]
    Churning(DateTime<Utc>),
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
    /// Only the founder moderates.
    #[error("only the market's founder may moderate")]
    NotFounder,
    /// The founder cannot be the target.
    #[error("the founder cannot be the target of this action")]
    TargetIsFounder,
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
            RoomError::Full => ErrorCode::RoomFull,
            RoomError::Banned(_) | RoomError::Churning(_) => ErrorCode::Banned,
            RoomError::AlreadyIn | RoomError::AlreadySpeaker | RoomError::OpenFloor => {
                ErrorCode::Conflict
            }
            RoomError::NotIn => ErrorCode::NotInRoom,
            RoomError::TargetNotIn => ErrorCode::NotFound,
            RoomError::NotSpeaker | RoomError::NotFounder | RoomError::TargetIsFounder => {
                ErrorCode::Forbidden
            }
            RoomError::InvalidSettings(_) => ErrorCode::BadRequest,
        };
        ApiError::new(code, e.to_string())
    }
}

/// What `revoke`/settings changes take away from a participant: the hub
/// closes its producer and send transport.
pub type Silenced = Vec<Address>;

/// The people in one market's room and its rules. Equal rooms have the same
/// people, queue and settings (what a refused request must leave as it
/// was). Bans and join records are not kept here: they outlive the room
/// (the moderation ledger keeps them), so a join is given the wallet's
/// [`Standing`] and a kick or a churn ban hands back the [`Ban`] to keep.
#[derive(Debug, Clone, PartialEq)]
pub struct Room {
    id: Address,
    founder: Option<Address>,
    settings: RoomSettings,
    policy: RoomPolicy,
    created_at: DateTime<Utc>,
    participants: Vec<Participant>,
    queue: VecDeque<Address>,
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
            founder,
            settings,
            policy,
            created_at: now,
            participants: Vec::new(),
            queue: VecDeque::new(),
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

    fn get_mut(&mut self, wallet: &Address) -> Option<&mut Participant> {
        self.participants.iter_mut().find(|p| &p.wallet == wallet)
    }

    fn is_speaker(&self, wallet: &Address) -> bool {
        self.get(wallet)
            .is_some_and(|p| p.is_speaker(self.settings.speaker_only))
    }

    /// Whether `wallet`, of `standing`, could join now (bans and room size;
    /// `reserved` are places held by others).
    pub fn check_admission(
        &self,
        wallet: &Address,
        standing: &Standing,
        reserved: usize,
        now: DateTime<Utc>,
    ) -> Result<(), RoomError> {
        if let Some(until) = standing.banned_at(now) {
            return Err(RoomError::Banned(until));
        }
        if self.get(wallet).is_some() {
            return Err(RoomError::AlreadyIn);
        }
        if self.participants.len() + reserved >= self.settings.max_participants as usize {
            return Err(RoomError::Full);
        }
        Ok(())
    }

    /// Adds `wallet`, muted. A wallet whose `standing` shows too many joins
    /// within the churn window is banned instead (kicked automatically):
    /// the error carries the ban's end, for the caller to keep as a [`Ban`].
    pub fn join(
        &mut self,
        wallet: &Address,
        profile: Profile,
        reserved: usize,
        standing: &Standing,
        now: DateTime<Utc>,
    ) -> Result<(ParticipantView, Vec<RoomEvent>), RoomError> {
        self.check_admission(wallet, standing, reserved, now)?;
        if standing.recent_joins >= self.policy.churn_joins {
            return Err(RoomError::Churning(now + self.policy.ban));
        }
        self.participants.push(Participant {
            wallet: wallet.clone(),
            profile,
            is_founder: self.founder.as_ref() == Some(wallet),
            granted: false,
            muted: true,
            speaking_secs: 0.0,
            joined_at: now,
        });
        let view = self.view_of(wallet).expect("just joined");
        Ok((view.clone(), vec![RoomEvent::UserJoined(view)]))
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
        Ok((self.participants.remove(index), events))
    }

    fn dequeue(&mut self, wallet: &Address) -> bool {
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
    /// not speak stays muted, so it is never live the moment it may speak.
    pub fn set_muted(
        &mut self,
        wallet: &Address,
        muted: bool,
    ) -> Result<Vec<RoomEvent>, RoomError> {
        let speaker_only = self.settings.speaker_only;
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

    fn moderate(&self, actor: &Address, target: &Address) -> Result<(), RoomError> {
        if self.founder.as_ref() != Some(actor) {
            return Err(RoomError::NotFounder);
        }
        if self.founder.as_ref() == Some(target) {
            return Err(RoomError::TargetIsFounder);
        }
        self.get(target).ok_or(RoomError::TargetNotIn)?;
        Ok(())
    }

    /// The founder lets `target` speak; it leaves the queue and starts muted.
    pub fn grant(
        &mut self,
        actor: &Address,
        target: &Address,
    ) -> Result<Vec<RoomEvent>, RoomError> {
        self.moderate(actor, target)?;
        if !self.settings.speaker_only {
            return Err(RoomError::OpenFloor);
        }
        let mut events = Vec::new();
        if self.dequeue(target) {
            events.push(RoomEvent::HandLowered {
                wallet: target.clone(),
                queue: self.speaker_queue(),
            });
        }
        let p = self.get_mut(target).expect("checked");
        if !p.granted {
            p.granted = true;
            p.muted = true;
            events.push(RoomEvent::SpeakerGranted(target.clone()));
        }
        Ok(events)
    }

    /// The founder takes the floor back from `target`, which is muted.
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

    /// The founder removes `target` and bans it for the policy's time: the
    /// returned [`Ban`] is for the caller to keep.
    pub fn kick(
        &mut self,
        actor: &Address,
        target: &Address,
        now: DateTime<Utc>,
    ) -> Result<(Participant, Ban, Vec<RoomEvent>), RoomError> {
        self.moderate(actor, target)?;
        let ban = Ban {
            wallet: target.clone(),
            until: now + self.policy.ban,
        };
        let (participant, mut events) = self.leave(target)?;
        events.insert(
            0,
            RoomEvent::Kicked {
                wallet: target.clone(),
                reason: "kicked by the founder".into(),
            },
        );
        Ok((participant, ban, events))
    }

    /// The founder mutes every speaker but itself; returns who changed.
    pub fn mute_all(
        &mut self,
        actor: &Address,
    ) -> Result<(Vec<Address>, Vec<RoomEvent>), RoomError> {
        if self.founder.as_ref() != Some(actor) {
            return Err(RoomError::NotFounder);
        }
        let speaker_only = self.settings.speaker_only;
        let mut muted = Vec::new();
        for p in self.participants.iter_mut() {
            if !p.is_founder && p.is_speaker(speaker_only) && !p.muted {
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
                if !p.is_founder && !p.granted {
                    p.muted = true;
                    silenced.push(p.wallet.clone());
                }
            }
            events.extend(silenced.iter().cloned().map(RoomEvent::SpeakerRevoked));
        }
        if !next.speaker_only {
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
        self.participants
            .iter()
            .map(|p| p.view(self.settings.speaker_only, self.queue.contains(&p.wallet)))
            .collect()
    }

    /// The view of one participant.
    pub fn view_of(&self, wallet: &Address) -> Option<ParticipantView> {
        self.get(wallet)
            .map(|p| p.view(self.settings.speaker_only, self.queue.contains(wallet)))
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
