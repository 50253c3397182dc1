//! Property tests: any sequence of joins, leaves, grants, revokes, kicks,
//! mutes, hand raises and settings changes keeps the room's invariants,
//! with a model of the moderation ledger keeping the bans and joins the
//! rules hand back (as the server's ledger does).

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
}

fn op() -> impl Strategy<Value = Op> {
    let wallet = 0..WALLETS;
    let actor = prop_oneof![3 => Just(0u8), 1 => 0..WALLETS];
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
        1 => (actor, proptest::option::of(any::<bool>()), proptest::option::of(1u32..8))
            .prop_map(|(a, s, m)| Op::Settings(a, s, m)),
        2 => (1i64..700).prop_map(Op::Wait),
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
            let before = room.len();
            let standing = ledger.standing(&w(n), room.policy().churn_window, *now);
            match room.join(&w(n), Profile::none(), 0, &standing, *now) {
                Ok(_) => {
                    assert!(
                        before < room.settings().max_participants as usize,
                        "a join never overfills"
                    );
                    ledger.joins.entry(w(n)).or_default().push(*now);
                }
                Err(RoomError::Churning(until)) => ledger.ban(Ban {
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
        Op::Revoke(a, n) => drop(room.revoke(&w(a), &w(n))),
        Op::Kick(a, n) => {
            if let Ok((_, ban, _)) = room.kick(&w(a), &w(n), *now) {
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
                        v.is_founder || !v.is_speaker || v.is_muted,
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
