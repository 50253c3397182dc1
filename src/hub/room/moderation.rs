//! Moderation (the founder, the host, co-hosts) and the founder's settings
//! changes, with their media effects, on the room's task. Who may do what
//! is the rules' (`rooms::Room`); this applies what they decided.

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
    /// A moderator's action. The actor need not be connected (REST).
    pub(super) fn moderate(
        &mut self,
        actor: &Address,
        action: ModerationAction,
        target: Option<&Address>,
        reply: Reply<Result<Option<Kicked>, ModerateError>>,
    ) -> Option<Child> {
        let result = match action {
            ModerationAction::MuteAll => return self.mute_all(actor, reply),
            ModerationAction::EndRoom => self.end_room(actor),
            ModerationAction::ClearReservations => self
                .rules
                .clear_reservations(actor, Utc::now())
                .map(|_| None)
                .map_err(Into::into),
            _ => match target {
                Some(target) => return self.moderate_target(actor, action, target, reply),
                None => Err(ModerateError::MissingTarget),
            },
        };
        let _ = reply.send(result);
        None
    }

    /// An action on one member (or wallet, for co-host changes).
    fn moderate_target(
        &mut self,
        actor: &Address,
        action: ModerationAction,
        target: &Address,
        reply: Reply<Result<Option<Kicked>, ModerateError>>,
    ) -> Option<Child> {
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
            ModerationAction::InviteSpeaker => {
                let invited = self.rules.invite_speaker(actor, target, Utc::now());
                self.announce(invited)
            }
            ModerationAction::Mute => return self.mute_one(actor, target, reply),
            ModerationAction::AddCoHost => {
                let changed = self.rules.add_co_host(actor, target);
                self.announce(changed)
            }
            ModerationAction::RemoveCoHost => {
                let changed = self.rules.remove_co_host(actor, target);
                self.announce(changed)
            }
            ModerationAction::TransferHost => {
                let changed = self.rules.transfer_host(actor, target);
                self.announce(changed)
            }
            ModerationAction::MuteAll
            | ModerationAction::EndRoom
            | ModerationAction::ClearReservations => {
                unreachable!("actions without a target are handled by `moderate`")
            }
        };
        let _ = reply.send(result);
        None
    }

    /// Publishes what a role change announces.
    fn announce(
        &self,
        changed: Result<Vec<RoomEvent>, crate::rooms::RoomError>,
    ) -> Result<Option<Kicked>, ModerateError> {
        let events = changed?;
        self.publish(&events);
        Ok(None)
    }

    /// The founder or the host ends the room: the task closes it next,
    /// telling everyone `voice:room_closed` with reason `ended`.
    fn end_room(&mut self, actor: &Address) -> Result<Option<Kicked>, ModerateError> {
        self.rules.end_room(actor)?;
        tracing::info!(room = %self.id, by = %actor, "room ended by its host");
        self.ending = Some("ended");
        Ok(None)
    }

    /// A moderator mutes one speaker: everyone is told, its producer is
    /// paused (a child: a worker request).
    fn mute_one(
        &mut self,
        actor: &Address,
        target: &Address,
        reply: Reply<Result<Option<Kicked>, ModerateError>>,
    ) -> Option<Child> {
        let (changed, events) = match self.rules.mute(actor, target) {
            Ok(done) => done,
            Err(e) => {
                let _ = reply.send(Err(e.into()));
                return None;
            }
        };
        self.publish(&events);
        let producer = self
            .members
            .get(target)
            .and_then(|m| m.media.producer.as_deref().cloned())
            .filter(|_| changed);
        Some(pause_all(producer.into_iter().collect(), reply))
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
        Some(pause_all(producers, reply))
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

/// Pauses `producers` (muted by a moderator), then answers `reply`.
fn pause_all(
    producers: Vec<mediasoup::producer::Producer>,
    reply: Reply<Result<Option<Kicked>, ModerateError>>,
) -> Child {
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
    .boxed()
}
