//! Debate mode on the room's task. The rules decide
//! (`rooms::Room::debate_*`); this applies what they decided: events to
//! everyone, debaters' producers paused or resumed (the mute path), the
//! summary to the store. The task ticks the debate after every step and
//! wakes at its deadline (a turn's end, the poll's close), so the timers
//! live here and the rules only ever read `now`.

use std::time::Instant;

use chrono::Utc;
use futures_util::FutureExt;
use mediasoup::producer::Producer;

use super::media_ops::apply_mute;
use super::messages::Reply;
use super::state::{Child, Commit, RoomState};
use crate::address::Address;
use crate::hub::errors::DebateOpError;
use crate::hub::outbox::SessionId;
use crate::rooms::{DebateCommand, DebateOutcome, DebateSide};
use crate::store::Write;

impl RoomState {
    /// The host `actor`'s command; answered once the producers it pauses
    /// or resumes are (a child: worker requests).
    pub(super) fn debate(
        &mut self,
        actor: &Address,
        command: DebateCommand,
        reply: Reply<Result<(), DebateOpError>>,
    ) -> Option<Child> {
        let id = uuid::Uuid::new_v4().to_string();
        match self.rules.debate_command(actor, command, id, Utc::now()) {
            Ok(outcome) => Some(self.apply_debate(outcome, Some(reply))),
            Err(e) => {
                let _ = reply.send(Err(e.into()));
                None
            }
        }
    }

    /// `wallet`'s vote, from its own `session`.
    pub(super) fn debate_vote(
        &mut self,
        wallet: &Address,
        session: SessionId,
        side: DebateSide,
    ) -> Result<(), DebateOpError> {
        self.member(wallet, Some(session))
            .map_err(|_| DebateOpError::NotJoined)?;
        Ok(self.rules.debate_vote(wallet, side)?)
    }

    /// Brings the debate up to date (a turn that ran out or lost its
    /// debater, a poll to close, a debater to pause); the child applies
    /// the pauses, if any.
    pub(super) fn tick_debate(&mut self) -> Option<Child> {
        let outcome = self.rules.debate_tick(Utc::now());
        if outcome == DebateOutcome::default() {
            return None;
        }
        Some(self.apply_debate(outcome, None))
    }

    /// When the task must tick the debate next.
    pub(super) fn debate_wake(&self) -> Option<Instant> {
        let deadline = self.rules.debate_deadline()?;
        let wait = (deadline - Utc::now()).to_std().unwrap_or_default();
        Some(Instant::now() + wait)
    }

    /// Sends the outcome's events, records its summary, and returns the
    /// child that pauses and resumes its producers, then answers `reply`.
    fn apply_debate(
        &mut self,
        outcome: DebateOutcome,
        reply: Option<Reply<Result<(), DebateOpError>>>,
    ) -> Child {
        let DebateOutcome {
            events,
            paused,
            resumed,
            summary,
        } = outcome;
        self.publish(&events);
        if let Some(summary) = summary {
            tracing::info!(room = %self.id, debate = %summary.id, "debate ended");
            self.recorder.record(Write::Debate(Box::new(summary)));
        }
        let changes: Vec<(Producer, bool)> = paused
            .iter()
            .map(|w| (w, true))
            .chain(resumed.iter().map(|w| (w, false)))
            .filter_map(|(w, muted)| Some((self.producer_of(w)?, muted)))
            .collect();
        async move {
            let mut result = Ok(());
            for (producer, muted) in changes {
                if let Err(e) = apply_mute(producer, muted).await {
                    result = Err(DebateOpError::Media(e));
                }
            }
            Box::new(move |_: &mut RoomState| {
                if let Some(reply) = reply {
                    let _ = reply.send(result);
                } else if let Err(e) = result {
                    tracing::warn!(error = %e, "a debate pause failed");
                }
            }) as Commit
        }
        .boxed()
    }

    /// `wallet`'s producer, if it has one.
    fn producer_of(&self, wallet: &Address) -> Option<Producer> {
        self.members
            .get(wallet)
            .and_then(|m| m.media.producer.as_deref().cloned())
    }
}
