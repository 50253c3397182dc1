//! Reactions, invitations to speak, the churn warning and the words of a
//! ban.

use chrono::{DateTime, Duration, Utc};

use super::RoomDefaults;
use super::*;
use crate::address::Address;
use crate::error::{ApiError, ErrorCode};

fn w(n: u8) -> Address {
    Address::from_bytes([n; 32])
}

const FOUNDER: u8 = 1;

/// A founder-run room (speaker-only) with the founder and `others` inside,
/// wallet 2 holding YES.
fn room(others: &[u8], now: DateTime<Utc>) -> Room {
    let settings = RoomSettings::for_new_room(&RoomDefaults::default(), true);
    let policy = RoomDefaults::default().policy();
    let mut r = Room::new(w(200), Some(w(FOUNDER)), settings, policy, now);
    for n in std::iter::once(&FOUNDER).chain(others) {
        let profile = if *n == 2 {
            Profile {
                position: Position::Yes,
                position_size: 40.0,
            }
        } else {
            Profile::none()
        };
        r.join(&w(*n), profile, &Standing::default(), now).unwrap();
    }
    r
}

#[test]
fn a_reaction_carries_the_side_and_one_a_second_is_allowed() {
    let t0 = Utc::now();
    let mut r = room(&[2, 3], t0);
    assert_eq!(
        r.react(&w(2), Emoji::Fire, t0),
        Ok(RoomEvent::Reaction {
            wallet: w(2),
            emoji: Emoji::Fire,
            side: Position::Yes
        })
    );
    let refused = r
        .react(&w(2), Emoji::Heart, t0 + Duration::milliseconds(300))
        .unwrap_err();
    assert_eq!(
        refused,
        RoomError::ReactingTooFast(Duration::milliseconds(700))
    );
    let wire = ApiError::from(refused);
    assert_eq!(wire.code, ErrorCode::RateLimited);
    assert_eq!(wire.retry_after_secs, Some(1));
    assert_eq!(wire.message, "one reaction a second: try again in 1 second");
    assert!(
        r.react(&w(3), Emoji::Clap, t0).is_ok(),
        "the limit is per member"
    );
    assert!(r
        .react(&w(2), Emoji::Heart, t0 + Duration::seconds(1))
        .is_ok());
    assert_eq!(r.react(&w(9), Emoji::Fire, t0), Err(RoomError::NotIn));
}

#[test]
fn the_emoji_set_is_fixed_on_the_wire() {
    let names: Vec<String> = Emoji::ALL
        .iter()
        .map(|e| {
            serde_json::to_value(e)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(names, ["👍", "👎", "👏", "🔥", "😂", "🤔", "💯", "❤️"]);
    for name in &names {
        let back: Emoji = serde_json::from_value(serde_json::json!(name)).unwrap();
        assert_eq!(serde_json::to_value(back).unwrap(), *name);
    }
    assert!(serde_json::from_value::<Emoji>(serde_json::json!("🙂")).is_err());
    assert!(serde_json::from_value::<Emoji>(serde_json::json!("❤")).is_err());
}

#[test]
fn an_invited_listener_accepts_and_is_granted_as_by_a_grant() {
    let t0 = Utc::now();
    let mut r = room(&[2, 3], t0);
    r.raise_hand(&w(2)).unwrap();
    let events = r.invite_speaker(&w(FOUNDER), &w(2), t0).unwrap();
    let expires_at = t0 + Duration::seconds(60);
    assert_eq!(
        events,
        vec![RoomEvent::SpeakerInvited {
            wallet: w(2),
            expires_at
        }]
    );
    assert!(r.view_of(&w(2)).unwrap().invited);
    assert_eq!(r.next_invitation_expiry(), Some(expires_at));
    let mut granted = r.clone();
    let by_grant = granted.grant(&w(FOUNDER), &w(2)).unwrap();
    let accepted = r
        .respond_to_invite(&w(2), true, t0 + Duration::seconds(5))
        .unwrap();
    assert_eq!(accepted, by_grant, "accepting is exactly a grant");
    assert_eq!(r, granted);
    let me = r.view_of(&w(2)).unwrap();
    assert!(me.is_speaker && me.is_muted && !me.invited && !me.hand_raised);
    assert_eq!(r.next_invitation_expiry(), None);
    assert_eq!(
        r.respond_to_invite(&w(2), true, t0),
        Err(RoomError::NotInvited)
    );
}

#[test]
fn declining_or_letting_it_lapse_tells_everyone() {
    let t0 = Utc::now();
    let mut r = room(&[2, 3], t0);
    r.invite_speaker(&w(FOUNDER), &w(2), t0).unwrap();
    r.invite_speaker(&w(FOUNDER), &w(3), t0 + Duration::seconds(10))
        .unwrap();
    assert_eq!(
        r.respond_to_invite(&w(2), false, t0).unwrap(),
        vec![RoomEvent::InviteDeclined {
            wallet: w(2),
            reason: InviteEnd::Declined
        }]
    );
    assert!(!r.view_of(&w(2)).unwrap().is_speaker);
    assert!(r.expire_invitations(t0 + Duration::seconds(69)).is_empty());
    let lapse = t0 + Duration::seconds(70);
    assert_eq!(
        r.respond_to_invite(&w(3), true, lapse),
        Err(RoomError::NotInvited),
        "a lapsed invitation is not answered, even before the timer ends it"
    );
    assert_eq!(
        r.expire_invitations(lapse),
        vec![RoomEvent::InviteDeclined {
            wallet: w(3),
            reason: InviteEnd::Expired
        }]
    );
    assert!(!r.view_of(&w(3)).unwrap().invited);
    assert_eq!(r.next_invitation_expiry(), None);
}

#[test]
fn who_may_invite_whom() {
    let t0 = Utc::now();
    let mut r = room(&[2, 3, 4], t0);
    let before = r.clone();
    let cases = [
        (2, 3, RoomError::NotModerator, ErrorCode::Forbidden),
        (FOUNDER, 9, RoomError::InviteeNotIn, ErrorCode::NotInRoom),
        (
            FOUNDER,
            FOUNDER,
            RoomError::AlreadyOnStage,
            ErrorCode::Conflict,
        ),
    ];
    for (actor, target, error, code) in cases {
        let refused = r.invite_speaker(&w(actor), &w(target), t0).unwrap_err();
        assert_eq!(refused, error);
        assert_eq!(ApiError::from(refused).code, code);
        assert_eq!(r, before, "a refusal changes nothing");
    }
    r.grant(&w(FOUNDER), &w(4)).unwrap();
    assert_eq!(
        r.invite_speaker(&w(FOUNDER), &w(4), t0),
        Err(RoomError::AlreadyOnStage)
    );
    r.invite_speaker(&w(FOUNDER), &w(2), t0).unwrap();
    assert_eq!(
        r.invite_speaker(&w(FOUNDER), &w(2), t0),
        Err(RoomError::AlreadyInvited)
    );
    r.add_co_host(&w(FOUNDER), &w(3)).unwrap();
    assert!(
        r.invite_speaker(&w(3), &w(4), t0).is_err(),
        "on stage already"
    );
    r.revoke(&w(FOUNDER), &w(4)).unwrap();
    assert!(
        r.invite_speaker(&w(3), &w(4), t0).is_ok(),
        "a co-host invites"
    );
}

#[test]
fn an_invitation_ends_with_a_leave_a_kick_a_grant_a_co_host_or_an_open_floor() {
    let t0 = Utc::now();
    let mut r = room(&[2, 3, 4, 5], t0);
    for n in [2, 3, 4, 5] {
        r.invite_speaker(&w(FOUNDER), &w(n), t0).unwrap();
    }
    r.leave(&w(2)).unwrap();
    r.kick(&w(FOUNDER), &w(3), t0).unwrap();
    r.grant(&w(FOUNDER), &w(4)).unwrap();
    assert_eq!(r.invitation(&w(2)), None);
    assert_eq!(r.invitation(&w(3)), None);
    assert_eq!(r.invitation(&w(4)), None);
    r.join(&w(2), Profile::none(), &Standing::default(), t0)
        .unwrap();
    assert!(!r.view_of(&w(2)).unwrap().invited, "a rejoin is uninvited");
    r.add_co_host(&w(FOUNDER), &w(5)).unwrap();
    assert_eq!(r.invitation(&w(5)), None);
    r.invite_speaker(&w(FOUNDER), &w(2), t0).unwrap();
    let open = SettingsPatch {
        speaker_only: Some(false),
        ..SettingsPatch::default()
    };
    r.update_settings(&w(FOUNDER), &open).unwrap();
    assert_eq!(r.next_invitation_expiry(), None);
    assert!(r.expire_invitations(t0 + Duration::hours(1)).is_empty());
}

#[test]
fn rejoins_left_counts_down_to_the_churn_ban() {
    let t0 = Utc::now();
    let r = room(&[], t0);
    let churn_joins = r.policy().churn_joins;
    let left = |recent_joins| {
        r.rejoins_left(&Standing {
            banned_until: None,
            recent_joins,
            ..Default::default()
        })
    };
    assert_eq!(left(0), None, "plenty left: nothing to warn of");
    assert_eq!(left(churn_joins - 4), Some(3));
    assert_eq!(left(churn_joins - 2), Some(1));
    assert_eq!(left(churn_joins - 1), Some(0), "the next join is refused");
    let mut r = r;
    let last = Standing {
        banned_until: None,
        recent_joins: churn_joins - 1,
        ..Default::default()
    };
    assert!(r.join(&w(7), Profile::none(), &last, t0).is_ok());
    r.leave(&w(7)).unwrap();
    let over = Standing {
        banned_until: None,
        recent_joins: churn_joins,
        ..Default::default()
    };
    assert!(matches!(
        r.join(&w(7), Profile::none(), &over, t0),
        Err(RoomError::Churning { .. })
    ));
}

#[test]
fn a_ban_says_when_in_words_and_carries_its_end() {
    let at: DateTime<Utc> = "2026-12-03T08:04:01.720574743Z".parse().unwrap();
    let until = at + Duration::minutes(9);
    let wire = ApiError::from(RoomError::Banned { until, at });
    assert_eq!(wire.code, ErrorCode::Banned);
    assert_eq!(
        wire.message,
        "you were removed from this room and can join again in 9 minutes"
    );
    assert_eq!(wire.until.as_deref(), Some("2026-12-03T08:13:02Z"));
    let churn = ApiError::from(RoomError::Churning {
        until: at + Duration::minutes(10),
        at,
    });
    assert_eq!(
        churn.message,
        "you joined and left this room too often and can join again in 10 minutes"
    );
    assert!(!churn.message.contains("2026"), "no machine timestamp");
}
