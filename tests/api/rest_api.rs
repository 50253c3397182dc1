//! The REST API of docs/protocol.md through the real server: each
//! endpoint's allowed path and each refusal, in the `{success, error}`
//! envelope with its HTTP status; and the socket's room methods' refusals.

use std::time::Duration;

use pnl_voice_testkit::api::{refusal, refused, Api};
use pnl_voice_testkit::flows::T;
use pnl_voice_testkit::node::{market_with_founder, random_address, TestNode};
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_reserves_a_place_and_the_socket_takes_it() {
    let founder = TestWallet::new();
    let guest = TestWallet::new();
    let market = random_address();
    let node = TestNode::start(
        vec![market_with_founder(&market, &founder.address())],
        |c| {
            c.rooms.max_participants = 2;
        },
    );
    let api = Api::new(node.http());
    let token = guest.login(&node.http()).await.unwrap();
    let body = json!({"marketAddress": market, "walletAddress": guest.address()});

    assert_eq!(
        refusal(api.post(None, "join", body.clone()).await),
        refused(401, "UNAUTHORIZED")
    );
    assert_eq!(
        refusal(
            api.post(Some("forged.jwt.token"), "join", body.clone())
                .await
        ),
        refused(401, "UNAUTHORIZED")
    );
    let other = json!({"marketAddress": market, "walletAddress": founder.address()});
    assert_eq!(
        refusal(api.post(Some(&token), "join", other).await),
        refused(403, "FORBIDDEN")
    );
    let bad = json!({"marketAddress": "nope", "walletAddress": guest.address()});
    assert_eq!(
        refusal(api.post(Some(&token), "join", bad).await),
        refused(400, "INVALID_ADDRESS")
    );
    let malformed = json!({"marketAddress": market});
    assert_eq!(
        refusal(api.post(Some(&token), "join", malformed).await),
        refused(400, "BAD_REQUEST")
    );

    let (status, data) = api.post(Some(&token), "join", body.clone()).await;
    assert_eq!(status, 200, "{data}");
    let data = &data["data"];
    assert_eq!(data["roomId"], market);
    assert_eq!(data["workerUrl"], node.ws());
    assert_eq!(data["you"]["walletAddress"], guest.address());
    assert_eq!(data["you"]["isSpeaker"], false);
    assert_eq!(data["settings"]["maxParticipants"], 2);
    assert!(data["rtpCapabilities"]["codecs"].is_array() && data["iceServers"].is_array());
    assert_eq!(
        refusal(api.post(Some(&token), "join", body.clone()).await),
        refused(429, "RATE_LIMITED")
    );

    let mut ws = node.connect(&guest).await;
    let joined = ws
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    assert_eq!(
        joined["you"]["walletAddress"],
        guest.address(),
        "the reservation spares the rate limit"
    );

    let third = TestWallet::new();
    let third_token = third.login(&node.http()).await.unwrap();
    let f_token = founder.login(&node.http()).await.unwrap();
    let (status, data) = api
        .post(
            Some(&f_token),
            "join",
            json!({"marketAddress": market, "walletAddress": founder.address()}),
        )
        .await;
    assert_eq!(status, 200);
    let founder_reservation = &data["data"]["reservations"][0];
    assert_eq!(
        founder_reservation["holdsPlace"], false,
        "the founder needs no place: it always gets in"
    );
    let mut f = node.connect(&founder).await;
    f.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let full = json!({"marketAddress": market, "walletAddress": third.address()});
    assert_eq!(
        refusal(api.post(Some(&third_token), "join", full).await),
        refused(409, "ROOM_FULL")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn participants_rooms_mute_leave_and_report() {
    let founder = TestWallet::new();
    let guest = TestWallet::new();
    let market = random_address();
    let node = TestNode::start(
        vec![market_with_founder(&market, &founder.address())],
        |_| {},
    );
    let api = Api::new(node.http());
    let g_token = guest.login(&node.http()).await.unwrap();
    let f_token = founder.login(&node.http()).await.unwrap();

    let (status, body) = api
        .get(&format!("participants?marketAddress={market}"))
        .await;
    assert_eq!((status, body["data"]["total"].clone()), (200, json!(0)));
    assert_eq!(
        refusal(api.get("participants?marketAddress=zzz").await),
        refused(400, "INVALID_ADDRESS")
    );
    assert_eq!(
        refusal(api.get("participants").await),
        refused(400, "BAD_REQUEST")
    );

    let mut f = node.connect(&founder).await;
    f.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let mut g = node.connect(&guest).await;
    g.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();

    let (_, body) = api
        .get(&format!("participants?marketAddress={market}"))
        .await;
    assert_eq!(body["data"]["total"], 2);
    let founder_view = &body["data"]["participants"][0];
    assert_eq!(
        (
            founder_view["isFounder"].clone(),
            founder_view["position"].clone()
        ),
        (json!(true), json!("NONE"))
    );
    let (_, body) = api.get("rooms").await;
    let room = &body["data"]["rooms"][0];
    assert_eq!(
        (
            room["roomId"].clone(),
            room["participants"].clone(),
            room["speakers"].clone()
        ),
        (json!(market), json!(2), json!(1))
    );

    let mute = json!({"marketAddress": market, "walletAddress": founder.address(), "muted": false});
    let (status, _) = api.post(Some(&f_token), "mute", mute.clone()).await;
    assert_eq!(status, 200);
    let event = g
        .next_event("voice:user_muted", T)
        .await
        .expect("REST mute reaches the room");
    assert_eq!(event["muted"], false);
    assert_eq!(
        refusal(api.post(Some(&g_token), "mute", mute).await),
        refused(403, "FORBIDDEN")
    );
    let elsewhere =
        json!({"marketAddress": random_address(), "walletAddress": guest.address(), "muted": true});
    assert_eq!(
        refusal(api.post(Some(&g_token), "mute", elsewhere).await),
        refused(404, "NOT_IN_ROOM")
    );

    let report =
        json!({"marketAddress": market, "targetWallet": founder.address(), "reason": "shouting"});
    let (status, body) = api.post(Some(&g_token), "report", report.clone()).await;
    assert_eq!(status, 200);
    let report_id = body["data"]["reportId"].as_str().expect("a report id");
    let (status, mine) = api.get_with(Some(&g_token), "me/data").await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["data"]["reportsFiled"][0]["id"], report_id);
    assert_eq!(mine["data"]["reportsFiled"][0]["reason"], "shouting");
    assert_eq!(
        refusal(api.post(None, "report", report.clone()).await),
        refused(401, "UNAUTHORIZED")
    );
    let empty = json!({"marketAddress": market, "targetWallet": founder.address(), "reason": "  "});
    assert_eq!(
        refusal(api.post(Some(&g_token), "report", empty).await),
        refused(400, "BAD_REQUEST")
    );
    let long = json!({"marketAddress": market, "targetWallet": founder.address(), "reason": "x".repeat(1001)});
    assert_eq!(
        refusal(api.post(Some(&g_token), "report", long).await),
        refused(400, "BAD_REQUEST")
    );
    let outsider = TestWallet::new().login(&node.http()).await.unwrap();
    assert_eq!(
        refusal(api.post(Some(&outsider), "report", report).await),
        refused(404, "NOT_IN_ROOM")
    );

    let leave = json!({"marketAddress": market, "walletAddress": guest.address()});
    assert_eq!(
        refusal(api.post(Some(&f_token), "leave", leave.clone()).await),
        refused(403, "FORBIDDEN")
    );
    let (status, _) = api.post(Some(&g_token), "leave", leave.clone()).await;
    assert_eq!(status, 200);
    let closed = g
        .next_event("voice:room_closed", T)
        .await
        .expect("the socket learns it left");
    assert_eq!(closed["reason"], "left");
    f.next_event("voice:user_left", T)
        .await
        .expect("others learn it");
    assert_eq!(
        refusal(api.post(Some(&g_token), "leave", leave).await),
        refused(404, "NOT_IN_ROOM")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_founder_moderates_and_changes_settings() {
    let founder = TestWallet::new();
    let guest = TestWallet::new();
    let market = random_address();
    let node = TestNode::start(
        vec![market_with_founder(&market, &founder.address())],
        |_| {},
    );
    let api = Api::new(node.http());
    let g_token = guest.login(&node.http()).await.unwrap();
    let f_token = founder.login(&node.http()).await.unwrap();

    let kick = |who: &TestWallet, target: &TestWallet| json!({"marketAddress": market, "founderWallet": who.address(), "action": "kick", "targetWallet": target.address()});
    assert_eq!(
        refusal(
            api.post(Some(&f_token), "moderate", kick(&founder, &guest))
                .await
        ),
        refused(404, "NOT_FOUND")
    );

    let mut f = node.connect(&founder).await;
    f.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let mut g = node.connect(&guest).await;
    g.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();

    assert_eq!(
        refusal(
            api.post(Some(&g_token), "moderate", kick(&guest, &founder))
                .await
        ),
        refused(403, "FORBIDDEN")
    );
    assert_eq!(
        refusal(
            api.post(Some(&g_token), "moderate", kick(&founder, &guest))
                .await
        ),
        refused(403, "FORBIDDEN")
    );
    assert_eq!(
        refusal(api.post(None, "moderate", kick(&founder, &guest)).await),
        refused(401, "UNAUTHORIZED")
    );
    let stranger = TestWallet::new();
    assert_eq!(
        refusal(
            api.post(Some(&f_token), "moderate", kick(&founder, &stranger))
                .await
        ),
        refused(404, "NOT_FOUND")
    );
    let no_target = json!({"marketAddress": market, "founderWallet": founder.address(), "action": "grant_speaker"});
    assert_eq!(
        refusal(api.post(Some(&f_token), "moderate", no_target).await),
        refused(400, "BAD_REQUEST")
    );
    let bad_action =
        json!({"marketAddress": market, "founderWallet": founder.address(), "action": "ban"});
    assert_eq!(
        refusal(api.post(Some(&f_token), "moderate", bad_action).await),
        refused(400, "BAD_REQUEST")
    );

    let err = g
        .request("voice:moderate", json!({"action": "mute_all"}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("FORBIDDEN"));
    let err = f.request("voice:raise_hand", json!({})).await.unwrap_err();
    assert_eq!(err.code(), Some("CONFLICT"), "the founder already speaks");
    let err = f
        .request(
            "voice:moderate",
            json!({"action": "grant_speaker", "targetWallet": stranger.address()}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NOT_FOUND"));

    let settings = |who: &TestWallet, s: Value| json!({"marketAddress": market, "founderWallet": who.address(), "settings": s});
    assert_eq!(
        refusal(
            api.post(
                Some(&g_token),
                "settings",
                settings(&guest, json!({"maxParticipants": 3}))
            )
            .await
        ),
        refused(403, "FORBIDDEN")
    );
    assert_eq!(
        refusal(
            api.post(
                Some(&f_token),
                "settings",
                settings(&founder, json!({"maxParticipants": 0}))
            )
            .await
        ),
        refused(400, "BAD_REQUEST")
    );
    assert_eq!(
        refusal(
            api.post(
                Some(&f_token),
                "settings",
                settings(&founder, json!({"colour": "red"}))
            )
            .await
        ),
        refused(400, "BAD_REQUEST")
    );
    let (status, body) = api
        .post(
            Some(&f_token),
            "settings",
            settings(&founder, json!({"maxParticipants": 2})),
        )
        .await;
    assert_eq!(
        (status, body["data"]["settings"]["maxParticipants"].clone()),
        (200, json!(2))
    );
    let changed = g
        .next_event("voice:settings_updated", T)
        .await
        .expect("settings_updated");
    assert_eq!(changed["settings"]["maxParticipants"], 2);
    let reply = f
        .request("voice:update_settings", json!({"speakerOnly": false}))
        .await
        .unwrap();
    assert_eq!(reply["settings"]["speakerOnly"], false);

    let (status, _) = api
        .post(Some(&f_token), "moderate", kick(&founder, &guest))
        .await;
    assert_eq!(status, 200);
    g.next_event("voice:kicked", T)
        .await
        .expect("kicked over REST");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let rejoin = json!({"marketAddress": market, "walletAddress": guest.address()});
    assert_eq!(
        refusal(api.post(Some(&g_token), "join", rejoin).await),
        refused(403, "BANNED")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rapid_join_leave_cycles_get_the_wallet_kicked() {
    let node = TestNode::start(vec![], |c| {
        c.rooms.churn_max_joins = 2;
        c.rooms.destroy_after_minutes = 5;
    });
    let wallet = TestWallet::new();
    let market = random_address();
    let mut ws = node.connect(&wallet).await;
    for _ in 0..2 {
        ws.request("voice:join", json!({"marketAddress": market}))
            .await
            .unwrap();
        ws.request("voice:leave", json!({})).await.unwrap();
        tokio::time::sleep(Duration::from_millis(1050)).await;
    }
    let err = ws
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("BANNED"));
}
