//! Debate mode's rules, step by step (the property tests check its
//! invariants over any sequence).

use chrono::{DateTime, Duration, Utc};

use super::RoomDefaults;
use super::*;
use crate::address::Address;
use crate::error::ApiError;

const FOUNDER: u8 = 1;
const CO_HOST: u8 = 2;

fn w(n: u8) -> Address {
    Address::from_bytes([n; 32])
}

fn holding(side: Position, size: f64) -> Profile {
    Profile {
        position: side,
        position_size: size,
    }
}

/// A founder's room with a co-host, YES debaters 10 and 11, NO debaters
/// 20 and 21 (all granted and live), a YES listener 30 and a listener 31
/// holding nothing.
fn debate_room(now: DateTime<Utc>) -> Room {
    let defaults = RoomDefaults::default();
    let settings = RoomSettings::for_new_room(&defaults, true);
    let mut r = Room::new(w(200), Some(w(FOUNDER)), settings, defaults.policy(), now);
    let members = [
        (FOUNDER, holding(Position::Yes, 500.0)),
        (CO_HOST, holding(Position::No, 400.0)),
        (10, holding(Position::Yes, 10.0)),
        (20, holding(Position::No, 20.0)),
        (11, holding(Position::Yes, 11.0)),
        (21, holding(Position::No, 21.0)),
        (30, holding(Position::Yes, 30.0)),
        (31, Profile::none()),
    ];
    for (n, profile) in members {
        r.join(&w(n), profile, &Standing::default(), now).unwrap();
    }
    r.add_co_host(&w(FOUNDER), &w(CO_HOST)).unwrap();
    for n in [10, 20, 11, 21] {
        r.grant(&w(FOUNDER), &w(n)).unwrap();
        r.set_muted(&w(n), false).unwrap();
    }
    r
}

fn start(r: &mut Room, secs: u32, now: DateTime<Utc>) -> DebateOutcome {
    r.debate_command(
        &w(FOUNDER),
        DebateCommand::Start { turn_seconds: secs },
        "d1".into(),
        now,
    )
    .unwrap()
}

fn command(r: &mut Room, c: DebateCommand, now: DateTime<Utc>) -> DebateOutcome {
    r.debate_command(&w(FOUNDER), c, "unused".into(), now)
        .unwrap()
}

fn speaking(r: &Room) -> Option<(DebateSide, Address)> {
    r.debate()?.turn().map(|t| (t.side, t.wallet.clone()))
}

fn live(r: &Room) -> Vec<Address> {
    r.views()
        .into_iter()
        .filter(|v| !v.is_muted)
        .map(|v| v.wallet_address)
        .collect()
}

#[test]
fn debaters_are_the_members_on_stage_holding_a_side_hosts_excepted() {
    let r = debate_room(Utc::now());
    assert_eq!(
        r.debaters(),
        vec![
            (w(10), DebateSide::Yes),
            (w(20), DebateSide::No),
            (w(11), DebateSide::Yes),
            (w(21), DebateSide::No),
        ]
    );
}

#[test]
fn a_start_gives_yes_the_first_turn_and_pauses_every_other_debater() {
    let now = Utc::now();
    let mut r = debate_room(now);
    r.set_muted(&w(FOUNDER), false).unwrap();
    let outcome = start(&mut r, 60, now);
    let turn = DebateCurrentTurn {
        side: DebateSide::Yes,
        wallet_address: w(10),
        ends_at: rfc3339(now + Duration::seconds(60)),
        turn: 1,
    };
    assert_eq!(
        outcome.events[..2],
        [
            RoomEvent::DebateStarted {
                turn_seconds: 60,
                started_at: now
            },
            RoomEvent::DebateTurn {
                turn: Some(turn),
                number: 1
            },
        ]
    );
    assert_eq!(outcome.paused, vec![w(20), w(11), w(21)]);
    assert!(outcome.resumed.is_empty(), "10 was live already");
    assert_eq!(
        outcome.events[2..],
        [20, 11, 21].map(|n| RoomEvent::UserMuted {
            wallet: w(n),
            muted: true
        })
    );
    assert_eq!(
        live(&r),
        vec![w(FOUNDER), w(10)],
        "the host is never paused"
    );
    assert_eq!(r.set_muted(&w(20), false), Err(RoomError::NotYourTurn));
    assert_eq!(
        ApiError::from(RoomError::NotYourTurn).code,
        crate::error::ErrorCode::Forbidden
    );
    assert_eq!(r.set_muted(&w(10), true).map(|e| e.len()), Ok(1));
    assert_eq!(
        r.set_muted(&w(10), false).map(|e| e.len()),
        Ok(1),
        "the turn's debater mutes and unmutes at will"
    );
    assert!(r.set_muted(&w(CO_HOST), false).is_ok(), "co-hosts moderate");
}

#[test]
fn turns_alternate_sides_and_rotate_within_a_side() {
    let now = Utc::now();
    let mut r = debate_room(now);
    start(&mut r, 30, now);
    let mut order = vec![speaking(&r).unwrap()];
    for _ in 0..5 {
        let outcome = command(&mut r, DebateCommand::Next, now);
        let (side, wallet) = speaking(&r).unwrap();
        assert_eq!(
            outcome.resumed,
            vec![wallet.clone()],
            "its debater is unmuted"
        );
        assert_eq!(live(&r), vec![wallet.clone()]);
        order.push((side, wallet));
    }
    use DebateSide::{No, Yes};
    assert_eq!(
        order,
        vec![
            (Yes, w(10)),
            (No, w(20)),
            (Yes, w(11)),
            (No, w(21)),
            (Yes, w(10)),
            (No, w(20)),
        ]
    );
    assert_eq!(r.debate().unwrap().turn().unwrap().number, 6);
}

#[test]
fn a_turn_ends_on_its_time_and_an_empty_side_is_skipped() {
    let now = Utc::now();
    let mut r = debate_room(now);
    for n in [20, 21] {
        r.revoke(&w(FOUNDER), &w(n)).unwrap();
    }
    start(&mut r, 15, now);
    assert_eq!(speaking(&r), Some((DebateSide::Yes, w(10))));
    assert_eq!(r.debate_deadline(), Some(now + Duration::seconds(15)));
    let early = r.debate_tick(now + Duration::seconds(14));
    assert!(early.events.is_empty(), "{early:?}");
    let later = now + Duration::seconds(15);
    let outcome = r.debate_tick(later);
    assert_eq!(speaking(&r), Some((DebateSide::Yes, w(11))), "NO is empty");
    assert!(matches!(
        &outcome.events[0],
        RoomEvent::DebateTurn { turn: Some(t), number: 2 } if t.wallet_address == w(11)
    ));
    assert_eq!(outcome.paused, vec![w(10)]);
    assert_eq!(outcome.resumed, vec![w(11)]);
    let held = r.debate().unwrap().held();
    assert_eq!(held.len(), 1);
    assert_eq!((held[0].seconds, held[0].side), (15.0, DebateSide::Yes));
}

#[test]
fn a_debater_leaving_mid_turn_hands_the_turn_on_and_nobody_means_no_turn() {
    let now = Utc::now();
    let mut r = debate_room(now);
    start(&mut r, 60, now);
    r.leave(&w(10)).unwrap();
    let t1 = now + Duration::seconds(5);
    let outcome = r.debate_tick(t1);
    assert_eq!(speaking(&r), Some((DebateSide::No, w(20))));
    assert_eq!(outcome.resumed, vec![w(20)]);
    assert_eq!(r.debate().unwrap().held()[0].seconds, 5.0);
    for n in [20, 11, 21] {
        r.revoke(&w(FOUNDER), &w(n)).unwrap();
    }
    let outcome = r.debate_tick(t1);
    assert_eq!(
        outcome.events,
        vec![RoomEvent::DebateTurn {
            turn: None,
            number: 2
        }]
    );
    assert_eq!(r.debate_deadline(), None, "no turn, no timer");
    assert!(r.debate_tick(t1).events.is_empty(), "said once");
    r.grant(&w(FOUNDER), &w(21)).unwrap();
    let outcome = r.debate_tick(t1);
    assert_eq!(speaking(&r), Some((DebateSide::No, w(21))));
    assert_eq!(
        outcome.resumed,
        vec![w(21)],
        "granted muted, unmuted by its turn"
    );
}

#[test]
fn a_debate_with_nobody_on_stage_has_no_turn() {
    let now = Utc::now();
    let mut r = debate_room(now);
    for n in [10, 20, 11, 21] {
        r.revoke(&w(FOUNDER), &w(n)).unwrap();
    }
    let outcome = start(&mut r, 90, now);
    assert_eq!(
        outcome.events[1],
        RoomEvent::DebateTurn {
            turn: None,
            number: 0
        }
    );
    let view = r.debate().unwrap().view();
    assert_eq!((view.turn, view.floor_open, view.poll), (None, false, None));
}

#[test]
fn whoever_comes_on_stage_during_a_turn_is_held_muted() {
    let now = Utc::now();
    let mut r = debate_room(now);
    start(&mut r, 60, now);
    r.remove_co_host(&w(FOUNDER), &w(CO_HOST)).unwrap();
    r.set_muted(&w(CO_HOST), false).unwrap_err();
    let mut r = debate_room(now);
    r.set_muted(&w(CO_HOST), false).unwrap();
    start(&mut r, 60, now);
    r.remove_co_host(&w(FOUNDER), &w(CO_HOST)).unwrap();
    let outcome = r.debate_tick(now);
    assert_eq!(
        outcome.paused,
        vec![w(CO_HOST)],
        "a live ex-co-host is a debater now"
    );
}

#[test]
fn the_floor_lifts_the_pauses_until_it_closes() {
    let now = Utc::now();
    let mut r = debate_room(now);
    start(&mut r, 60, now);
    let outcome = command(&mut r, DebateCommand::OpenFloor, now);
    assert_eq!(outcome.events, vec![RoomEvent::DebateFloor(true)]);
    assert!(outcome.resumed.is_empty(), "nobody is unmuted by it");
    assert!(command(&mut r, DebateCommand::OpenFloor, now)
        .events
        .is_empty());
    r.set_muted(&w(21), false).unwrap();
    assert_eq!(live(&r), vec![w(10), w(21)]);
    let outcome = command(&mut r, DebateCommand::CloseFloor, now);
    assert_eq!(
        outcome.events,
        vec![
            RoomEvent::DebateFloor(false),
            RoomEvent::UserMuted {
                wallet: w(21),
                muted: true
            }
        ]
    );
    assert_eq!(outcome.paused, vec![w(21)]);
}

#[test]
fn only_the_host_runs_a_debate_and_commands_fit_its_phase() {
    let now = Utc::now();
    let mut r = debate_room(now);
    let run = |r: &mut Room, actor: u8, c: DebateCommand| {
        r.debate_command(&w(actor), c, "d".into(), now).map(|_| ())
    };
    let start = DebateCommand::Start { turn_seconds: 90 };
    assert_eq!(run(&mut r, 10, start), Err(DebateError::NotHost));
    assert_eq!(run(&mut r, 99, start), Err(DebateError::NotHost));
    for c in [
        DebateCommand::Next,
        DebateCommand::End,
        DebateCommand::OpenFloor,
        DebateCommand::CloseFloor,
    ] {
        assert_eq!(run(&mut r, FOUNDER, c), Err(DebateError::NoDebate));
    }
    assert_eq!(
        run(&mut r, FOUNDER, DebateCommand::ClosePoll),
        Err(DebateError::NoPoll)
    );
    let before = r.clone();
    assert_eq!(run(&mut r, 10, start), Err(DebateError::NotHost));
    assert_eq!(r, before, "a refused command changes nothing");
    assert_eq!(run(&mut r, CO_HOST, start), Ok(()), "a co-host is a host");
    assert_eq!(run(&mut r, FOUNDER, start), Err(DebateError::Running));
    assert_eq!(
        run(&mut r, FOUNDER, DebateCommand::ClosePoll),
        Err(DebateError::NoPoll)
    );
    assert_eq!(run(&mut r, FOUNDER, DebateCommand::End), Ok(()));
    assert_eq!(run(&mut r, FOUNDER, start), Err(DebateError::Running));
    assert_eq!(
        run(&mut r, FOUNDER, DebateCommand::Next),
        Err(DebateError::NoDebate)
    );
}

#[test]
fn end_opens_a_weighted_poll_whose_close_leaves_the_summary() {
    let now = Utc::now();
    let mut r = debate_room(now);
    start(&mut r, 60, now);
    assert_eq!(
        r.debate_vote(&w(30), DebateSide::Yes),
        Err(VoteError::NoPoll)
    );
    let t1 = now + Duration::seconds(20);
    command(&mut r, DebateCommand::Next, t1);
    let t2 = now + Duration::seconds(50);
    let outcome = command(&mut r, DebateCommand::End, t2);
    let closes = t2 + Duration::seconds(POLL_SECONDS);
    assert_eq!(
        outcome.events,
        vec![RoomEvent::DebatePoll { closes_at: closes }]
    );
    assert!(outcome.resumed.is_empty() && outcome.paused.is_empty());
    assert!(r.set_muted(&w(21), false).is_ok(), "the poll holds nobody");
    let view = r.debate().unwrap().view();
    assert_eq!(view.turn, None);
    assert_eq!(view.poll.unwrap().closes_at, rfc3339(closes));
    assert_eq!(
        r.debate_vote(&w(FOUNDER), DebateSide::Yes),
        Err(VoteError::Host)
    );
    assert_eq!(
        r.debate_vote(&w(CO_HOST), DebateSide::No),
        Err(VoteError::Host)
    );
    assert_eq!(r.debate_vote(&w(99), DebateSide::No), Err(VoteError::NotIn));
    r.debate_vote(&w(30), DebateSide::No).unwrap();
    r.debate_vote(&w(30), DebateSide::Yes).unwrap();
    r.debate_vote(&w(31), DebateSide::No).unwrap();
    r.debate_vote(&w(20), DebateSide::No).unwrap();
    assert_eq!(r.debate().unwrap().poll().unwrap().voters(), 3);
    assert!(r
        .debate_tick(closes - Duration::seconds(1))
        .events
        .is_empty());
    let outcome = r.debate_tick(closes);
    let summary = outcome.summary.expect("the poll closed");
    assert_eq!(
        outcome.events,
        vec![RoomEvent::DebateEnded(summary.clone())]
    );
    assert!(r.debate().is_none(), "the debate is over");
    assert_eq!(summary.id, "d1");
    assert_eq!(summary.market_address, w(200));
    assert_eq!(summary.started_at, rfc3339(now));
    assert_eq!(summary.ended_at, rfc3339(t2));
    assert_eq!(summary.turn_seconds, 60);
    let turns: Vec<_> = summary
        .turns
        .iter()
        .map(|t| (t.side, t.wallet_address.clone(), t.seconds))
        .collect();
    assert_eq!(
        turns,
        vec![
            (DebateSide::Yes, w(10), 20.0),
            (DebateSide::No, w(20), 30.0)
        ]
    );
    assert_eq!(
        (summary.speaking_seconds.yes, summary.speaking_seconds.no),
        (20.0, 30.0)
    );
    let poll = summary.poll;
    assert_eq!((poll.yes.votes, poll.yes.weight), (1, 30.0));
    assert_eq!(
        (poll.no.votes, poll.no.weight),
        (2, 20.0),
        "31 holds nothing"
    );
    assert_eq!(
        poll.winner,
        Some(DebateSide::Yes),
        "by weight, not by votes"
    );
}

#[test]
fn close_poll_ends_it_early_and_a_tie_has_no_winner() {
    let now = Utc::now();
    let mut r = debate_room(now);
    start(&mut r, 60, now);
    command(&mut r, DebateCommand::End, now);
    let outcome = command(&mut r, DebateCommand::ClosePoll, now);
    let summary = outcome.summary.unwrap();
    assert_eq!(summary.poll.winner, None);
    assert_eq!(summary.poll.yes.votes + summary.poll.no.votes, 0);
    assert!(r.debate().is_none());
    start(&mut r, 60, now);
    assert!(r.debate().is_some(), "a new debate may start");
}

#[test]
fn the_summary_and_the_view_serialize_as_the_contract_says() {
    let now = DateTime::parse_from_rfc3339("2026-12-03T18:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let mut r = debate_room(now);
    start(&mut r, 90, now);
    let view = serde_json::to_value(r.debate().unwrap().view()).unwrap();
    assert_eq!(
        view,
        serde_json::json!({"turnSeconds": 90, "startedAt": "2026-12-03T18:00:00.000Z",
            "turn": {"side": "YES", "walletAddress": w(10).as_str(),
                     "endsAt": "2026-12-03T18:01:30.000Z", "turn": 1},
            "floorOpen": false, "poll": null})
    );
    command(
        &mut r,
        DebateCommand::End,
        now + Duration::milliseconds(1500),
    );
    let summary = command(&mut r, DebateCommand::ClosePoll, now)
        .summary
        .unwrap();
    let json = serde_json::to_value(&summary).unwrap();
    assert_eq!(json["turns"][0]["seconds"], 1.5);
    assert_eq!(
        json["speakingSeconds"],
        serde_json::json!({"yes": 1.5, "no": 0.0})
    );
    assert_eq!(
        json["poll"],
        serde_json::json!({"yes": {"votes": 0, "weight": 0.0}, "no": {"votes": 0, "weight": 0.0}, "winner": null})
    );
    let back: DebateSummary = serde_json::from_value(json).unwrap();
    assert_eq!(back, summary, "the store reads back what it wrote");
}
