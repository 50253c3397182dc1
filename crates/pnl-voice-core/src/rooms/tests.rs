use chrono::{Duration, Utc};

use super::RoomDefaults;
use super::*;
use crate::address::Address;

fn w(n: u8) -> Address {
    Address::from_bytes([n; 32])
}

const FOUNDER: u8 = 1;

fn room_with(founder: Option<Address>, max: u32) -> Room {
    let defaults = RoomDefaults {
        max_participants: max,
        ..RoomDefaults::default()
    };
    let settings = RoomSettings::for_new_room(&defaults, founder.is_some());
    Room::new(w(200), founder, settings, defaults.policy(), Utc::now())
}

/// A founder-run room with the founder and wallets `others` inside.
fn room(others: &[u8]) -> Room {
    let mut r = room_with(Some(w(FOUNDER)), 50);
    for n in std::iter::once(&FOUNDER).chain(others) {
        r.join(&w(*n), Profile::none(), &Standing::default(), Utc::now())
            .unwrap();
    }
    r
}

fn join(r: &mut Room, n: u8) -> Result<ParticipantView, RoomError> {
    r.join(&w(n), Profile::none(), &Standing::default(), Utc::now())
        .map(|(v, _)| v)
}

#[test]
fn everyone_joins_muted_in_order_and_others_hear_of_it() {
    let mut r = room_with(Some(w(FOUNDER)), 50);
    let (_, events) = r
        .join(&w(2), Profile::none(), &Standing::default(), Utc::now())
        .unwrap();
    assert!(matches!(&events[..], [RoomEvent::UserJoined(v)] if v.wallet_address == w(2)));
    let founder = join(&mut r, FOUNDER).unwrap();
    assert!(founder.is_founder && founder.is_speaker && founder.is_muted);
    let views = r.views();
    assert_eq!(
        views
            .iter()
            .map(|v| v.wallet_address.clone())
            .collect::<Vec<_>>(),
        vec![w(2), w(1)]
    );
    assert!(views.iter().all(|v| v.is_muted && !v.hand_raised));
}

#[test]
fn with_a_founder_only_the_founder_and_granted_speakers_produce() {
    let mut r = room(&[2, 3]);
    assert!(r.settings().speaker_only);
    assert_eq!(r.may_produce(&w(FOUNDER)), Ok(()));
    assert_eq!(r.may_produce(&w(2)), Err(RoomError::NotSpeaker));
    assert_eq!(r.may_produce(&w(9)), Err(RoomError::NotIn));
    r.grant(&w(FOUNDER), &w(2)).unwrap();
    assert_eq!(r.may_produce(&w(2)), Ok(()));
    assert_eq!(r.speaker_count(), 2);
}

#[test]
fn without_a_founder_everyone_may_speak_and_nobody_moderates() {
    let mut r = room_with(None, 50);
    assert!(!r.settings().speaker_only);
    join(&mut r, 2).unwrap();
    join(&mut r, 3).unwrap();
    assert_eq!(r.may_produce(&w(2)), Ok(()));
    assert_eq!(r.raise_hand(&w(2)).unwrap_err(), RoomError::AlreadySpeaker);
    assert_eq!(
        r.kick(&w(2), &w(3), Utc::now()).unwrap_err(),
        RoomError::NotModerator
    );
    assert_eq!(r.mute_all(&w(2)).unwrap_err(), RoomError::NotModerator);
    assert_eq!(r.end_room(&w(2)).unwrap_err(), RoomError::NotHost);
    assert_eq!(r.host(), None);
}

#[test]
fn a_full_room_and_a_double_join_are_refused() {
    let mut r = room_with(None, 2);
    join(&mut r, 1).unwrap();
    assert_eq!(join(&mut r, 1), Err(RoomError::AlreadyIn));
    join(&mut r, 2).unwrap();
    assert_eq!(join(&mut r, 3), Err(RoomError::Full));
    r.leave(&w(1)).unwrap();
    join(&mut r, 3).unwrap();
    assert_eq!(r.len(), 2);
}

#[test]
fn reservations_count_against_the_size() {
    let mut r = room_with(None, 2);
    let now = Utc::now();
    join(&mut r, 1).unwrap();
    assert!(
        r.reserve(&w(3), &Standing::default(), now)
            .unwrap()
            .holds_place
    );
    assert_eq!(
        r.join(&w(2), Profile::none(), &Standing::default(), now)
            .unwrap_err(),
        RoomError::Full
    );
    assert!(r
        .join(&w(3), Profile::none(), &Standing::default(), now)
        .is_ok());
}

#[test]
fn mute_changes_are_reported_once() {
    let mut r = room(&[]);
    assert_eq!(r.set_muted(&w(FOUNDER), true), Ok(vec![]));
    let events = r.set_muted(&w(FOUNDER), false).unwrap();
    assert_eq!(
        events,
        vec![RoomEvent::UserMuted {
            wallet: w(FOUNDER),
            muted: false
        }]
    );
    assert_eq!(r.is_muted(&w(FOUNDER)), Ok(false));
    assert_eq!(r.set_muted(&w(9), false), Err(RoomError::NotIn));
}

#[test]
fn listeners_cannot_unmute_so_no_one_is_live_on_getting_the_floor() {
    let mut r = room(&[2]);
    assert_eq!(r.set_muted(&w(2), false), Err(RoomError::NotSpeaker));
    assert_eq!(
        r.set_muted(&w(2), true),
        Ok(vec![]),
        "muting is always fine"
    );
    let open = SettingsPatch {
        speaker_only: Some(false),
        ..Default::default()
    };
    r.update_settings(&w(FOUNDER), &open).unwrap();
    let view = r.view_of(&w(2)).unwrap();
    assert!(
        view.is_speaker && view.is_muted,
        "the open floor starts muted"
    );
    assert_eq!(r.set_muted(&w(2), false).unwrap().len(), 1);
}

#[test]
fn the_hand_queue_is_fifo_idempotent_and_for_listeners_only() {
    let mut r = room(&[2, 3, 4]);
    assert_eq!(r.raise_hand(&w(3)).unwrap().0, 1);
    assert_eq!(r.raise_hand(&w(2)).unwrap().0, 2);
    let (again, events) = r.raise_hand(&w(3)).unwrap();
    assert_eq!(
        (again, events),
        (1, vec![]),
        "raising twice changes nothing"
    );
    assert_eq!(r.speaker_queue(), vec![w(3), w(2)]);
    assert!(r.view_of(&w(3)).unwrap().hand_raised);
    assert_eq!(
        r.raise_hand(&w(FOUNDER)).unwrap_err(),
        RoomError::AlreadySpeaker
    );
    assert_eq!(r.raise_hand(&w(9)).unwrap_err(), RoomError::NotIn);

    let events = r.lower_hand(&w(3)).unwrap();
    assert_eq!(
        events,
        vec![RoomEvent::HandLowered {
            wallet: w(3),
            queue: vec![w(2)]
        }]
    );
    assert_eq!(
        r.lower_hand(&w(3)).unwrap(),
        vec![],
        "lowering twice changes nothing"
    );
    assert_eq!(r.raise_hand(&w(4)).unwrap().0, 2);
}

#[test]
fn granting_takes_the_wallet_off_the_queue_and_keeps_it_muted() {
    let mut r = room(&[2, 3]);
    r.raise_hand(&w(2)).unwrap();
    r.raise_hand(&w(3)).unwrap();
    let events = r.grant(&w(FOUNDER), &w(2)).unwrap();
    assert_eq!(
        events,
        vec![
            RoomEvent::HandLowered {
                wallet: w(2),
                queue: vec![w(3)]
            },
            RoomEvent::SpeakerGranted(w(2)),
        ]
    );
    let view = r.view_of(&w(2)).unwrap();
    assert!(view.is_speaker && view.is_muted && !view.hand_raised);
    assert_eq!(
        r.grant(&w(FOUNDER), &w(2)).unwrap(),
        vec![],
        "granting twice changes nothing"
    );
    assert_eq!(r.raise_hand(&w(2)).unwrap_err(), RoomError::AlreadySpeaker);
}

#[test]
fn only_moderators_moderate_and_never_the_founder() {
    let mut r = room(&[2, 3]);
    let now = Utc::now();
    assert_eq!(r.grant(&w(2), &w(3)).unwrap_err(), RoomError::NotModerator);
    assert_eq!(r.revoke(&w(2), &w(3)).unwrap_err(), RoomError::NotModerator);
    assert_eq!(
        r.kick(&w(2), &w(3), now).unwrap_err(),
        RoomError::NotModerator
    );
    assert_eq!(r.mute(&w(2), &w(3)).unwrap_err(), RoomError::NotModerator);
    assert_eq!(r.mute_all(&w(2)).unwrap_err(), RoomError::NotModerator);
    assert_eq!(
        r.clear_reservations(&w(2), now).unwrap_err(),
        RoomError::NotModerator
    );
    assert_eq!(
        r.mute(&w(FOUNDER), &w(FOUNDER)).unwrap_err(),
        RoomError::TargetIsFounder
    );
    let patch = SettingsPatch::default();
    assert_eq!(
        r.update_settings(&w(2), &patch).unwrap_err(),
        RoomError::NotFounder
    );
    assert_eq!(
        r.kick(&w(FOUNDER), &w(FOUNDER), now).unwrap_err(),
        RoomError::TargetIsFounder
    );
    assert_eq!(
        r.revoke(&w(FOUNDER), &w(FOUNDER)).unwrap_err(),
        RoomError::TargetIsFounder
    );
    assert_eq!(
        r.grant(&w(FOUNDER), &w(9)).unwrap_err(),
        RoomError::TargetNotIn
    );
    assert_eq!(
        r.kick(&w(FOUNDER), &w(9), now).unwrap_err(),
        RoomError::TargetNotIn
    );
}

#[test]
fn revoking_silences_and_mutes() {
    let mut r = room(&[2]);
    r.grant(&w(FOUNDER), &w(2)).unwrap();
    r.set_muted(&w(2), false).unwrap();
    let (silenced, events) = r.revoke(&w(FOUNDER), &w(2)).unwrap();
    assert_eq!(silenced, vec![w(2)]);
    assert_eq!(events, vec![RoomEvent::SpeakerRevoked(w(2))]);
    assert_eq!(r.may_produce(&w(2)), Err(RoomError::NotSpeaker));
    assert_eq!(r.is_muted(&w(2)), Ok(true));
    assert_eq!(
        r.revoke(&w(FOUNDER), &w(2)).unwrap(),
        (vec![], vec![]),
        "revoking twice changes nothing"
    );
}

#[test]
fn a_kick_removes_and_bans_for_the_policy_time() {
    let mut r = room(&[2, 3]);
    r.raise_hand(&w(2)).unwrap();
    let now = Utc::now();
    let (gone, ban, events) = r.kick(&w(FOUNDER), &w(2), now).unwrap();
    assert_eq!(gone.wallet, w(2));
    let until = now + Duration::minutes(10);
    assert_eq!(
        ban,
        Ban {
            wallet: w(2),
            until
        },
        "the ban is handed back to keep"
    );
    assert!(matches!(&events[0], RoomEvent::Kicked { wallet, .. } if *wallet == w(2)));
    assert!(events.contains(&RoomEvent::UserLeft(w(2))));
    assert!(events.contains(&RoomEvent::HandLowered {
        wallet: w(2),
        queue: vec![]
    }));
    assert!(r.get(&w(2)).is_none() && r.speaker_queue().is_empty());
    let standing = Standing {
        banned_until: Some(ban.until),
        recent_joins: 0,
        ..Default::default()
    };
    assert_eq!(
        r.join(
            &w(2),
            Profile::none(),
            &standing,
            now + Duration::minutes(9)
        )
        .unwrap_err(),
        RoomError::Banned {
            until,
            at: now + Duration::minutes(9)
        }
    );
    assert!(r
        .join(
            &w(2),
            Profile::none(),
            &standing,
            now + Duration::minutes(11)
        )
        .is_ok());
}

#[test]
fn mute_all_mutes_every_live_speaker_but_the_founder() {
    let mut r = room(&[2, 3, 4]);
    r.grant(&w(FOUNDER), &w(2)).unwrap();
    r.grant(&w(FOUNDER), &w(3)).unwrap();
    r.set_muted(&w(FOUNDER), false).unwrap();
    r.set_muted(&w(2), false).unwrap();
    let (muted, events) = r.mute_all(&w(FOUNDER)).unwrap();
    assert_eq!(muted, vec![w(2)]);
    assert_eq!(
        events,
        vec![RoomEvent::UserMuted {
            wallet: w(2),
            muted: true
        }]
    );
    assert_eq!(r.is_muted(&w(FOUNDER)), Ok(false));
    assert_eq!(
        r.set_muted(&w(2), false).unwrap().len(),
        1,
        "they may unmute themselves"
    );
}

#[test]
fn a_wallet_that_joined_too_often_within_the_window_is_banned() {
    let mut r = room_with(None, 50);
    let t0 = Utc::now();
    let often = Standing {
        banned_until: None,
        recent_joins: 6,
        ..Default::default()
    };
    assert_eq!(
        r.join(&w(2), Profile::none(), &often, t0).unwrap_err(),
        RoomError::Churning {
            until: t0 + Duration::minutes(10),
            at: t0
        }
    );
    assert!(r.get(&w(2)).is_none(), "refused: the room is unchanged");
    let banned = Standing {
        banned_until: Some(t0 + Duration::minutes(10)),
        recent_joins: 0,
        ..Default::default()
    };
    assert!(matches!(
        r.join(&w(2), Profile::none(), &banned, t0 + Duration::seconds(1)),
        Err(RoomError::Banned { .. })
    ));
    let calm = Standing {
        banned_until: None,
        recent_joins: 5,
        ..Default::default()
    };
    assert!(r.join(&w(2), Profile::none(), &calm, t0).is_ok());
}

#[test]
fn settings_changes_are_validated_and_take_effect() {
    let mut r = room(&[2, 3]);
    r.grant(&w(FOUNDER), &w(2)).unwrap();
    r.raise_hand(&w(3)).unwrap();
    let open = SettingsPatch {
        speaker_only: Some(false),
        ..Default::default()
    };
    let (silenced, events) = r.update_settings(&w(FOUNDER), &open).unwrap();
    assert!(silenced.is_empty());
    assert!(events.contains(&RoomEvent::HandLowered {
        wallet: w(3),
        queue: vec![]
    }));
    assert_eq!(r.may_produce(&w(3)), Ok(()));
    assert!(r.speaker_queue().is_empty());

    let closed = SettingsPatch {
        speaker_only: Some(true),
        max_participants: Some(3),
        ..Default::default()
    };
    let (silenced, _) = r.update_settings(&w(FOUNDER), &closed).unwrap();
    assert_eq!(silenced, vec![w(3)], "only the ungranted lose the floor");
    assert_eq!(r.may_produce(&w(2)), Ok(()));
    assert_eq!(join(&mut r, 4), Err(RoomError::Full));

    for bad in [
        SettingsPatch {
            max_participants: Some(0),
            ..Default::default()
        },
        SettingsPatch {
            max_participants: Some(MAX_PARTICIPANTS_CAP + 1),
            ..Default::default()
        },
        SettingsPatch {
            destroy_after_minutes: Some(MAX_DESTROY_AFTER_MINUTES + 1),
            ..Default::default()
        },
    ] {
        assert!(matches!(
            r.update_settings(&w(FOUNDER), &bad),
            Err(RoomError::InvalidSettings(_))
        ));
    }
}

#[test]
fn leaving_lowers_the_hand_and_twice_is_not_in_room() {
    let mut r = room(&[2]);
    r.raise_hand(&w(2)).unwrap();
    let (_, events) = r.leave(&w(2)).unwrap();
    assert_eq!(
        events,
        vec![
            RoomEvent::HandLowered {
                wallet: w(2),
                queue: vec![]
            },
            RoomEvent::UserLeft(w(2))
        ]
    );
    assert_eq!(r.leave(&w(2)).unwrap_err(), RoomError::NotIn);
}

#[test]
fn speaking_time_adds_up() {
    let mut r = room(&[]);
    r.add_speaking_time(&w(FOUNDER), 0.25);
    r.add_speaking_time(&w(FOUNDER), 0.25);
    r.add_speaking_time(&w(9), 1.0);
    assert_eq!(r.get(&w(FOUNDER)).unwrap().speaking_secs, 0.5);
}

#[test]
fn every_error_maps_to_its_contract_code() {
    use crate::error::{ApiError, ErrorCode};
    let now = Utc::now();
    let cases = [
        (RoomError::Full, ErrorCode::RoomFull),
        (
            RoomError::Banned {
                until: now,
                at: now,
            },
            ErrorCode::Banned,
        ),
        (
            RoomError::Churning {
                until: now,
                at: now,
            },
            ErrorCode::Banned,
        ),
        (RoomError::AlreadyIn, ErrorCode::Conflict),
        (RoomError::NotIn, ErrorCode::NotInRoom),
        (RoomError::TargetNotIn, ErrorCode::NotFound),
        (RoomError::NotSpeaker, ErrorCode::Forbidden),
        (RoomError::AlreadySpeaker, ErrorCode::Conflict),
        (RoomError::NotFounder, ErrorCode::Forbidden),
        (RoomError::NotModerator, ErrorCode::Forbidden),
        (RoomError::NotHost, ErrorCode::Forbidden),
        (RoomError::TargetIsFounder, ErrorCode::Forbidden),
        (RoomError::TargetIsHost, ErrorCode::Forbidden),
        (RoomError::NotCoHost, ErrorCode::Conflict),
        (RoomError::TooManyCoHosts(MAX_CO_HOSTS), ErrorCode::Conflict),
        (RoomError::OpenFloor, ErrorCode::Conflict),
        (
            RoomError::InvalidSettings("x".into()),
            ErrorCode::BadRequest,
        ),
    ];
    for (e, code) in cases {
        assert_eq!(ApiError::from(e).code, code);
    }
}

#[test]
fn a_room_created_again_takes_its_stored_settings_if_they_are_valid() {
    let defaults = RoomDefaults::default();
    let stored = RoomSettings {
        max_participants: 7,
        speaker_only: true,
        auto_destroy: false,
        destroy_after_minutes: 30,
    };
    assert_eq!(
        RoomSettings::restored(&defaults, true, Some(&stored)),
        stored
    );
    assert!(
        !RoomSettings::restored(&defaults, false, Some(&stored)).speaker_only,
        "nobody could grant the floor without a founder"
    );
    assert_eq!(
        RoomSettings::restored(&defaults, true, None),
        RoomSettings::for_new_room(&defaults, true)
    );
    let broken = RoomSettings {
        max_participants: 0,
        ..stored
    };
    assert_eq!(
        RoomSettings::restored(&defaults, true, Some(&broken)),
        RoomSettings::for_new_room(&defaults, true),
        "out-of-range stored settings fall back to the defaults"
    );
}

fn reserving_room(max: u32) -> Room {
    let mut r = room_with(Some(w(FOUNDER)), max);
    r.policy.reservations = ReservationPolicy {
        hold: Duration::seconds(10),
        share_percent: 10,
        cooldown: Duration::minutes(10),
    };
    r
}

#[test]
fn reservations_hold_at_most_their_share_of_the_places() {
    let mut r = reserving_room(20);
    let now = Utc::now();
    let held: Vec<bool> = (10..20)
        .map(|n| {
            r.reserve(&w(n), &Standing::default(), now)
                .unwrap()
                .holds_place
        })
        .collect();
    assert_eq!(held.iter().filter(|h| **h).count(), 2, "10% of 20");
    assert!(held[0] && held[1] && !held[2]);
    assert_eq!(r.held_places(now), 2);
    assert_eq!(r.reservation_views(now).len(), 10, "every one is listed");
    assert_eq!(ReservationPolicy::default().cap(3), 1, "at least one place");
    let off = ReservationPolicy {
        share_percent: 0,
        ..ReservationPolicy::default()
    };
    assert_eq!(off.cap(50), 0);
}

#[test]
fn held_places_count_against_ordinary_joins_but_never_the_founder() {
    let mut r = reserving_room(2);
    let now = Utc::now();
    assert!(
        r.reserve(&w(10), &Standing::default(), now)
            .unwrap()
            .holds_place
    );
    join(&mut r, 2).unwrap();
    assert_eq!(join(&mut r, 3), Err(RoomError::Full), "one place is held");
    assert_eq!(
        r.reserve(&w(11), &Standing::default(), now),
        Err(RoomError::Full)
    );
    r.join(&w(10), Profile::none(), &Standing::default(), now)
        .unwrap();
    assert_eq!(r.held_places(now), 0, "the socket took its place");
    assert_eq!(join(&mut r, 4), Err(RoomError::Full));
    let founder = join(&mut r, FOUNDER).expect("the founder always gets in");
    assert!(founder.is_founder);
    assert_eq!(r.len(), 3);
}

#[test]
fn a_full_room_still_takes_the_founder_and_co_hosts() {
    let mut r = reserving_room(2);
    join(&mut r, FOUNDER).unwrap();
    join(&mut r, 2).unwrap();
    assert_eq!(join(&mut r, 3), Err(RoomError::Full));
    r.add_co_host(&w(FOUNDER), &w(2)).unwrap();
    r.leave(&w(2)).unwrap();
    join(&mut r, 3).unwrap();
    let back = join(&mut r, 2).expect("a co-host gets in past the size");
    assert!(back.is_co_host && back.is_speaker, "and is a co-host again");
    assert_eq!(r.len(), 3);
    r.leave(&w(FOUNDER)).unwrap();
    join(&mut r, FOUNDER).expect("so does the founder");
}

#[test]
fn reservations_are_never_renewed_and_a_lapse_costs_the_place() {
    let mut r = reserving_room(50);
    let t0 = Utc::now();
    let first = r.reserve(&w(10), &Standing::default(), t0).unwrap();
    assert!(first.holds_place);
    let again = r
        .reserve(&w(10), &Standing::default(), t0 + Duration::seconds(5))
        .unwrap();
    assert_eq!(again, first, "asking again does not extend the hold");
    assert!(r.reservation(&w(10), t0 + Duration::seconds(9)).is_some());
    assert!(r.reservation(&w(10), t0 + Duration::seconds(10)).is_none());
    let later = t0 + Duration::seconds(11);
    let lapsed = r.reserve(&w(10), &Standing::default(), later).unwrap();
    assert!(!lapsed.holds_place, "no new place without joining first");
    assert_eq!(r.held_places(later), 0);
    assert!(
        r.reserve(&w(11), &Standing::default(), later)
            .unwrap()
            .holds_place,
        "the place went back to everyone"
    );
    let after = t0 + Duration::minutes(11);
    assert!(
        r.reserve(&w(10), &Standing::default(), after)
            .unwrap()
            .holds_place,
        "cool-down over"
    );
    let mut joined = reserving_room(50);
    joined.reserve(&w(12), &Standing::default(), t0).unwrap();
    joined
        .join(&w(12), Profile::none(), &Standing::default(), t0)
        .unwrap();
    joined.leave(&w(12)).unwrap();
    assert!(
        joined
            .reserve(&w(12), &Standing::default(), later)
            .unwrap()
            .holds_place,
        "a wallet whose socket joined may reserve again"
    );
}

#[test]
fn moderators_clear_reservations_and_the_wallets_hold_nothing_for_a_while() {
    let mut r = reserving_room(50);
    let now = Utc::now();
    join(&mut r, FOUNDER).unwrap();
    join(&mut r, 2).unwrap();
    r.add_co_host(&w(FOUNDER), &w(2)).unwrap();
    for n in 10..15 {
        r.reserve(&w(n), &Standing::default(), now).unwrap();
    }
    assert_eq!(r.clear_reservations(&w(2), now), Ok(5));
    assert!(r.reservation_views(now).is_empty());
    assert!(
        !r.reserve(&w(10), &Standing::default(), now)
            .unwrap()
            .holds_place
    );
    assert!(
        r.reserve(&w(20), &Standing::default(), now)
            .unwrap()
            .holds_place
    );
}

#[test]
fn a_banned_wallet_cannot_reserve() {
    let mut r = reserving_room(50);
    join(&mut r, FOUNDER).unwrap();
    join(&mut r, 2).unwrap();
    let now = Utc::now();
    let (_, ban, _) = r.kick(&w(FOUNDER), &w(2), now).unwrap();
    let standing = Standing {
        banned_until: Some(ban.until),
        recent_joins: 0,
        ..Default::default()
    };
    assert_eq!(
        r.reserve(&w(2), &standing, now),
        Err(RoomError::Banned {
            until: ban.until,
            at: now
        })
    );
    assert!(r.reservation(&w(2), now).is_none(), "refused: nothing held");
}

#[test]
fn the_founder_names_co_hosts_who_moderate_but_not_hosts() {
    let mut r = room(&[2, 3, 4, 5]);
    let now = Utc::now();
    r.raise_hand(&w(2)).unwrap();
    let events = r.add_co_host(&w(FOUNDER), &w(2)).unwrap();
    assert_eq!(
        events,
        vec![
            RoomEvent::HandLowered {
                wallet: w(2),
                queue: vec![]
            },
            RoomEvent::SpeakerGranted(w(2)),
            RoomEvent::HostsChanged {
                host: Some(w(FOUNDER)),
                co_hosts: vec![w(2)]
            },
        ]
    );
    let view = r.view_of(&w(2)).unwrap();
    assert!(view.is_co_host && view.is_speaker && !view.is_host);
    assert_eq!(
        r.add_co_host(&w(FOUNDER), &w(2)),
        Ok(vec![]),
        "twice: nothing"
    );
    r.add_co_host(&w(FOUNDER), &w(3)).unwrap();

    // A co-host grants, revokes, mutes and kicks members...
    r.grant(&w(2), &w(4)).unwrap();
    r.set_muted(&w(4), false).unwrap();
    assert_eq!(
        r.mute(&w(2), &w(4)).unwrap(),
        (
            true,
            vec![RoomEvent::UserMuted {
                wallet: w(4),
                muted: true
            }]
        )
    );
    assert_eq!(r.mute(&w(2), &w(4)).unwrap(), (false, vec![]));
    assert_eq!(
        r.set_muted(&w(4), false).unwrap().len(),
        1,
        "may unmute again"
    );
    r.revoke(&w(2), &w(4)).unwrap();
    let (_, ban, events) = r.kick(&w(2), &w(5), now).unwrap();
    assert_eq!(ban.wallet, w(5), "a co-host's kick bans too");
    assert!(matches!(&events[0], RoomEvent::Kicked { reason, .. } if reason.contains("co-host")));
    // ...never the founder nor another co-host, and manages no co-hosts.
    for e in [
        r.grant(&w(2), &w(FOUNDER)).unwrap_err(),
        r.mute(&w(2), &w(FOUNDER)).unwrap_err(),
        r.kick(&w(2), &w(FOUNDER), now).unwrap_err(),
    ] {
        assert_eq!(e, RoomError::TargetIsFounder);
    }
    for e in [
        r.mute(&w(2), &w(3)).unwrap_err(),
        r.kick(&w(2), &w(3), now).unwrap_err(),
        r.revoke(&w(2), &w(3)).unwrap_err(),
        r.revoke(&w(FOUNDER), &w(3)).unwrap_err(),
    ] {
        assert_eq!(e, RoomError::TargetIsHost);
    }
    assert_eq!(r.add_co_host(&w(2), &w(4)), Err(RoomError::NotFounder));
    assert_eq!(r.remove_co_host(&w(2), &w(3)), Err(RoomError::NotFounder));
    let patch = SettingsPatch::default();
    assert_eq!(
        r.update_settings(&w(2), &patch).unwrap_err(),
        RoomError::NotFounder
    );
    assert_eq!(r.end_room(&w(2)), Err(RoomError::NotHost));
    assert_eq!(
        r.add_co_host(&w(FOUNDER), &w(9)),
        Err(RoomError::TargetNotIn)
    );
    assert_eq!(
        r.add_co_host(&w(FOUNDER), &w(FOUNDER)),
        Err(RoomError::TargetIsFounder)
    );

    // mute_all spares the founder and co-hosts.
    r.set_muted(&w(3), false).unwrap();
    let (muted, _) = r.mute_all(&w(2)).unwrap();
    assert!(muted.is_empty());
    assert_eq!(r.is_muted(&w(3)), Ok(false));

    // The founder mutes and kicks co-hosts; a kicked co-host loses the role.
    assert!(r.mute(&w(FOUNDER), &w(3)).unwrap().0);
    let (_, ban, events) = r.kick(&w(FOUNDER), &w(3), now).unwrap();
    assert_eq!(ban.wallet, w(3), "a kicked co-host is banned as anyone");
    assert!(events.contains(&RoomEvent::HostsChanged {
        host: Some(w(FOUNDER)),
        co_hosts: vec![w(2)]
    }));
    assert_eq!(r.co_hosts(), vec![w(2)]);
}

#[test]
fn co_hosts_are_limited_and_keep_the_floor_when_removed() {
    let others: Vec<u8> = (2..=(MAX_CO_HOSTS as u8 + 2)).collect();
    let mut r = room(&others);
    for n in &others[..MAX_CO_HOSTS] {
        r.add_co_host(&w(FOUNDER), &w(*n)).unwrap();
    }
    let last = *others.last().unwrap();
    assert_eq!(
        r.add_co_host(&w(FOUNDER), &w(last)),
        Err(RoomError::TooManyCoHosts(MAX_CO_HOSTS))
    );
    let events = r.remove_co_host(&w(FOUNDER), &w(2)).unwrap();
    assert_eq!(events.len(), 1);
    let view = r.view_of(&w(2)).unwrap();
    assert!(!view.is_co_host && view.is_speaker, "still granted");
    assert_eq!(
        r.remove_co_host(&w(FOUNDER), &w(2)),
        Ok(vec![]),
        "twice: nothing"
    );
    r.revoke(&w(FOUNDER), &w(2)).expect("now it can be revoked");
}

#[test]
fn the_host_role_is_handed_to_a_co_host_and_the_founder_takes_it_back() {
    let mut r = room(&[2, 3, 4]);
    assert_eq!(r.host(), Some(&w(FOUNDER)));
    assert_eq!(
        r.transfer_host(&w(FOUNDER), &w(3)),
        Err(RoomError::NotCoHost)
    );
    r.add_co_host(&w(FOUNDER), &w(2)).unwrap();
    r.add_co_host(&w(FOUNDER), &w(3)).unwrap();
    assert_eq!(r.transfer_host(&w(2), &w(3)), Err(RoomError::NotHost));
    let events = r.transfer_host(&w(FOUNDER), &w(2)).unwrap();
    assert_eq!(
        events,
        vec![RoomEvent::HostsChanged {
            host: Some(w(2)),
            co_hosts: vec![w(2), w(3)]
        }]
    );
    assert!(r.view_of(&w(2)).unwrap().is_host);
    assert!(!r.view_of(&w(FOUNDER)).unwrap().is_host);
    // The founder leaves; the host runs the room and may end it.
    r.leave(&w(FOUNDER)).unwrap();
    assert_eq!(r.end_room(&w(2)), Ok(()));
    assert_eq!(r.end_room(&w(3)), Err(RoomError::NotHost));
    assert_eq!(r.add_co_host(&w(2), &w(4)), Err(RoomError::NotFounder));
    r.transfer_host(&w(2), &w(3)).expect("the host hands it on");
    assert_eq!(r.transfer_host(&w(2), &w(2)), Err(RoomError::NotHost));
    // Back, the founder takes the role back at any time.
    join(&mut r, FOUNDER).unwrap();
    r.transfer_host(&w(FOUNDER), &w(FOUNDER)).unwrap();
    assert_eq!(r.host(), Some(&w(FOUNDER)));
    // A co-host who loses the role hands the host role back with it.
    r.transfer_host(&w(FOUNDER), &w(3)).unwrap();
    r.remove_co_host(&w(FOUNDER), &w(3)).unwrap();
    assert_eq!(r.host(), Some(&w(FOUNDER)));
}

#[test]
fn a_co_host_who_leaves_is_one_again_on_return() {
    let mut r = room(&[2]);
    r.add_co_host(&w(FOUNDER), &w(2)).unwrap();
    r.leave(&w(2)).unwrap();
    assert_eq!(r.co_hosts(), vec![w(2)], "the role is the wallet's");
    assert_eq!(
        r.transfer_host(&w(FOUNDER), &w(2)),
        Err(RoomError::TargetNotIn),
        "the host role goes to someone present"
    );
    let back = join(&mut r, 2).unwrap();
    assert!(back.is_co_host && back.is_speaker && back.is_muted);
}

#[test]
fn a_site_granted_speaker_joins_on_stage_and_a_granted_co_host_gets_into_a_full_room() {
    let mut r = room_with(Some(w(FOUNDER)), 2);
    join(&mut r, FOUNDER).unwrap();
    let speaker = Standing {
        grants: Grants {
            can_speak: true,
            co_host: false,
        },
        ..Default::default()
    };
    let (view, events) = r
        .join(&w(2), Profile::none(), &speaker, Utc::now())
        .unwrap();
    assert!(view.is_speaker && !view.is_co_host && view.is_muted);
    assert_eq!(
        events.len(),
        1,
        "a pre-approved speaker is no news beyond its join"
    );
    assert!(r.may_produce(&w(2)).is_ok());

    assert_eq!(join(&mut r, 3), Err(RoomError::Full));
    let co_host = Standing {
        grants: Grants {
            can_speak: false,
            co_host: true,
        },
        ..Default::default()
    };
    let (view, events) = r
        .join(&w(4), Profile::none(), &co_host, Utc::now())
        .unwrap();
    assert!(view.is_co_host && view.is_speaker);
    assert!(matches!(
        &events[..],
        [RoomEvent::UserJoined(_), RoomEvent::HostsChanged { co_hosts, .. }] if co_hosts == &vec![w(4)]
    ));
    assert!(
        r.kick(&w(4), &w(2), Utc::now()).is_ok(),
        "a co-host moderates members"
    );
}

#[test]
fn a_co_host_grant_never_makes_the_founder_a_co_host() {
    let mut r = room_with(Some(w(FOUNDER)), 10);
    let granted = Standing {
        grants: Grants {
            can_speak: true,
            co_host: true,
        },
        ..Default::default()
    };
    let (view, events) = r
        .join(&w(FOUNDER), Profile::none(), &granted, Utc::now())
        .unwrap();
    assert!(view.is_founder && !view.is_co_host);
    assert_eq!(events.len(), 1);
    assert!(r.co_hosts().is_empty());
}

#[test]
fn without_a_founder_a_co_host_grant_names_nobody() {
    let mut r = room_with(None, 10);
    let granted = Standing {
        grants: Grants {
            can_speak: false,
            co_host: true,
        },
        ..Default::default()
    };
    let (view, events) = r
        .join(&w(2), Profile::none(), &granted, Utc::now())
        .unwrap();
    assert!(
        !view.is_co_host && view.is_speaker,
        "everyone speaks, nobody hosts"
    );
    assert_eq!(events.len(), 1);
    assert!(r.co_hosts().is_empty());
}
