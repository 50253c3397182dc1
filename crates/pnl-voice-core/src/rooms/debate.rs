//! Debate mode's state machine: a structured debate between the room's
//! YES and NO holders on stage. Turns alternate sides and rotate within a
//! side; the host may open the floor; `end` closes the turns and opens a
//! poll. Pure: every step takes `now` and the current debaters, so the
//! room's task owns the timers and the rules stay testable
//! (`Room::debate_*` applies it to a room, `debate_room.rs`).

use std::collections::BTreeSet;

use super::debate_poll::{
    DebatePollResult, DebateSpeakingSeconds, DebateSummary, DebateTurnRecord, Poll,
};
use super::debate_side::DebateSide;
use super::wire_time::rfc3339;
use crate::address::Address;
use chrono::{DateTime, Duration, Utc};

/// Shortest turn a host may set, in seconds.
pub const MIN_TURN_SECONDS: u32 = 15;
/// Longest turn a host may set, in seconds.
pub const MAX_TURN_SECONDS: u32 = 600;
/// The turn length when the host names none.
pub const DEFAULT_TURN_SECONDS: u32 = 90;
/// How long the poll stays open after `end`, in seconds.
pub const POLL_SECONDS: i64 = 30;

/// A host's debate command, checked (`voice:debate`, `POST
/// /api/voice/debate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebateCommand {
    /// Starts a debate with turns of `turn_seconds`.
    Start {
        /// Each turn's length, [`MIN_TURN_SECONDS`]..=[`MAX_TURN_SECONDS`].
        turn_seconds: u32,
    },
    /// Ends the current turn early and gives the next.
    Next,
    /// Ends the turns and opens the poll.
    End,
    /// Lifts the turn's pauses: every debater may unmute.
    OpenFloor,
    /// Pauses every debater but the turn's again.
    CloseFloor,
    /// Closes the poll early.
    ClosePoll,
}

/// One debater's turn.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    /// Its 1-based number in the debate.
    pub number: u32,
    /// The side speaking.
    pub side: DebateSide,
    /// Who speaks.
    pub wallet: Address,
    /// When it began.
    pub started_at: DateTime<Utc>,
    /// When it ends unless the host moves on first.
    pub ends_at: DateTime<Utc>,
}

/// Where a debate is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Turns run; `turn` is `None` while nobody can debate.
    Turns {
        /// The current turn.
        turn: Option<Turn>,
        /// Whether the host lifted the pauses.
        floor_open: bool,
    },
    /// The turns are over and the room votes until `closes_at`.
    Poll {
        /// When the turns ended.
        ended_at: DateTime<Utc>,
        /// When the poll closes by itself.
        closes_at: DateTime<Utc>,
        /// The votes so far.
        poll: Poll,
    },
}

/// A debate in one room, from `start` to its poll's close.
#[derive(Debug, Clone, PartialEq)]
pub struct Debate {
    pub(super) id: String,
    pub(super) started_at: DateTime<Utc>,
    pub(super) turn_seconds: u32,
    pub(super) phase: Phase,
    /// Turns that ended, in order.
    pub(super) held: Vec<DebateTurnRecord>,
    /// Turns given so far (the last one's number).
    pub(super) given: u32,
    /// The side of the last turn given.
    last_side: Option<DebateSide>,
    /// Who has spoken in the current round of each side (YES, NO): a
    /// round ends when everyone on that side's stage had a turn.
    spoken: [BTreeSet<Address>; 2],
}

impl Debate {
    /// A debate named `id`, started at `now`, with no turn yet.
    pub(super) fn new(id: String, turn_seconds: u32, now: DateTime<Utc>) -> Self {
        Self {
            id,
            started_at: now,
            turn_seconds,
            phase: Phase::Turns {
                turn: None,
                floor_open: false,
            },
            held: Vec::new(),
            given: 0,
            last_side: None,
            spoken: [BTreeSet::new(), BTreeSet::new()],
        }
    }

    /// The current turn, while turns run.
    pub fn turn(&self) -> Option<&Turn> {
        match &self.phase {
            Phase::Turns { turn, .. } => turn.as_ref(),
            Phase::Poll { .. } => None,
        }
    }

    /// Whether the host opened the floor (turns running).
    pub fn floor_open(&self) -> bool {
        matches!(
            self.phase,
            Phase::Turns {
                floor_open: true,
                ..
            }
        )
    }

    /// The poll, once the turns ended.
    pub fn poll(&self) -> Option<&Poll> {
        match &self.phase {
            Phase::Poll { poll, .. } => Some(poll),
            Phase::Turns { .. } => None,
        }
    }

    /// When the debate next changes by itself: the turn's end or the
    /// poll's close.
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        match &self.phase {
            Phase::Turns { turn, .. } => turn.as_ref().map(|t| t.ends_at),
            Phase::Poll { closes_at, .. } => Some(*closes_at),
        }
    }

    /// The turns that ended, in order.
    pub fn held(&self) -> &[DebateTurnRecord] {
        &self.held
    }

    /// Ends the current turn at `now` (it joins the held turns).
    pub(super) fn finish_turn(&mut self, now: DateTime<Utc>) {
        if let Phase::Turns { turn, .. } = &mut self.phase {
            if let Some(t) = turn.take() {
                self.held.push(DebateTurnRecord {
                    side: t.side,
                    wallet_address: t.wallet,
                    started_at: rfc3339(t.started_at),
                    seconds: seconds_between(t.started_at, now),
                });
            }
        }
    }

    /// Ends the current turn and gives the next to one of `debaters` (in
    /// stage order, with their sides): the side after the last turn's,
    /// or the same side when the other has nobody; within a side, whoever
    /// has not spoken in this round, first in stage order. `None` (and no
    /// turn) when nobody can debate.
    pub(super) fn next_turn(
        &mut self,
        debaters: &[(Address, DebateSide)],
        now: DateTime<Utc>,
    ) -> Option<&Turn> {
        self.finish_turn(now);
        let wanted = self.last_side.map_or(DebateSide::Yes, DebateSide::other);
        let side = [wanted, wanted.other()]
            .into_iter()
            .find(|s| debaters.iter().any(|(_, d)| d == s))?;
        let on_side: Vec<&Address> = debaters
            .iter()
            .filter(|(_, d)| *d == side)
            .map(|(w, _)| w)
            .collect();
        let spoken = &mut self.spoken[side_index(side)];
        if on_side.iter().all(|w| spoken.contains(*w)) {
            spoken.clear();
        }
        let wallet = (*on_side
            .iter()
            .find(|w| !spoken.contains(**w))
            .expect("a round with nobody left was cleared"))
        .clone();
        spoken.insert(wallet.clone());
        self.given += 1;
        self.last_side = Some(side);
        let turn = Turn {
            number: self.given,
            side,
            wallet,
            started_at: now,
            ends_at: now + Duration::seconds(i64::from(self.turn_seconds)),
        };
        match &mut self.phase {
            Phase::Turns { turn: current, .. } => Some(&*current.insert(turn)),
            Phase::Poll { .. } => None,
        }
    }

    /// Ends the turns at `now` and opens the poll.
    pub(super) fn open_poll(&mut self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.finish_turn(now);
        let closes_at = now + Duration::seconds(POLL_SECONDS);
        self.phase = Phase::Poll {
            ended_at: now,
            closes_at,
            poll: Poll::default(),
        };
        closes_at
    }
}

fn side_index(side: DebateSide) -> usize {
    match side {
        DebateSide::Yes => 0,
        DebateSide::No => 1,
    }
}

impl Debate {
    /// The summary of this debate in `market`'s room: its turns ended
    /// when the poll opened (at `now` if it never did).
    pub(super) fn summary(&self, market: &Address, now: DateTime<Utc>) -> DebateSummary {
        let (ended_at, poll) = match &self.phase {
            Phase::Poll { ended_at, poll, .. } => (*ended_at, poll.result()),
            Phase::Turns { .. } => (now, DebatePollResult::default()),
        };
        let mut speaking = DebateSpeakingSeconds::default();
        for turn in &self.held {
            match turn.side {
                DebateSide::Yes => speaking.yes += turn.seconds,
                DebateSide::No => speaking.no += turn.seconds,
            }
        }
        speaking.yes = millis(speaking.yes);
        speaking.no = millis(speaking.no);
        DebateSummary {
            id: self.id.clone(),
            market_address: market.clone(),
            started_at: rfc3339(self.started_at),
            ended_at: rfc3339(ended_at),
            turn_seconds: self.turn_seconds,
            turns: self.held.clone(),
            speaking_seconds: speaking,
            poll,
        }
    }
}

/// Seconds from `from` to `to`, to the millisecond (never negative).
fn seconds_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_milliseconds().max(0) as f64 / 1000.0
}

/// `secs` rounded to the millisecond (sums of such stay readable).
fn millis(secs: f64) -> f64 {
    (secs * 1000.0).round() / 1000.0
}
