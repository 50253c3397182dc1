//! The room state machine (`rooms::Room`) under arbitrary command
//! sequences: joins, leaves, mutes, hands, grants, revokes, kicks, mute-all,
//! settings changes, co-hosts, the host role, reservations, invitations to
//! speak (their answers and expiry), reactions, debate
//! commands and votes, by any of eight wallets (the founder, members and
//! strangers, holding YES, NO or nothing), with time passing in between;
//! the debate is ticked after every command, as the room's task does.
//!
//! After every command: the refused ones and the ones that announce nothing
//! changed nothing; each accepted one did what it says, and its events
//! describe the room as it is; and the room's invariants hold
//! (`Room::check_invariants`), with a model of the moderation ledger
//! keeping the bans and joins the rules hand back.

#![no_main]

use std::collections::{HashMap, HashSet};

use arbitrary::Arbitrary;
use chrono::{DateTime, Duration, TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use pnl_voice_core::address::Address;
use pnl_voice_core::rooms::RoomDefaults;
use pnl_voice_core::rooms::{
    Ban, DebateCommand, Emoji, DebateError, DebateSide, Position, Profile, Room, RoomError, RoomEvent,
    RoomPolicy, RoomSettings, SettingsPatch, Standing, VoteError,
};

/// Wallets taking part; wallet 0 is the founder when the market has one.
const WALLETS: u8 = 8;

#[derive(Debug, Arbitrary)]
struct Scenario {
    has_founder: bool,
    /// `maxParticipants` is 1 + this % 8, so rooms fill up.
    max_participants: u8,
    ban_secs: u16,
    churn_joins: u8,
    churn_window_secs: u16,
    ops: Vec<Op>,
}

/// A wallet, by number (modulo [`WALLETS`]).
#[derive(Debug, Clone, Copy, Arbitrary)]
struct Who(u8);

#[derive(Debug, Arbitrary)]
enum Op {
    Join(Who),
    Reserve(Who),
    ClearReservations(Who),
    MuteOne(Who, Who),
    AddCoHost(Who, Who),
    RemoveCoHost(Who, Who),
    TransferHost(Who, Who),
    Leave(Who),
    Mute(Who, bool),
    RaiseHand(Who),
    LowerHand(Who),
    Grant(Who, Who),
    Revoke(Who, Who),
    Kick(Who, Who),
    MuteAll(Who),
    Settings(Who, Patch),
    Wait(u16),
    Invite(Who, Who),
    Respond(Who, bool),
    ExpireInvitations,
    React(Who, u8),
    /// A debate command: which one (modulo 6) and a turn length.
    Debate(Who, u8, u16),
    /// A vote for YES (`true`) or NO.
    Vote(Who, bool),
}

/// A settings change; `u16` values reach both sides of every range.
#[derive(Debug, Arbitrary)]
struct Patch {
    max_participants: Option<u16>,
    speaker_only: Option<bool>,
    auto_destroy: Option<bool>,
    destroy_after_minutes: Option<u16>,
}

impl Patch {
    fn settings_patch(&self) -> SettingsPatch {
        SettingsPatch {
            max_participants: self.max_participants.map(u32::from),
            speaker_only: self.speaker_only,
            auto_destroy: self.auto_destroy,
            destroy_after_minutes: self.destroy_after_minutes.map(u32::from),
        }
    }
}

fn wallet(who: Who) -> Address {
    Address::from_bytes([who.0 % WALLETS + 1; 32])
}

/// What market data says of a wallet: YES, NO or nothing, by its number.
fn profile(who: Who) -> Profile {
    let n = who.0 % WALLETS;
    let position = [Position::Yes, Position::No, Position::None][usize::from(n % 3)];
    Profile {
        position,
        position_size: if position == Position::None {
            0.0
        } else {
            f64::from(n) * 1.5
        },
    }
}

/// The debate command `which` names (a start with `secs` in range).
fn debate_command(which: u8, secs: u16) -> DebateCommand {
    match which % 6 {
        0 => DebateCommand::Start {
            turn_seconds: 15 + u32::from(secs) % 586,
        },
        1 => DebateCommand::Next,
        2 => DebateCommand::End,
        3 => DebateCommand::OpenFloor,
        4 => DebateCommand::CloseFloor,
        _ => DebateCommand::ClosePoll,
    }
}

/// The moderation ledger as the server keeps it: bans, and joins per wallet.
#[derive(Default)]
struct Ledger {
    bans: HashMap<Address, DateTime<Utc>>,
    joins: HashMap<Address, Vec<DateTime<Utc>>>,
}

impl Ledger {
    fn standing(&self, wallet: &Address, policy: &RoomPolicy, now: DateTime<Utc>) -> Standing {
        let recent = self.joins.get(wallet).map_or(0, |times| {
            times
                .iter()
                .filter(|t| now - **t < policy.churn_window)
                .count()
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

/// The rule a command broke.
#[derive(Debug)]
enum Refusal {
    /// The room's rules.
    Rules(RoomError),
    /// The debate's.
    Debate,
    /// The poll's.
    Vote,
}

impl From<RoomError> for Refusal {
    fn from(e: RoomError) -> Self {
        Self::Rules(e)
    }
}

impl From<DebateError> for Refusal {
    fn from(_: DebateError) -> Self {
        Self::Debate
    }
}

impl From<VoteError> for Refusal {
    fn from(_: VoteError) -> Self {
        Self::Vote
    }
}

/// What a command returned: its events, or the rule it broke.
type Outcome = Result<Vec<RoomEvent>, Refusal>;

fuzz_target!(|scenario: Scenario| {
    let founder = scenario.has_founder.then(|| wallet(Who(0)));
    let defaults = RoomDefaults {
        max_participants: 1 + u32::from(scenario.max_participants % 8),
        ..RoomDefaults::default()
    };
    let policy = RoomPolicy {
        ban: Duration::seconds(scenario.ban_secs.into()),
        churn_joins: u32::from(scenario.churn_joins % 8),
        churn_window: Duration::seconds(scenario.churn_window_secs.into()),
        reservations: defaults.policy().reservations,
        invitation: defaults.policy().invitation,
    };
    let mut now = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
    let settings = RoomSettings::for_new_room(&defaults, founder.is_some());
    let mut room = Room::new(
        Address::from_bytes([200; 32]),
        founder,
        settings,
        policy.clone(),
        now,
    );
    let mut ledger = Ledger::default();
    for op in &scenario.ops {
        let before = room.clone();
        let outcome = apply(&mut room, &mut ledger, op, &mut now, &policy);
        match &outcome {
            Err(Refusal::Rules(RoomError::Churning { until, .. })) => {
                assert_eq!(
                    *until,
                    now + policy.ban,
                    "churning bans for the policy's time"
                );
                assert_eq!(room, before, "a churning join changed the room");
            }
            Err(_) => assert_eq!(room, before, "a refused {op:?} changed the room"),
            // Reservations change the room without an event to members.
            // So do votes (the poll is announced when it closes).
            Ok(_) if matches!(op, Op::Reserve(_) | Op::ClearReservations(_) | Op::Vote(..)) => {}
            Ok(events) if events.is_empty() => {
                assert_eq!(room, before, "{op:?} changed the room without a word")
            }
            Ok(events) => check_events(&room, events),
        }
        let ticked = room.debate_tick(now);
        for w in &ticked.paused {
            assert_eq!(room.is_muted(w), Ok(true), "the debate's paused are muted");
        }
        check_events(&room, &ticked.events);
        assert_eq!(
            room.check_invariants(now, |w| ledger.bans.get(w).copied()),
            Ok(()),
            "after {op:?}: {room:?}"
        );
    }
});

/// Runs `op`, checking what each accepted command promises.
fn apply(
    room: &mut Room,
    ledger: &mut Ledger,
    op: &Op,
    now: &mut DateTime<Utc>,
    policy: &RoomPolicy,
) -> Outcome {
    match *op {
        Op::Join(who) => {
            let w = wallet(who);
            let held = room.reservation(&w, *now).is_some_and(|r| r.holds_place);
            let before = room.len() + room.held_places(*now) - usize::from(held);
            let host_level = room.is_host_level(&w);
            let standing = ledger.standing(&w, policy, *now);
            let joined = room.join(&w, profile(who), &standing, *now);
            if let Err(RoomError::Churning { until, .. }) = joined {
                ledger.ban(Ban {
                    wallet: w.clone(),
                    until,
                });
            }
            let (view, events) = joined?;
            ledger.joins.entry(w.clone()).or_default().push(*now);
            assert!(
                room.reservation(&w, *now).is_none(),
                "a join uses its reservation"
            );
            assert!(
                host_level || before < room.settings().max_participants as usize,
                "a join never overfills, but for the founder and co-hosts"
            );
            assert!(view.is_muted && !view.hand_raised, "everyone joins muted");
            assert_eq!(Some(&view), room.view_of(&w).as_ref());
            Ok(events)
        }
        Op::Leave(who) => {
            let (gone, events) = room.leave(&wallet(who))?;
            assert!(room.get(&gone.wallet).is_none());
            Ok(events)
        }
        Op::Mute(who, muted) => {
            let events = room.set_muted(&wallet(who), muted)?;
            assert_eq!(room.is_muted(&wallet(who)), Ok(muted));
            Ok(events)
        }
        Op::RaiseHand(who) => {
            let w = wallet(who);
            let (place, events) = room.raise_hand(&w)?;
            assert_eq!(room.speaker_queue().get(place - 1), Some(&w), "its place");
            Ok(events)
        }
        Op::LowerHand(who) => {
            let events = room.lower_hand(&wallet(who))?;
            assert!(!room.speaker_queue().contains(&wallet(who)));
            Ok(events)
        }
        Op::Grant(actor, target) => {
            let (t, was_speaker) = (wallet(target), room.view_of(&wallet(target)));
            let events = room.grant(&wallet(actor), &t)?;
            let view = room.view_of(&t).expect("granted inside");
            assert!(view.is_speaker && !view.hand_raised);
            if was_speaker.is_some_and(|v| !v.is_speaker) {
                assert!(view.is_muted, "a granted speaker starts muted");
            }
            Ok(events)
        }
        Op::Revoke(actor, target) => {
            let t = wallet(target);
            let (silenced, events) = room.revoke(&wallet(actor), &t)?;
            let view = room.view_of(&t).expect("revoked inside");
            assert!(!view.is_speaker && view.is_muted);
            assert!(silenced.iter().all(|s| *s == t));
            Ok(events)
        }
        Op::Kick(actor, target) => {
            let t = wallet(target);
            let (gone, ban, events) = room.kick(&wallet(actor), &t, *now)?;
            assert!(gone.wallet == t && room.get(&t).is_none());
            assert_eq!(
                ban,
                Ban {
                    wallet: t,
                    until: *now + policy.ban
                }
            );
            ledger.ban(ban);
            Ok(events)
        }
        Op::MuteAll(actor) => {
            let live_before: HashSet<Address> = live_speakers(room).collect();
            let (muted, events) = room.mute_all(&wallet(actor))?;
            assert_eq!(muted.into_iter().collect::<HashSet<_>>(), live_before);
            assert_eq!(
                live_speakers(room).count(),
                0,
                "mute_all leaves no one live"
            );
            Ok(events)
        }
        Op::Settings(actor, ref patch) => {
            let patch = patch.settings_patch();
            let expected = room.settings().patched(&patch);
            let (silenced, events) = room.update_settings(&wallet(actor), &patch)?;
            assert_eq!(Ok(room.settings()), expected.as_ref());
            for s in &silenced {
                let view = room.view_of(s).expect("silenced inside");
                assert!(!view.is_speaker && view.is_muted);
            }
            Ok(events)
        }
        Op::Reserve(who) => {
            let w = wallet(who);
            let had = room.reservation(&w, *now);
            let standing = ledger.standing(&w, policy, *now);
            let r = room.reserve(&w, &standing, *now)?;
            assert!(
                standing.banned_at(*now).is_none(),
                "a banned wallet reserves nothing"
            );
            if let Some(had) = had {
                assert_eq!(had, r, "a reservation is never renewed");
            }
            Ok(Vec::new())
        }
        Op::ClearReservations(actor) => {
            room.clear_reservations(&wallet(actor), *now)?;
            assert_eq!(room.held_places(*now), 0);
            Ok(Vec::new())
        }
        Op::MuteOne(actor, target) => {
            let t = wallet(target);
            let (_, events) = room.mute(&wallet(actor), &t)?;
            assert_eq!(room.is_muted(&t), Ok(true));
            Ok(events)
        }
        Op::AddCoHost(actor, target) => {
            let t = wallet(target);
            let events = room.add_co_host(&wallet(actor), &t)?;
            assert!(room
                .view_of(&t)
                .is_some_and(|v| v.is_co_host && v.is_speaker));
            Ok(events)
        }
        Op::RemoveCoHost(actor, target) => {
            let t = wallet(target);
            let events = room.remove_co_host(&wallet(actor), &t)?;
            assert!(!room.co_hosts().contains(&t));
            Ok(events)
        }
        Op::TransferHost(actor, target) => {
            let t = wallet(target);
            let events = room.transfer_host(&wallet(actor), &t)?;
            assert_eq!(room.host(), Some(&t));
            Ok(events)
        }
        Op::Wait(secs) => {
            *now += Duration::seconds(secs.into());
            Ok(Vec::new())
        }
        Op::Invite(actor, target) => {
            let t = wallet(target);
            let events = room.invite_speaker(&wallet(actor), &t, *now)?;
            assert_eq!(room.invitation(&t), Some(*now + policy.invitation));
            assert!(room.may_produce(&t).is_err(), "only listeners are invited");
            Ok(events)
        }
        Op::Respond(who, accept) => {
            let w = wallet(who);
            let events = room.respond_to_invite(&w, accept, *now)?;
            assert_eq!(room.invitation(&w), None, "an answer ends the invitation");
            assert_eq!(room.may_produce(&w).is_ok(), accept, "accepting is a grant");
            Ok(events)
        }
        Op::ExpireInvitations => {
            let events = room.expire_invitations(*now);
            assert!(room.next_invitation_expiry().is_none_or(|at| at > *now));
            Ok(events)
        }
        Op::React(who, n) => {
            let emoji = Emoji::ALL[usize::from(n) % Emoji::ALL.len()];
            Ok(vec![room.react(&wallet(who), emoji, *now)?])
        }
        Op::Debate(actor, which, secs) => {
            let a = wallet(actor);
            let command = debate_command(which, secs);
            let outcome = room.debate_command(&a, command, "fuzz".into(), *now)?;
            assert!(room.is_host_level(&a), "only the host runs a debate");
            for w in &outcome.paused {
                assert_eq!(room.is_muted(w), Ok(true), "the debate's paused are muted");
            }
            Ok(outcome.events)
        }
        Op::Vote(who, yes) => {
            let side = if yes { DebateSide::Yes } else { DebateSide::No };
            let w = wallet(who);
            room.debate_vote(&w, side)?;
            assert!(!room.is_host_level(&w), "the host does not vote");
            Ok(Vec::new())
        }
    }
}

/// Unmuted speakers other than the founder and co-hosts.
fn live_speakers(room: &Room) -> impl Iterator<Item = Address> + '_ {
    room.views()
        .into_iter()
        .filter(|v| v.is_speaker && !v.is_muted && !v.is_founder && !v.is_co_host)
        .map(|v| v.wallet_address)
}

/// Events describe the room as it is after them.
fn check_events(room: &Room, events: &[RoomEvent]) {
    let last_queue = events.iter().rev().find_map(|e| match e {
        RoomEvent::HandRaised { queue, .. } | RoomEvent::HandLowered { queue, .. } => Some(queue),
        _ => None,
    });
    if let Some(queue) = last_queue {
        assert_eq!(
            *queue,
            room.speaker_queue(),
            "the queue announced is the queue"
        );
    }
    for event in events {
        match event {
            RoomEvent::UserJoined(view) => {
                assert_eq!(Some(view), room.view_of(&view.wallet_address).as_ref())
            }
            RoomEvent::UserLeft(w) => assert!(room.get(w).is_none()),
            RoomEvent::SettingsChanged(settings) => assert_eq!(settings, room.settings()),
            RoomEvent::HostsChanged { host, co_hosts } => {
                assert_eq!(host.as_ref(), room.host());
                assert_eq!(*co_hosts, room.co_hosts());
            }
            RoomEvent::SpeakerInvited { wallet, expires_at } => {
                assert_eq!(room.invitation(wallet), Some(*expires_at));
                assert!(room.view_of(wallet).is_some_and(|v| v.invited));
            }
            RoomEvent::InviteDeclined { wallet, .. } => {
                assert_eq!(room.invitation(wallet), None);
                assert!(room.view_of(wallet).is_some_and(|v| !v.invited));
            }
            RoomEvent::Reaction { wallet, side, .. } => {
                let sender = room.get(wallet).expect("members react");
                assert_eq!(sender.profile.position, *side, "the side of the badge");
            }
            _ => {}
        }
    }
}
