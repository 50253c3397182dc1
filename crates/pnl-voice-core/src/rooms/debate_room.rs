//! Debate mode in a room: the host's commands, the votes, and
//! [`Room::debate_tick`], which keeps the debate true to the room after
//! every change (a turn that expired, a debater who left or lost the
//! floor, a new debater to pause). The room's task calls the tick after
//! each request and when [`Room::debate_deadline`] comes, and applies the
//! [`DebateOutcome`] (pauses producers, stores the summary).
//!
//! Debaters are the members on stage holding YES or NO, the founder and
//! co-hosts excepted (they moderate and are never paused by the debate).

use chrono::{DateTime, Utc};

use super::debate::{Debate, DebateCommand, Phase};
use super::debate_poll::DebateSummary;
use super::debate_side::DebateSide;
use super::debate_view::DebateCurrentTurn;
use super::events::RoomEvent;
use super::participant::Participant;
use super::room::Room;
use crate::address::Address;
use crate::error::{ApiError, ErrorCode};

/// Why a host's debate command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DebateError {
    /// Only the founder and co-hosts run a debate.
    #[error("only the host (the founder or a co-host) may run a debate")]
    NotHost,
    /// `start` while a debate (or its poll) runs.
    #[error("a debate is running already")]
    Running,
    /// A turn command without a debate in its turns.
    #[error("no debate is running")]
    NoDebate,
    /// `close_poll` without an open poll.
    #[error("no poll is open")]
    NoPoll,
}

impl From<DebateError> for ApiError {
    fn from(e: DebateError) -> Self {
        let code = match e {
            DebateError::NotHost => ErrorCode::Forbidden,
            DebateError::Running | DebateError::NoDebate | DebateError::NoPoll => {
                ErrorCode::Conflict
            }
        };
        ApiError::new(code, e.to_string())
    }
}

/// Why a vote was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VoteError {
    /// The voter is not in the room.
    #[error("not in this room")]
    NotIn,
    /// The founder and co-hosts moderate the debate and do not vote.
    #[error("the host does not vote")]
    Host,
    /// No poll is open.
    #[error("no poll is open")]
    NoPoll,
}

impl From<VoteError> for ApiError {
    fn from(e: VoteError) -> Self {
        let code = match e {
            VoteError::NotIn => ErrorCode::NotInRoom,
            VoteError::Host => ErrorCode::Forbidden,
            VoteError::NoPoll => ErrorCode::Conflict,
        };
        ApiError::new(code, e.to_string())
    }
}

/// What a debate step changed, for the room's task to apply: events to
/// send (in order), producers to pause and to resume, and the summary to
/// store when the debate ended.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DebateOutcome {
    /// Events for every member, in order.
    pub events: Vec<RoomEvent>,
    /// Members the debate muted: pause their producers.
    pub paused: Vec<Address>,
    /// Members the debate unmuted (the turn's debater): resume theirs.
    pub resumed: Vec<Address>,
    /// The summary of a debate whose poll closed.
    pub summary: Option<DebateSummary>,
}

impl Room {
    /// The debate, from `start` to its poll's close.
    pub fn debate(&self) -> Option<&Debate> {
        self.debate.as_ref()
    }

    /// When the debate next changes by itself (a turn's end, the poll's
    /// close): the room's task calls [`Room::debate_tick`] then.
    pub fn debate_deadline(&self) -> Option<DateTime<Utc>> {
        self.debate.as_ref().and_then(Debate::deadline)
    }

    /// The debaters now, in stage order (the room's order), with their sides.
    pub fn debaters(&self) -> Vec<(Address, DebateSide)> {
        self.participants
            .iter()
            .filter_map(|p| self.side_of(p).map(|s| (p.wallet.clone(), s)))
            .collect()
    }

    /// `p`'s side if it is a debater: on stage, holding YES or NO, and
    /// neither the founder nor a co-host.
    fn side_of(&self, p: &Participant) -> Option<DebateSide> {
        let debates = p.is_speaker(self.settings.speaker_only) && !self.is_host_level(&p.wallet);
        DebateSide::of(p.profile.position).filter(|_| debates)
    }

    /// The wallet whose turn it is while turns run with the floor closed:
    /// every other debater is held muted.
    fn holding_turn(&self) -> Option<&Address> {
        match &self.debate.as_ref()?.phase {
            Phase::Turns {
                turn: Some(turn),
                floor_open: false,
            } => Some(&turn.wallet),
            _ => None,
        }
    }

    /// Whether the debate keeps `wallet` muted now: a debater whose turn
    /// it is not, while turns run with the floor closed.
    pub(super) fn debate_holds(&self, wallet: &Address) -> bool {
        let Some(speaking) = self.holding_turn() else {
            return false;
        };
        speaking != wallet && self.get(wallet).is_some_and(|p| self.side_of(p).is_some())
    }

    /// A host's debate command at `now`; `id` names a debate it starts.
    pub fn debate_command(
        &mut self,
        actor: &Address,
        command: DebateCommand,
        id: String,
        now: DateTime<Utc>,
    ) -> Result<DebateOutcome, DebateError> {
        if !self.is_host_level(actor) {
            return Err(DebateError::NotHost);
        }
        let mut outcome = DebateOutcome::default();
        match command {
            DebateCommand::Start { turn_seconds } => {
                if self.debate.is_some() {
                    return Err(DebateError::Running);
                }
                let debate = Debate::new(id, turn_seconds, now);
                outcome.events.push(RoomEvent::DebateStarted {
                    turn_seconds,
                    started_at: now,
                });
                self.debate = Some(debate);
                self.next_turn(now, &mut outcome);
            }
            DebateCommand::Next => {
                self.turns_running()?;
                self.next_turn(now, &mut outcome);
            }
            DebateCommand::End => {
                let debate = self.turns_running()?;
                let closes_at = debate.open_poll(now);
                outcome.events.push(RoomEvent::DebatePoll { closes_at });
            }
            DebateCommand::OpenFloor | DebateCommand::CloseFloor => {
                let open = command == DebateCommand::OpenFloor;
                if let Phase::Turns { floor_open, .. } = &mut self.turns_running()?.phase {
                    if *floor_open != open {
                        *floor_open = open;
                        outcome.events.push(RoomEvent::DebateFloor(open));
                    }
                }
            }
            DebateCommand::ClosePoll => {
                if self.debate.as_ref().and_then(Debate::poll).is_none() {
                    return Err(DebateError::NoPoll);
                }
                self.close_poll(now, &mut outcome);
            }
        }
        self.hold_debaters(&mut outcome);
        Ok(outcome)
    }

    /// `voter` votes for `side` in the open poll, weighing its position
    /// size; a second vote replaces the first.
    pub fn debate_vote(&mut self, voter: &Address, side: DebateSide) -> Result<(), VoteError> {
        let weight = self
            .get(voter)
            .ok_or(VoteError::NotIn)?
            .profile
            .position_size;
        if self.is_host_level(voter) {
            return Err(VoteError::Host);
        }
        match self.debate.as_mut().map(|d| &mut d.phase) {
            Some(Phase::Poll { poll, .. }) => {
                poll.vote(voter, side, weight);
                Ok(())
            }
            _ => Err(VoteError::NoPoll),
        }
    }

    /// Brings the debate up to date at `now`: the poll closes at its time;
    /// a turn that ran out, or whose debater cannot debate any more (left,
    /// lost the floor, became a co-host), gives way to the next; with no
    /// turn, a new debater gets one; and, floor closed, every debater but
    /// the turn's is muted.
    pub fn debate_tick(&mut self, now: DateTime<Utc>) -> DebateOutcome {
        let mut outcome = DebateOutcome::default();
        let Some(debate) = &self.debate else {
            return outcome;
        };
        match &debate.phase {
            Phase::Poll { closes_at, .. } => {
                if now >= *closes_at {
                    self.close_poll(now, &mut outcome);
                }
            }
            Phase::Turns { turn, .. } => {
                let debaters = self.debaters();
                let stale = match turn {
                    Some(t) => now >= t.ends_at || !debaters.iter().any(|(w, _)| *w == t.wallet),
                    None => !debaters.is_empty(),
                };
                if stale {
                    self.next_turn(now, &mut outcome);
                }
                self.hold_debaters(&mut outcome);
            }
        }
        outcome
    }

    /// The debate, if its turns run (not in its poll).
    fn turns_running(&mut self) -> Result<&mut Debate, DebateError> {
        match &mut self.debate {
            Some(debate) if matches!(debate.phase, Phase::Turns { .. }) => Ok(debate),
            _ => Err(DebateError::NoDebate),
        }
    }

    /// Ends the current turn and gives the next (announced); its debater
    /// is unmuted.
    fn next_turn(&mut self, now: DateTime<Utc>, outcome: &mut DebateOutcome) {
        let debaters = self.debaters();
        let Some(debate) = self.debate.as_mut() else {
            return;
        };
        let had_turn = debate.turn().is_some();
        let turn = debate
            .next_turn(&debaters, now)
            .map(DebateCurrentTurn::from);
        let number = debate.given;
        if turn.is_none() && !had_turn && number > 0 {
            return;
        }
        let speaker = turn.as_ref().map(|t| t.wallet_address.clone());
        outcome.events.push(RoomEvent::DebateTurn { turn, number });
        if let Some(p) = speaker.and_then(|w| self.get_mut(&w)) {
            if p.muted {
                p.muted = false;
                outcome.resumed.push(p.wallet.clone());
                outcome.events.push(RoomEvent::UserMuted {
                    wallet: p.wallet.clone(),
                    muted: false,
                });
            }
        }
    }

    /// Mutes every live debater the debate holds.
    fn hold_debaters(&mut self, outcome: &mut DebateOutcome) {
        let Some(speaking) = self.holding_turn() else {
            return;
        };
        let held: Vec<Address> = self
            .participants
            .iter()
            .filter(|p| !p.muted && &p.wallet != speaking && self.side_of(p).is_some())
            .map(|p| p.wallet.clone())
            .collect();
        for wallet in held {
            if let Some(p) = self.get_mut(&wallet) {
                p.muted = true;
            }
            outcome.paused.push(wallet.clone());
            outcome.events.push(RoomEvent::UserMuted {
                wallet,
                muted: true,
            });
        }
    }

    /// Closes the poll: the debate ends with its summary.
    fn close_poll(&mut self, now: DateTime<Utc>, outcome: &mut DebateOutcome) {
        if let Some(debate) = self.debate.take() {
            let summary = debate.summary(&self.id, now);
            outcome.events.push(RoomEvent::DebateEnded(summary.clone()));
            outcome.summary = Some(summary);
        }
    }
}
