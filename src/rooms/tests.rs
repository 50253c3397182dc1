use chrono::Utc;

use super::*;
use crate::address::Address;
use crate::config::RoomDefaults;

fn w(n: u8) -> Address {
    Address::from_bytes([n; 32])
}

fn room(founder: Option<Address>, max: u32) -> Room {
    let defaults = RoomDefaults {
        max_participants: max,
        ..RoomDefaults::default()
    };
    let settings = RoomSettings::for_new_room(&defaults, founder.is_some());
    Room::new(w(200), founder, settings, Utc::now())
}

#[test]
fn everyone_joins_muted_and_in_order() {
    let mut r = room(Some(w(1)), 50);
    r.join(&w(2), Profile::none(), Utc::now()).unwrap();
    let founder = r.join(&w(1), Profile::none(), Utc::now()).unwrap();
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
fn with_a_founder_only_the_founder_may_produce() {
    let mut r = room(Some(w(1)), 50);
    r.join(&w(1), Profile::none(), Utc::now()).unwrap();
    r.join(&w(2), Profile::none(), Utc::now()).unwrap();
    assert!(r.settings().speaker_only);
    assert_eq!(r.may_produce(&w(1)), Ok(()));
    assert_eq!(r.may_produce(&w(2)), Err(RoomError::NotSpeaker));
    assert_eq!(r.may_produce(&w(3)), Err(RoomError::NotIn));
    assert_eq!(r.speaker_count(), 1);
}

#[test]
fn without_a_founder_everyone_may_speak() {
    let mut r = room(None, 50);
    assert!(!r.settings().speaker_only);
    r.join(&w(2), Profile::none(), Utc::now()).unwrap();
    assert_eq!(r.may_produce(&w(2)), Ok(()));
    assert!(r.view_of(&w(2)).unwrap().is_speaker);
}

#[test]
fn a_full_room_and_a_double_join_are_refused() {
    let mut r = room(None, 2);
    r.join(&w(1), Profile::none(), Utc::now()).unwrap();
    assert_eq!(
        r.join(&w(1), Profile::none(), Utc::now()),
        Err(RoomError::AlreadyIn)
    );
    r.join(&w(2), Profile::none(), Utc::now()).unwrap();
    assert_eq!(
        r.join(&w(3), Profile::none(), Utc::now()),
        Err(RoomError::Full)
    );
    r.leave(&w(1)).unwrap();
    r.join(&w(3), Profile::none(), Utc::now()).unwrap();
    assert_eq!(r.len(), 2);
}

#[test]
fn mute_changes_are_reported_once() {
    let mut r = room(None, 50);
    r.join(&w(1), Profile::none(), Utc::now()).unwrap();
    assert_eq!(r.set_muted(&w(1), true), Ok(false));
    assert_eq!(r.set_muted(&w(1), false), Ok(true));
    assert_eq!(r.is_muted(&w(1)), Ok(false));
    assert_eq!(r.set_muted(&w(9), false), Err(RoomError::NotIn));
}

#[test]
fn leaving_twice_is_not_in_room() {
    let mut r = room(None, 50);
    r.join(&w(1), Profile::none(), Utc::now()).unwrap();
    assert!(r.leave(&w(1)).is_ok());
    assert_eq!(r.leave(&w(1)), Err(RoomError::NotIn));
    assert!(r.is_empty());
}
