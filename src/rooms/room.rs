//! One room's state and the rules that change it.

use chrono::{DateTime, Utc};

use super::participant::{Participant, ParticipantView, Profile};
use super::settings::RoomSettings;
use crate::address::Address;
use crate::error::{ApiError, ErrorCode};

/// A rule a request broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoomError {
    /// `maxParticipants` reached.
    #[error("the room is full")]
    Full,
    /// The wallet is already in this room.
    #[error("already in this room")]
    AlreadyIn,
    /// The wallet is not in this room.
    #[error("not in this room")]
    NotIn,
    /// The wallet may not speak.
    #[error("only speakers may do this")]
    NotSpeaker,
}

impl From<RoomError> for ApiError {
    fn from(e: RoomError) -> Self {
        let code = match e {
            RoomError::Full => ErrorCode::RoomFull,
            RoomError::AlreadyIn => ErrorCode::Conflict,
            RoomError::NotIn => ErrorCode::NotInRoom,
            RoomError::NotSpeaker => ErrorCode::Forbidden,
        };
        ApiError::new(code, e.to_string())
    }
}

/// The people in one market's room.
#[derive(Debug, Clone)]
pub struct Room {
    id: Address,
    founder: Option<Address>,
    settings: RoomSettings,
    created_at: DateTime<Utc>,
    participants: Vec<Participant>,
}

impl Room {
    /// An empty room for market `id`.
    pub fn new(
        id: Address,
        founder: Option<Address>,
        settings: RoomSettings,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            founder,
            settings,
            created_at: now,
            participants: Vec::new(),
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

    /// Adds `wallet`, muted, and returns its view.
    pub fn join(
        &mut self,
        wallet: &Address,
        profile: Profile,
        now: DateTime<Utc>,
    ) -> Result<ParticipantView, RoomError> {
        if self.get(wallet).is_some() {
            return Err(RoomError::AlreadyIn);
        }
        if self.participants.len() >= self.settings.max_participants as usize {
            return Err(RoomError::Full);
        }
        let participant = Participant {
            wallet: wallet.clone(),
            profile,
            is_founder: self.founder.as_ref() == Some(wallet),
            granted: false,
            muted: true,
            hand_raised: false,
            joined_at: now,
        };
        let view = participant.view(self.settings.speaker_only);
        self.participants.push(participant);
        Ok(view)
    }

    /// Removes `wallet`.
    pub fn leave(&mut self, wallet: &Address) -> Result<Participant, RoomError> {
        let index = self
            .participants
            .iter()
            .position(|p| &p.wallet == wallet)
            .ok_or(RoomError::NotIn)?;
        Ok(self.participants.remove(index))
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

    /// Sets `wallet`'s mute state; returns whether it changed.
    pub fn set_muted(&mut self, wallet: &Address, muted: bool) -> Result<bool, RoomError> {
        let p = self
            .participants
            .iter_mut()
            .find(|p| &p.wallet == wallet)
            .ok_or(RoomError::NotIn)?;
        let changed = p.muted != muted;
        p.muted = muted;
        Ok(changed)
    }

    /// Whether `wallet` is muted.
    pub fn is_muted(&self, wallet: &Address) -> Result<bool, RoomError> {
        self.get(wallet).map(|p| p.muted).ok_or(RoomError::NotIn)
    }

    /// Everyone, in join order.
    pub fn views(&self) -> Vec<ParticipantView> {
        self.participants
            .iter()
            .map(|p| p.view(self.settings.speaker_only))
            .collect()
    }

    /// The view of one participant.
    pub fn view_of(&self, wallet: &Address) -> Option<ParticipantView> {
        self.get(wallet).map(|p| p.view(self.settings.speaker_only))
    }

    /// Wallets in the raise-hand queue, first come first.
    pub fn speaker_queue(&self) -> Vec<Address> {
        Vec::new()
    }

    /// Number of participants who may speak.
    pub fn speaker_count(&self) -> usize {
        self.participants
            .iter()
            .filter(|p| p.is_speaker(self.settings.speaker_only))
            .count()
    }
}
