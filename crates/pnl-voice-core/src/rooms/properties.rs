//! Property tests: any sequence of joins, leaves, grants, revokes, kicks,
//! mutes, hand raises, settings changes, co-host and host changes,
//! reservations, invitations to speak (and their answers and expiry) and
//! reactions keeps the room's invariants, with a model of the
//! moderation ledger keeping the bans and joins the rules hand back (as the
//! server's ledger does).

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
    Join(u8),
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
}

fn op() -> impl Strategy<Value = Op> {
    let wallet = 0..WALLETS;
    let actor = prop_oneof![3 => Just(0u8), 2 => 0..WALLETS];
    prop_oneof![
        4 => wallet.clone().prop_map(Op::Join),
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
        3 => (actor, wallet.clone()).prop_map(|(a, b)| Op::Invite(a, b)),
        2 => (wallet.clone(), any::<bool>()).prop_map(|(a, b)| Op::Respond(a, b)),
        1 => Just(Op::ExpireInvitations),
        2 => wallet.prop_map(Op::React),
    ]
}

/// The moderation ledger as the server keeps it: bans, and joins per wallet.
#[derive(Debug, Default)]
struct Ledger {
    bans: HashMap<Address, DateTime<Utc>>,
    joins: HashMap<Address, Vec<DateTime<Utc>>>,
}

impl Ledger {
    fn standing(&self, wallet: &Address, window: Duration, now: DateTime<Utc>) -> Standing {
        let recent = self.joins.get(wallet).map_or(0, |times| {
            times.iter().filter(|t| now - **t < window).count()
        });
        Standing {
            banned_until: self.bans.get(wallet).copied(),
            recent_joins: recent as u32,
        }
    }

    fn ban(&mut self, ban: Ban) {
        self.joins.remove(&ban.wallet);
        self.bans.insert(ban.wallet, ban.until);
    }
}

fn apply(room: &mut Room, ledger: &mut Ledger, op: &Op, now: &mut DateTime<Utc>) {
    match *op {
        Op::Join(n) => {
            let before = room.len() + room.held_places(*now);
            let held = room.reservation(&w(n), *now).is_some_and(|r| r.holds_place);
            let host_level = room.is_host_level(&w(n));
            let standing = ledger.standing(&w(n), room.policy().churn_window, *now);
            match room.join(&w(n), Profile::none(), &standing, *now) {
                Ok(_) => {
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
