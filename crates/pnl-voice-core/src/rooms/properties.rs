//! Property tests: any sequence of joins, leaves, grants, revokes, kicks,
//! mutes, hand raises, settings changes, co-host and host changes,
//! reservations, invitations to speak (their answers and expiry) and
//! reactions, and of debate commands and votes, keeps the room's
//! invariants, with a model of the moderation ledger keeping the bans and
//! joins the rules hand back (as the server's ledger does) and a model of
//! the debate's poll. After each step the debate is ticked, as the room's
//! task does after each request.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use super::RoomDefaults;
use super::*;
use crate::address::Address;

const WALLETS: u8 = 6;

fn w(n: u8) -> Address {
    Address::from_bytes([n + 1; 32])
}

#[derive(Debug, Clone)]
enum Op {
    Join(u8, Grants),
    Leave(u8),
    Mute(u8, bool),
    Raise(u8),
    Lower(u8),
    Grant(u8, u8),
    Revoke(u8, u8),
    Kick(u8, u8),
    MuteAll(u8),
    Settings(u8, Option<bool>, Option<u32>),
    Wait(i64),
    MuteOne(u8, u8),
    AddCoHost(u8, u8),
    RemoveCoHost(u8, u8),
    TransferHost(u8, u8),
    EndRoom(u8),
    Reserve(u8),
    ClearReservations(u8),
    Invite(u8, u8),
    Respond(u8, bool),
    ExpireInvitations,
    React(u8),
    Debate(u8, DebateCommand),
    Vote(u8, DebateSide),
}

fn debate_command() -> impl Strategy<Value = DebateCommand> {
    prop_oneof![
        2 => (15u32..120).prop_map(|turn_seconds| DebateCommand::Start { turn_seconds }),
        3 => Just(DebateCommand::Next),
        1 => Just(DebateCommand::End),
        1 => Just(DebateCommand::OpenFloor),
        1 => Just(DebateCommand::CloseFloor),
        1 => Just(DebateCommand::ClosePoll),
    ]
}

/// What a market site's minted token grants: mostly nothing.
fn grants() -> impl Strategy<Value = Grants> {
    prop_oneof![
        6 => Just(Grants::default()),
        1 => (any::<bool>(), any::<bool>())
            .prop_map(|(can_speak, co_host)| Grants { can_speak, co_host }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let wallet = 0..WALLETS;
    let actor = prop_oneof![3 => Just(0u8), 2 => 0..WALLETS];
    prop_oneof![
        4 => (wallet.clone(), grants()).prop_map(|(n, g)| Op::Join(n, g)),
        2 => wallet.clone().prop_map(Op::Leave),
        2 => (wallet.clone(), any::<bool>()).prop_map(|(a, b)| Op::Mute(a, b)),
        2 => wallet.clone().prop_map(Op::Raise),
        1 => wallet.clone().prop_map(Op::Lower),
        2 => (actor.clone(), wallet.clone()).prop_map(|(a, b)| Op::Grant(a, b)),
        1 => (actor.clone(), wallet.clone()).prop_map(|(a, b)| Op::Revoke(a, b)),
        1 => (actor.clone(), wallet.clone()).prop_map(|(a, b)| Op::Kick(a, b)),
        1 => actor.clone().prop_map(Op::MuteAll),
        1 => (actor.clone(), proptest::option::of(any::<bool>()), proptest::option::of(1u32..8))
            .prop_map(|(a, s, m)| Op::Settings(a, s, m)),
        2 => (1i64..700).prop_map(Op::Wait),
        1 => (actor.clone(), wallet.clone()).prop_map(|(a, b)| Op::MuteOne(a, b)),
        2 => (actor.clone(), wallet.clone()).prop_map(|(a, b)| Op::AddCoHost(a, b)),
        1 => (actor.clone(), wallet.clone()).prop_map(|(a, b)| Op::RemoveCoHost(a, b)),
        1 => (actor.clone(), wallet.clone()).prop_map(|(a, b)| Op::TransferHost(a, b)),
        1 => actor.clone().prop_map(Op::EndRoom),
        3 => (0..WALLETS + 4).prop_map(Op::Reserve),
        1 => actor.clone().prop_map(Op::ClearReservations),
        3 => (actor.clone(), wallet.clone()).prop_map(|(a, b)| Op::Invite(a, b)),
        2 => (wallet.clone(), any::<bool>()).prop_map(|(a, b)| Op::Respond(a, b)),
        1 => Just(Op::ExpireInvitations),
        2 => wallet.clone().prop_map(Op::React),
        3 => (actor, debate_command()).prop_map(|(a, c)| Op::Debate(a, c)),
        2 => (wallet, prop_oneof![Just(DebateSide::Yes), Just(DebateSide::No)])
            .prop_map(|(n, side)| Op::Vote(n, side)),
    ]
}

/// What market data says of wallet `n`: YES, NO or nothing, of size `n`.
fn profile(n: u8) -> Profile {
    let position = [Position::Yes, Position::No, Position::None][usize::from(n % 3)];
    Profile {
        position,
        position_size: if position == Position::None {
            0.0
        } else {
            f64::from(n)
        },
    }
}

/// The moderation ledger as the server keeps it: bans, and joins per
/// wallet; and the votes of the open poll, as the voters cast them.
#[derive(Debug, Default)]
struct Ledger {
    bans: HashMap<Address, DateTime<Utc>>,
    joins: HashMap<Address, Vec<DateTime<Utc>>>,
    votes: HashMap<Address, (DebateSide, f64)>,
}

impl Ledger {
    fn standing(&self, wallet: &Address, window: Duration, now: DateTime<Utc>) -> Standing {
        let recent = self.joins.get(wallet).map_or(0, |times| {
            times.iter().filter(|t| now - **t < window).count()
        });
        Standing {
            banned_until: self.bans.get(wallet).copied(),
            recent_joins: recent as u32,
            ..Default::default()
        }
    }

    fn ban(&mut self, ban: Ban) {
        self.joins.remove(&ban.wallet);
        self.bans.insert(ban.wallet, ban.until);
    }
}

fn apply(room: &mut Room, ledger: &mut Ledger, op: &Op, now: &mut DateTime<Utc>) {
    match *op {
        Op::Join(n, grants) => {
            let before = room.len() + room.held_places(*now);
            let held = room.reservation(&w(n), *now).is_some_and(|r| r.holds_place);
            let host_level =
                room.is_host_level(&w(n)) || (grants.co_host && room.founder().is_some());
            let standing = Standing {
                grants,
                ..ledger.standing(&w(n), room.policy().churn_window, *now)
            };
            match room.join(&w(n), profile(n), &standing, *now) {
                Ok((view, _)) => {
                    assert!(
                        !grants.can_speak || view.is_speaker,
                        "a pre-approved speaker is on stage"
                    );
                    assert!(
                        !view.is_co_host || !view.is_founder,
                        "a grant never makes the founder a co-host"
                    );
                    assert!(
                        host_level
                            || before - usize::from(held)
                                < room.settings().max_participants as usize,
                        "a join never overfills but for the founder and co-hosts"
                    );
                    assert!(
                        room.reservation(&w(n), *now).is_none(),
                        "a join uses its reservation"
                    );
                    ledger.joins.entry(w(n)).or_default().push(*now);
                }
                Err(RoomError::Churning { until, .. }) => ledger.ban(Ban {
                    wallet: w(n),
                    until,
                }),
                Err(_) => {}
            }
        }
        Op::Leave(n) => drop(room.leave(&w(n))),
        Op::Mute(n, m) => drop(room.set_muted(&w(n), m)),
        Op::Raise(n) => drop(room.raise_hand(&w(n))),
        Op::Lower(n) => drop(room.lower_hand(&w(n))),
        Op::Grant(a, n) => drop(room.grant(&w(a), &w(n))),
        Op::Revoke(a, n) => {
            let host_level = room.is_host_level(&w(n));
            if room.revoke(&w(a), &w(n)).is_ok() {
                assert!(!host_level, "the founder and co-hosts keep the floor");
            }
        }
        Op::Kick(a, n) => {
            let (founder, co_host) = (
                room.founder() == Some(&w(n)),
                room.co_hosts().contains(&w(n)),
            );
            if let Ok((_, ban, _)) = room.kick(&w(a), &w(n), *now) {
                assert!(!founder, "the founder is never a target");
                assert!(!co_host || a == 0, "only the founder kicks a co-host");
                assert!(
                    !room.co_hosts().contains(&w(n)),
                    "a kicked co-host loses the role"
                );
                assert_eq!(ban.wallet, w(n), "a kick bans its target");
                assert_eq!(
                    ban.until,
                    *now + room.policy().ban,
                    "a kick bans for the policy's time"
                );
                ledger.ban(ban);
            }
        }
        Op::MuteAll(a) => {
            if room.mute_all(&w(a)).is_ok() {
                for v in room.views() {
                    assert!(
                        v.is_founder || v.is_co_host || !v.is_speaker || v.is_muted,
                        "mute_all leaves no speaker live"
                    );
                }
            }
        }
        Op::Settings(a, speaker_only, max) => {
            let patch = SettingsPatch {
                speaker_only,
                max_participants: max,
                ..Default::default()
            };
            drop(room.update_settings(&w(a), &patch));
        }
        Op::Wait(secs) => *now += Duration::seconds(secs),
        Op::MuteOne(a, n) => {
            let co_host = room.co_hosts().contains(&w(n));
            if room.mute(&w(a), &w(n)).is_ok() {
                assert_eq!(room.is_muted(&w(n)), Ok(true), "mute mutes");
                assert!(
                    room.founder() != Some(&w(n)),
                    "the founder is never a target"
                );
                assert!(!co_host || a == 0, "only the founder mutes a co-host");
            }
        }
        Op::AddCoHost(a, n) => {
            if room.add_co_host(&w(a), &w(n)).is_ok() {
                assert_eq!(a, 0, "only the founder names co-hosts");
            }
        }
        Op::RemoveCoHost(a, n) => drop(room.remove_co_host(&w(a), &w(n))),
        Op::TransferHost(a, n) => {
            let may = room.founder() == Some(&w(a)) || room.host() == Some(&w(a));
            if room.transfer_host(&w(a), &w(n)).is_ok() {
                assert!(may, "only the founder or the host hands the role on");
                assert_eq!(room.host(), Some(&w(n)));
            }
        }
        Op::EndRoom(a) => {
            let may = room.founder() == Some(&w(a)) || room.host() == Some(&w(a));
            assert_eq!(room.end_room(&w(a)).is_ok(), may);
        }
        Op::Reserve(n) => {
            let held_before = room.held_places(*now);
            let had = room.reservation(&w(n), *now);
            let standing = ledger.standing(&w(n), room.policy().churn_window, *now);
            if let Ok(r) = room.reserve(&w(n), &standing, *now) {
                assert!(
                    standing.banned_at(*now).is_none(),
                    "a banned wallet reserves nothing"
                );
                if let Some(had) = had {
                    assert_eq!(had, r, "a reservation is never renewed");
                }
                let cap = room
                    .policy()
                    .reservations
                    .cap(room.settings().max_participants);
                assert!(
                    room.held_places(*now) <= cap.max(held_before),
                    "reservations hold at most their share"
                );
            }
        }
        Op::ClearReservations(a) => {
            if room.clear_reservations(&w(a), *now).is_ok() {
                assert_eq!(room.held_places(*now), 0);
            }
        }
        Op::Invite(a, n) => {
            let listener = room.get(&w(n)).is_some() && room.may_produce(&w(n)).is_err();
            let invited = room.invitation(&w(n)).is_some();
            if room.invite_speaker(&w(a), &w(n), *now).is_ok() {
                assert!(room.is_host_level(&w(a)), "only moderators invite");
                assert!(listener && !invited, "only a listener, once");
                assert_eq!(
                    room.invitation(&w(n)),
                    Some(*now + room.policy().invitation)
                );
            }
        }
        Op::Respond(n, accept) => {
            let live = room.invitation(&w(n)).is_some_and(|until| until > *now);
            let result = room.respond_to_invite(&w(n), accept, *now);
            assert_eq!(result.is_ok(), live, "only a live invitation is answered");
            if result.is_ok() {
                assert!(room.invitation(&w(n)).is_none(), "an answer ends it");
                assert_eq!(
                    room.may_produce(&w(n)).is_ok(),
                    accept,
                    "accepting, and only that, puts it on stage"
                );
            }
        }
        Op::ExpireInvitations => {
            let lapsed = room.expire_invitations(*now);
            assert!(
                room.next_invitation_expiry().is_none_or(|at| at > *now),
                "nothing lapsed is left"
            );
            for e in lapsed {
                assert!(matches!(
                    e,
                    RoomEvent::InviteDeclined {
                        reason: InviteEnd::Expired,
                        ..
                    }
                ));
            }
        }
        Op::React(n) => {
            let inside = room.get(&w(n)).is_some();
            match room.react(&w(n), Emoji::Fire, *now) {
                Ok(RoomEvent::Reaction { wallet, side, .. }) => {
                    assert!(inside && wallet == w(n), "members react");
                    assert_eq!(side, room.get(&w(n)).expect("inside").profile.position);
                }
                Ok(other) => panic!("a reaction is a reaction: {other:?}"),
                Err(RoomError::ReactingTooFast(wait)) => {
                    assert!(inside && wait > Duration::zero() && wait <= REACTION_INTERVAL);
                }
                Err(e) => assert!(!inside && e == RoomError::NotIn, "{e:?}"),
            }
            assert!(
                matches!(
                    room.react(&w(n), Emoji::Heart, *now),
                    Err(RoomError::ReactingTooFast(_) | RoomError::NotIn)
                ),
                "one reaction a second"
            );
        }
        Op::Debate(a, command) => {
            let host = room.is_host_level(&w(a));
            let before = room.clone();
            match room.debate_command(&w(a), command, "d".into(), *now) {
                Ok(outcome) => {
                    assert!(host, "only the host runs a debate");
                    if matches!(command, DebateCommand::Start { .. }) {
                        ledger.votes.clear();
                    }
                    check_outcome(room, &outcome, ledger);
                }
                Err(_) => assert_eq!(*room, before, "a refused command changes nothing"),
            }
        }
        Op::Vote(n, side) => {
            if room.debate_vote(&w(n), side).is_ok() {
                assert!(!room.is_host_level(&w(n)), "the host does not vote");
                let weight = room
                    .get(&w(n))
                    .expect("a voter is inside")
                    .profile
                    .position_size;
                ledger.votes.insert(w(n), (side, weight));
            }
        }
    }
    let outcome = room.debate_tick(*now);
    check_outcome(room, &outcome, ledger);
}

/// What a debate step says matches the room: the poll's result is the
/// votes cast, the paused are muted and the resumed live.
fn check_outcome(room: &Room, outcome: &DebateOutcome, ledger: &Ledger) {
    let tally = |side| {
        let votes: Vec<f64> = ledger
            .votes
            .values()
            .filter(|(s, _)| *s == side)
            .map(|(_, weight)| *weight)
            .collect();
        (votes.len() as u32, votes.iter().sum::<f64>())
    };
    let result = match (&outcome.summary, room.debate().and_then(Debate::poll)) {
        (Some(summary), _) => Some(summary.poll),
        (None, Some(poll)) => Some(poll.result()),
        (None, None) => None,
    };
    if let Some(result) = result {
        assert_eq!(
            (result.yes.votes, result.yes.weight),
            tally(DebateSide::Yes)
        );
        assert_eq!((result.no.votes, result.no.weight), tally(DebateSide::No));
    }
    for w in &outcome.paused {
        assert_eq!(room.is_muted(w), Ok(true), "the paused are muted");
    }
    for w in &outcome.resumed {
        assert_eq!(room.is_muted(w), Ok(false), "the turn's debater is live");
    }
    if let Some(summary) = &outcome.summary {
        let spoken: f64 = summary.turns.iter().map(|t| t.seconds).sum();
        let per_side = summary.speaking_seconds.yes + summary.speaking_seconds.no;
        assert!(
            (spoken - per_side).abs() < 0.01,
            "speaking time is the turns'"
        );
    }
}

fn check(room: &Room, ledger: &Ledger, now: DateTime<Utc>) {
    assert_eq!(
        room.check_invariants(now, |w| ledger.bans.get(w).copied()),
        Ok(()),
        "{room:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_sequence_keeps_the_invariants(ops in proptest::collection::vec(op(), 1..120)) {
        let defaults = RoomDefaults { max_participants: 4, ..RoomDefaults::default() };
        let settings = RoomSettings::for_new_room(&defaults, true);
        let mut now = Utc::now();
        let mut room = Room::new(w(200), Some(w(0)), settings, defaults.policy(), now);
        let mut ledger = Ledger::default();
        for op in &ops {
            apply(&mut room, &mut ledger, op, &mut now);
            check(&room, &ledger, now);
        }
    }

    #[test]
    fn founderless_rooms_keep_the_invariants(ops in proptest::collection::vec(op(), 1..80)) {
        let defaults = RoomDefaults::default();
        let settings = RoomSettings::for_new_room(&defaults, false);
        let mut now = Utc::now();
        let mut room = Room::new(w(200), None, settings, defaults.policy(), now);
        let mut ledger = Ledger::default();
        for op in &ops {
            apply(&mut room, &mut ledger, op, &mut now);
            check(&room, &ledger, now);
            prop_assert!(room.speaker_queue().is_empty());
        }
    }
}
