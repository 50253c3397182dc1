//! The founder's moderation and settings changes, with their media
//! effects, on the room's task.

use chrono::Utc;
use futures_util::FutureExt;

use super::media_ops::apply_mute;
use super::messages::{Kicked, Reply};
use super::state::{Child, Commit, RoomState};
use crate::address::Address;
use crate::hub::errors::{ModerateError, SettingsError};
use crate::protocol::{event, ModerationAction, ServerEvent};
use crate::rooms::{RoomEvent, RoomSettings, SettingsPatch};
use crate::store::Write;

impl RoomState {
    /// A founder's action. The actor need not be connected (REST).
    pub(super) fn moderate(
        &mut self,
        actor: &Address,
        action: ModerationAction,
        target: Option<&Address>,
        reply: Reply<Result<Option<Kicked>, ModerateError>>,
    ) -> Option<Child> {
        if self.rules.founder() != Some(actor) {
            let _ = reply.send(Err(ModerateError::NotFounder));
            return None;
        }
        if matches!(action, ModerationAction::MuteAll) {
            return self.mute_all(actor, reply);
        }
        let Some(target) = target else {
            let _ = reply.send(Err(ModerateError::MissingTarget));
            return None;
        };
        let result = match action {
            ModerationAction::GrantSpeaker => self
                .rules
                .grant(actor, target)
                .map(|events| {
                    self.publish(&events);
                    None
                })
                .map_err(Into::into),
            ModerationAction::RevokeSpeaker => self
                .rules
                .revoke(actor, target)
                .map(|(silenced, events)| {
                    self.publish(&events);
                    self.silence(&silenced);
                    None
                })
                .map_err(Into::into),
            ModerationAction::Kick => self.kick(actor, target),
            ModerationAction::MuteAll => return self.mute_all(actor, reply),
        };
        let _ = reply.send(result);
        None
    }

    fn kick(&mut self, actor: &Address, target: &Address) -> Result<Option<Kicked>, ModerateError> {
        let (participant, ban, events) = self.rules.kick(actor, target, Utc::now())?;
        let kicked = events
            .iter()
            .find(|e| matches!(e, RoomEvent::Kicked { .. }))
            .map_or_else(
                || ServerEvent::Kicked {
                    reason: "kicked by the founder".into(),
                },
                ServerEvent::from,
            );
        let (departed, outbox) = self.depart(&participant, &events, true);
        outbox.close(event(&kicked), "kicked");
        Ok(Some(Kicked {
            wallet: target.clone(),
            session: departed.session,
            ban,
        }))
    }

    fn mute_all(
        &mut self,
        actor: &Address,
        reply: Reply<Result<Option<Kicked>, ModerateError>>,
    ) -> Option<Child> {
        let (muted, events) = match self.rules.mute_all(actor) {
            Ok(done) => done,
            Err(e) => {
                let _ = reply.send(Err(e.into()));
                return None;
            }
        };
        self.publish(&events);
        let producers: Vec<_> = muted
            .iter()
            .filter_map(|w| {
                self.members
                    .get(w)
                    .and_then(|m| m.media.producer.as_deref().cloned())
            })
            .collect();
        Some(
            async move {
                let mut result = Ok(None);
                for producer in producers {
                    if let Err(e) = apply_mute(producer, true).await {
                        result = Err(e.into());
                        break;
                    }
                }
                Box::new(move |_: &mut RoomState| {
                    let _ = reply.send(result);
                }) as Commit
            }
            .boxed(),
        )
    }

    /// The founder changes the room's settings.
    pub(super) fn update_settings(
        &mut self,
        actor: &Address,
        patch: &SettingsPatch,
    ) -> Result<RoomSettings, SettingsError> {
        let (silenced, events) = self.rules.update_settings(actor, patch)?;
        self.publish(&events);
        self.silence(&silenced);
        let settings = self.rules.settings().clone();
        self.recorder.record(Write::SettingsChanged {
            market: self.id.clone(),
            settings: settings.clone(),
            at: Utc::now(),
        });
        Ok(settings)
    }
}
