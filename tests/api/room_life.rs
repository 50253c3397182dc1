//! Room life through the real server: reactions (the fixed set, one a
//! second per member, everyone told with the sender's side), invitations
//! to speak (accepted: a speaker who produces; declined; lapsed; ended by a
//! leave; refused with the contract's codes, on the socket and over REST),
//! the details of `BANNED` and `RATE_LIMITED` errors, and `rejoinsLeft`
//! counting down to the churn ban.

use std::time::Duration;

use pnl_voice_testkit::api::{refusal, refused, Api};
use pnl_voice_testkit::flows::{join_room, start_speaking, T};
use pnl_voice_testkit::node::{random_address, TestNode};
use pnl_voice_testkit::signal::{SignalClient, WireError};
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

/// A market whose founder is `founder` and where `yes` holds YES.
fn market(market: &str, founder: &TestWallet, yes: &TestWallet) -> Value {
    json!({
        "marketAddress": market,
        "founderWallet": founder.address(),
        "holdings": {yes.address(): {"yes": 120, "no": 0}},
    })
}

/// The server's error object of a refused request.
fn error(refusal: WireError) -> Value {
    match refusal {
        WireError::Server { error, .. } => error,
        other => panic!("not a server refusal: {other}"),
    }
}

async fn moderate(client: &mut SignalClient, action: &str, target: &str) -> Result<Value, Value> {
    client
        .request(
            "voice:moderate",
            json!({"action": action, "targetWallet": target}),
        )
        .await
        .map_err(error)
}

/// Whether `name` about `wallet` arrives within `within` (a bounded wait).
async fn arrives(client: &mut SignalClient, name: &str, wallet: &str, within: Duration) -> bool {
    let end = tokio::time::Instant::now() + within;
    while let Some(left) = end.checked_duration_since(tokio::time::Instant::now()) {
        match client.next_event(name, left).await {
            Some(e) if e["walletAddress"] == wallet => return true,
            Some(_) => {}
            None => return false,
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reactions_reach_everyone_with_the_side_at_most_one_a_second() {
    let (founder, holder) = (TestWallet::new(), TestWallet::new());
    let id = random_address();
    let node = TestNode::start(vec![market(&id, &founder, &holder)], |_| {});
    let mut f = node.connect(&founder).await;
    join_room(&mut f, &id).await;
    let mut h = node.connect(&holder).await;
    join_room(&mut h, &id).await;

    let reply = h.request("voice:react", json!({"emoji": "🔥"})).await;
    assert_eq!(reply.unwrap(), json!({}));
    let expected = json!({"walletAddress": holder.address(), "emoji": "🔥", "side": "YES"});
    for client in [&mut f, &mut h] {
        let seen = client.next_event("voice:reaction", T).await;
        assert_eq!(seen, Some(expected.clone()), "the sender is told too");
    }

    let too_soon = error(
        h.request("voice:react", json!({"emoji": "👏"}))
            .await
            .unwrap_err(),
    );
    assert_eq!(too_soon["code"], "RATE_LIMITED");
    assert_eq!(too_soon["retryAfterSecs"], 1);
    assert_eq!(
        too_soon["message"],
        "one reaction a second: try again in 1 second"
    );
    let founders = f.request("voice:react", json!({"emoji": "❤️"})).await;
    assert!(founders.is_ok(), "the limit is each member's");
    let seen = h.next_event("voice:reaction", T).await.unwrap();
    assert_eq!(seen["side"], "NONE");
    assert_eq!(seen["emoji"], "❤️");

    for bad in [json!({"emoji": "🙂"}), json!({"emoji": "fire"}), json!({})] {
        let refused = error(h.request("voice:react", bad.clone()).await.unwrap_err());
        assert_eq!(refused["code"], "BAD_REQUEST", "{bad}");
    }
    let mut outsider = node.connect(&TestWallet::new()).await;
    let refused = outsider
        .request("voice:react", json!({"emoji": "👍"}))
        .await;
    assert_eq!(error(refused.unwrap_err())["code"], "NOT_IN_ROOM");

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let again = h.request("voice:react", json!({"emoji": "💯"})).await;
    assert!(again.is_ok(), "a second later it may react again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invited_listener_accepts_and_speaks() {
    let (founder, listener, other) = (TestWallet::new(), TestWallet::new(), TestWallet::new());
    let id = random_address();
    let node = TestNode::start(vec![market(&id, &founder, &listener)], |_| {});
    let mut f = node.connect(&founder).await;
    let caps = join_room(&mut f, &id).await;
    let mut l = node.connect(&listener).await;
    join_room(&mut l, &id).await;
    let mut o = node.connect(&other).await;
    join_room(&mut o, &id).await;

    let target = listener.address();
    let refused = moderate(&mut o, "invite_speaker", &target).await;
    assert_eq!(refused.unwrap_err()["code"], "FORBIDDEN", "hosts only");
    let absent = moderate(&mut f, "invite_speaker", &random_address()).await;
    assert_eq!(absent.unwrap_err()["code"], "NOT_IN_ROOM");
    let on_stage = moderate(&mut f, "invite_speaker", &founder.address()).await;
    assert_eq!(on_stage.unwrap_err()["code"], "CONFLICT");
    let unasked = l
        .request("voice:invite_response", json!({"accept": true}))
        .await;
    assert_eq!(error(unasked.unwrap_err())["code"], "CONFLICT");

    moderate(&mut f, "invite_speaker", &target).await.unwrap();
    for client in [&mut f, &mut l, &mut o] {
        let invited = client
            .next_event("voice:speaker_invited", T)
            .await
            .expect("everyone is told");
        assert_eq!(invited["walletAddress"], target);
        let expires_at = invited["expiresAt"].as_str().unwrap();
        let expires_at = chrono::DateTime::parse_from_rfc3339(expires_at).unwrap();
        let left = expires_at.with_timezone(&chrono::Utc) - chrono::Utc::now();
        assert!(left > chrono::Duration::seconds(50) && left <= chrono::Duration::seconds(60));
    }
    let twice = moderate(&mut f, "invite_speaker", &target).await;
    assert_eq!(twice.unwrap_err()["code"], "CONFLICT", "invited already");
    let mut late = node.connect(&TestWallet::new()).await;
    let joined = late
        .request("voice:join", json!({"marketAddress": id}))
        .await
        .unwrap();
    let seen = joined["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["walletAddress"] == target)
        .unwrap()
        .clone();
    assert_eq!(seen["invited"], true, "a late joiner sees the invitation");
    assert_eq!(joined["you"]["invited"], false);
    let refused = l.request("produce", json!({"transportId": "t"})).await;
    assert!(refused.is_err(), "not a speaker before answering");

    let accepted = l
        .request("voice:invite_response", json!({"accept": true}))
        .await;
    assert_eq!(accepted.unwrap(), json!({}));
    for client in [&mut f, &mut o, &mut late] {
        let granted = client.next_event("voice:speaker_granted", T).await.unwrap();
        assert_eq!(granted["walletAddress"], target, "accepting is a grant");
    }
    let (send, _producer) = start_speaking(&mut l, &caps).await;
    send.wait_connected(T).await.unwrap();
    let again = l
        .request("voice:invite_response", json!({"accept": true}))
        .await;
    assert_eq!(
        error(again.unwrap_err())["code"],
        "CONFLICT",
        "answered once"
    );
    let speaker = moderate(&mut f, "invite_speaker", &target).await;
    assert_eq!(speaker.unwrap_err()["code"], "CONFLICT", "on stage already");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_is_declined_lapses_or_ends_with_a_leave() {
    let (founder, listener) = (TestWallet::new(), TestWallet::new());
    let id = random_address();
    let node = TestNode::start(vec![market(&id, &founder, &listener)], |c| {
        c.rooms.invitation_secs = 1;
    });
    let mut f = node.connect(&founder).await;
    join_room(&mut f, &id).await;
    let mut l = node.connect(&listener).await;
    join_room(&mut l, &id).await;
    let target = listener.address();

    moderate(&mut f, "invite_speaker", &target).await.unwrap();
    l.request("voice:invite_response", json!({"accept": false}))
        .await
        .unwrap();
    for client in [&mut f, &mut l] {
        let declined = client.next_event("voice:invite_declined", T).await;
        let expected = json!({"walletAddress": target, "reason": "declined"});
        assert_eq!(declined, Some(expected));
    }

    moderate(&mut f, "invite_speaker", &target).await.unwrap();
    let lapsed = f.next_event("voice:invite_declined", T).await;
    let expected = json!({"walletAddress": target, "reason": "expired"});
    assert_eq!(lapsed, Some(expected), "the room's timer ends it");
    let late = l
        .request("voice:invite_response", json!({"accept": true}))
        .await;
    assert_eq!(error(late.unwrap_err())["code"], "CONFLICT");
    let participants = Api::new(node.http())
        .get(&format!("participants?marketAddress={id}"))
        .await
        .1;
    let listed = participants["data"]["participants"]
        .as_array()
        .unwrap_or_else(|| panic!("{participants}"))
        .iter()
        .find(|p| p["walletAddress"] == target)
        .cloned()
        .unwrap();
    assert_eq!(listed["invited"], false);
    assert_eq!(
        listed["isSpeaker"], false,
        "a lapsed invitation grants nothing"
    );

    moderate(&mut f, "invite_speaker", &target).await.unwrap();
    l.request("voice:leave", json!({})).await.unwrap();
    assert!(
        !arrives(
            &mut f,
            "voice:invite_declined",
            &target,
            Duration::from_secs(2)
        )
        .await,
        "an invitation ends silently with its member's leave"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await; // one join a second
    let mut back = node.connect(&listener).await;
    let joined = back
        .request("voice:join", json!({"marketAddress": id}))
        .await
        .unwrap();
    assert_eq!(joined["you"]["invited"], false, "a rejoin is uninvited");
    let unasked = back
        .request("voice:invite_response", json!({"accept": true}))
        .await;
    assert_eq!(error(unasked.unwrap_err())["code"], "CONFLICT");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_speaker_over_rest_as_over_the_socket() {
    let (founder, listener) = (TestWallet::new(), TestWallet::new());
    let id = random_address();
    let node = TestNode::start(vec![market(&id, &founder, &listener)], |_| {});
    let api = Api::new(node.http());
    let f_token = founder.login(&node.http()).await.unwrap();
    let l_token = listener.login(&node.http()).await.unwrap();
    let mut f = node.connect(&founder).await;
    join_room(&mut f, &id).await;
    let mut l = node.connect(&listener).await;
    join_room(&mut l, &id).await;
    let invite = |target: &str| {
        json!({"marketAddress": id, "founderWallet": founder.address(),
            "action": "invite_speaker", "targetWallet": target})
    };

    let target = listener.address();
    assert_eq!(
        refusal(api.post(Some(&l_token), "moderate", invite(&target)).await),
        refused(403, "FORBIDDEN")
    );
    assert_eq!(
        refusal(
            api.post(Some(&f_token), "moderate", invite(&random_address()))
                .await
        ),
        refused(404, "NOT_IN_ROOM")
    );
    let (status, body) = api.post(Some(&f_token), "moderate", invite(&target)).await;
    assert_eq!((status, &body["success"]), (200, &json!(true)), "{body}");
    let invited = l.next_event("voice:speaker_invited", T).await.unwrap();
    assert_eq!(invited["walletAddress"], target);
    assert_eq!(
        refusal(api.post(Some(&f_token), "moderate", invite(&target)).await),
        refused(409, "CONFLICT")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bans_say_until_when_and_rate_limits_how_long_on_the_socket_and_over_rest() {
    let (founder, guest) = (TestWallet::new(), TestWallet::new());
    let id = random_address();
    let node = TestNode::start(vec![market(&id, &founder, &guest)], |_| {});
    let api = Api::new(node.http());
    let mut f = node.connect(&founder).await;
    join_room(&mut f, &id).await;
    let mut g = node.connect(&guest).await;
    join_room(&mut g, &id).await;

    moderate(&mut f, "kick", &guest.address()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let kicked_at = chrono::Utc::now();
    let mut back = node.connect(&guest).await;
    let banned = back
        .request("voice:join", json!({"marketAddress": id}))
        .await;
    let banned = error(banned.unwrap_err());
    assert_eq!(banned["code"], "BANNED");
    assert_eq!(
        banned["message"],
        "you were removed from this room and can join again in 10 minutes"
    );
    let until = banned["until"].as_str().expect("a ban says until when");
    assert!(
        !until.contains('.') && until.ends_with('Z'),
        "whole seconds: {until}"
    );
    let until = chrono::DateTime::parse_from_rfc3339(until).unwrap();
    let left = until.with_timezone(&chrono::Utc) - kicked_at;
    assert!(left > chrono::Duration::minutes(9) && left <= chrono::Duration::minutes(10));

    let too_soon = back
        .request("voice:join", json!({"marketAddress": id}))
        .await;
    let too_soon = error(too_soon.unwrap_err());
    assert_eq!(too_soon["code"], "RATE_LIMITED", "one join a second");
    assert_eq!(too_soon["retryAfterSecs"], 1);
    assert!(too_soon.get("until").is_none());
    assert_eq!(
        too_soon["message"],
        "at most one join per second per wallet"
    );

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let token = guest.login(&node.http()).await.unwrap();
    let body = json!({"marketAddress": id, "walletAddress": guest.address()});
    let (status, rest) = api.post(Some(&token), "join", body).await;
    assert_eq!(status, 403, "{rest}");
    assert_eq!(rest["error"]["code"], "BANNED");
    assert_eq!(rest["error"]["until"], banned["until"], "the same end");
    assert!(rest["error"]["message"]
        .as_str()
        .unwrap()
        .ends_with("can join again in 10 minutes"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejoins_left_counts_down_to_the_churn_ban() {
    let (founder, guest) = (TestWallet::new(), TestWallet::new());
    let id = random_address();
    let node = TestNode::start(vec![market(&id, &founder, &guest)], |c| {
        c.rooms.churn_max_joins = 4;
    });
    let mut f = node.connect(&founder).await;
    let first = f
        .request("voice:join", json!({"marketAddress": id}))
        .await
        .unwrap();
    assert_eq!(first["rejoinsLeft"], 3, "a first join of four: three more");

    let mut left = Vec::new();
    for n in 0..5 {
        if n > 0 {
            tokio::time::sleep(Duration::from_millis(1100)).await; // one join a second
        }
        let mut g = node.connect(&guest).await;
        match g.request("voice:join", json!({"marketAddress": id})).await {
            Ok(joined) => {
                left.push(joined["rejoinsLeft"].clone());
                g.request("voice:leave", json!({})).await.unwrap();
            }
            Err(refusal) => {
                let banned = error(refusal);
                assert_eq!(banned["code"], "BANNED");
                assert!(banned["until"].is_string());
                assert!(banned["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("you joined and left this room too often"));
                left.push(json!("banned"));
            }
        }
    }
    assert_eq!(
        left,
        [json!(3), json!(2), json!(1), json!(0), json!("banned")]
    );
}
