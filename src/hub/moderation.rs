//! The raise-hand queue, the founder's moderation and settings changes,
//! with their media effects.

use chrono::Utc;

use super::live_room::{Departure, LiveRoom};
use super::media_ops::apply_mute;
use super::member_media::MemberMedia;
use crate::address::Address;
use crate::error::ApiError;
use crate::protocol::{event, Empty, ModerationAction, RaiseHandReply, ServerEvent};
use crate::rooms::{RoomSettings, SettingsPatch, Silenced};
use crate::store::Write;

/// What a moderation action did, for the hub to finish outside the lock.
pub enum Outcome {
    /// Nothing more to do.
    Done,
    /// A member was kicked: its session must close after `voice:kicked`.
    Kicked {
        /// The kicked wallet.
        wallet: Address,
        /// Its media and outbox.
        departure: Box<Departure>,
        /// The `voice:kicked` frame.
        frame: String,
    },
}

impl LiveRoom {
    /// `voice:raise_hand`: the 1-based place in the queue.
    pub fn raise_hand(&self, wallet: &Address) -> Result<RaiseHandReply, ApiError> {
        self.with_member(wallet, |inner| {
            let (position, events) = inner.rules.raise_hand(wallet)?;
            inner.publish(Some(wallet), &events);
            Ok(RaiseHandReply { position })
        })
    }

    /// `voice:lower_hand`.
    pub fn lower_hand(&self, wallet: &Address) -> Result<Empty, ApiError> {
        self.with_member(wallet, |inner| {
            let events = inner.rules.lower_hand(wallet)?;
            inner.publish(Some(wallet), &events);
            Ok(Empty {})
        })
    }

    /// A founder's action. The actor need not be connected (REST).
    pub async fn moderate(
        &self,
        actor: &Address,
        action: ModerationAction,
        target: Option<&Address>,
    ) -> Result<Outcome, ApiError> {
        let missing_target = || ApiError::bad_request("`targetWallet` is required for this action");
        match action {
            ModerationAction::GrantSpeaker => {
                let target = target.ok_or_else(missing_target)?;
                let mut inner = self.lock();
                let events = inner.rules.grant(actor, target)?;
                inner.publish(Some(actor), &events);
                Ok(Outcome::Done)
            }
            ModerationAction::RevokeSpeaker => {
                let target = target.ok_or_else(missing_target)?;
                let silenced = {
                    let mut inner = self.lock();
                    let (silenced, events) = inner.rules.revoke(actor, target)?;
                    inner.publish(Some(actor), &events);
                    self.take_sending(&mut inner, &silenced)
                };
                drop(silenced);
                Ok(Outcome::Done)
            }
            ModerationAction::Kick => {
                let target = target.ok_or_else(missing_target)?;
                let mut inner = self.lock();
                let (participant, events) = inner.rules.kick(actor, target, Utc::now())?;
                let kicked = events
                    .iter()
                    .find(|e| matches!(e, crate::rooms::RoomEvent::Kicked { .. }))
                    .map_or_else(
                        || ServerEvent::Kicked {
                            reason: "kicked by the founder".into(),
                        },
                        ServerEvent::from,
                    );
                let departure = self.depart(&mut inner, &participant, &events, true);
                Ok(Outcome::Kicked {
                    wallet: target.clone(),
                    departure: Box::new(departure),
                    frame: event(&kicked),
                })
            }
            ModerationAction::MuteAll => {
                let producers: Vec<_> = {
                    let mut inner = self.lock();
                    let (muted, events) = inner.rules.mute_all(actor)?;
                    inner.publish(Some(actor), &events);
                    muted
                        .iter()
                        .filter_map(|w| {
                            inner
                                .members
                                .get(w)
                                .and_then(|m| m.media.producer.as_deref().cloned())
                        })
                        .collect()
                };
                for producer in producers {
                    apply_mute(&producer, true).await?;
                }
                Ok(Outcome::Done)
            }
        }
    }

    /// The founder changes the room's settings.
    pub fn update_settings(
        &self,
        actor: &Address,
        patch: &SettingsPatch,
    ) -> Result<RoomSettings, ApiError> {
        let (settings, silenced) = {
            let mut inner = self.lock();
            let (silenced, events) = inner.rules.update_settings(actor, patch)?;
            inner.publish(Some(actor), &events);
            let media = self.take_sending(&mut inner, &silenced);
            (inner.rules.settings().clone(), media)
        };
        drop(silenced);
        self.recorder.record(Write::SettingsChanged {
            market: self.id.clone(),
            settings: settings.clone(),
            at: Utc::now(),
        });
        Ok(settings)
    }

    /// Takes the producers and send transports of `silenced` members out of
    /// the room (closed when dropped), telling everyone their audio is gone.
    fn take_sending(
        &self,
        inner: &mut super::live_room::Inner,
        silenced: &Silenced,
    ) -> Vec<MemberMedia> {
        let mut taken = Vec::new();
        for wallet in silenced {
            let Some(m) = inner.members.get_mut(wallet) else {
                continue;
            };
            let media = m.media.take_sending();
            if let Some(p) = &media.producer {
                inner.producer_gone(wallet, p.id());
            }
            taken.push(media);
        }
        taken
    }
}
