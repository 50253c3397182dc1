//! Debate mode over the socket and REST, on the real server: who may run
//! it, the refusals, the events in order, a turn that expires on its
//! timer, the pauses, the floor, a late joiner's join data, the weighted
//! poll, and the summary as `voice:debate_ended` and `GET
//! /api/voice/stats` show it. (Audio through the pauses: tests/e2e/e2e_debate.rs.)

use std::time::Duration;

use pnl_voice_testkit::api::{refusal, refused, Api};
use pnl_voice_testkit::flows::T;
use pnl_voice_testkit::node::{random_address, TestNode};
use pnl_voice_testkit::signal::SignalClient;
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

/// The shortest turn the contract allows: the one turn of these tests that
/// runs out waits for it.
const TURN: u64 = 15;

/// A market of `founder` where each wallet holds `(yes, no)`.
fn market(market: &str, founder: &TestWallet, holdings: &[(&TestWallet, f64, f64)]) -> Value {
    let holdings: serde_json::Map<String, Value> = holdings
        .iter()
        .map(|(w, yes, no)| (w.address(), json!({"yes": yes, "no": no})))
        .collect();
    json!({"marketAddress": market, "founderWallet": founder.address(), "holdings": holdings})
}

async fn debate(client: &mut SignalClient, data: Value) -> Result<Value, String> {
    client
        .request("voice:debate", data)
        .await
        .map_err(|e| e.code().unwrap_or("no code").to_string())
}

async fn vote(client: &mut SignalClient, side: &str) -> Result<Value, String> {
    client
        .request("voice:debate_vote", json!({"side": side}))
        .await
        .map_err(|e| e.code().unwrap_or("no code").to_string())
}

async fn join(node: &TestNode, wallet: &TestWallet, market: &str) -> (SignalClient, Value) {
    let mut ws = node.connect(wallet).await;
    let joined = ws
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    (ws, joined)
}

/// The debate events and mute changes `client` got next, up to `count`,
/// as `(event, data)` in the order they came.
async fn debate_events(
    client: &mut SignalClient,
    count: usize,
    within: Duration,
) -> Vec<(String, Value)> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    let wanted = |name: &str| name.starts_with("voice:debate_") || name == "voice:user_muted";
    while seen.len() < count {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let Some(frame) = client.next_event_among(wanted, left).await else {
            break;
        };
        seen.push((
            frame["event"].as_str().unwrap().to_string(),
            frame["data"].clone(),
        ));
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_runs_a_debate_whose_turns_pause_the_other_side_and_whose_poll_is_stored() {
    let (founder, co_host, yes, no, listener, late) = (
        TestWallet::new(),
        TestWallet::new(),
        TestWallet::new(),
        TestWallet::new(),
        TestWallet::new(),
        TestWallet::new(),
    );
    let id = random_address();
    let holdings = [(&yes, 10.0, 0.0), (&no, 0.0, 20.0), (&late, 7.0, 1.0)];
    let node = TestNode::start(vec![market(&id, &founder, &holdings)], |_| {});
    let (mut f, _) = join(&node, &founder, &id).await;
    let (mut c, _) = join(&node, &co_host, &id).await;
    let (mut y, _) = join(&node, &yes, &id).await;
    let (mut n, _) = join(&node, &no, &id).await;
    let (mut l, _) = join(&node, &listener, &id).await;
    for (action, target) in [
        ("add_co_host", &co_host),
        ("grant_speaker", &yes),
        ("grant_speaker", &no),
    ] {
        f.request(
            "voice:moderate",
            json!({"action": action, "targetWallet": target.address()}),
        )
        .await
        .unwrap();
    }
    for client in [&mut y, &mut n] {
        client
            .request("voice:mute", json!({"muted": false}))
            .await
            .unwrap();
    }
    let live = debate_events(&mut l, 2, T).await;
    assert!(live.iter().all(|(_, e)| e["muted"] == false), "{live:?}");

    // Only the host; bad values; nothing to move on from yet.
    for client in [&mut y, &mut l] {
        assert_eq!(
            debate(client, json!({"action": "start"})).await,
            Err("FORBIDDEN".into())
        );
    }
    for bad in [
        json!({"action": "start", "turnSeconds": 14}),
        json!({"action": "start", "turnSeconds": 601}),
        json!({"action": "next", "turnSeconds": 30}),
        json!({"action": "pause"}),
    ] {
        assert_eq!(debate(&mut f, bad).await, Err("BAD_REQUEST".into()));
    }
    for action in ["next", "end", "open_floor", "close_floor", "close_poll"] {
        assert_eq!(
            debate(&mut f, json!({"action": action})).await,
            Err("CONFLICT".into()),
            "{action} without a debate"
        );
    }
    assert_eq!(vote(&mut l, "YES").await, Err("CONFLICT".into()));

    // The start: events in order, YES first, NO paused and held.
    debate(&mut f, json!({"action": "start", "turnSeconds": TURN}))
        .await
        .unwrap();
    let events = debate_events(&mut l, 3, T).await;
    let names: Vec<&str> = events.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "voice:debate_started",
            "voice:debate_turn",
            "voice:user_muted"
        ]
    );
    assert_eq!(events[0].1["turnSeconds"], TURN);
    let turn = &events[1].1;
    assert_eq!(
        (&turn["side"], &turn["walletAddress"], &turn["turn"]),
        (&json!("YES"), &json!(yes.address()), &json!(1))
    );
    assert_eq!(
        events[2].1,
        json!({"walletAddress": no.address(), "muted": true})
    );
    assert_eq!(
        debate(&mut c, json!({"action": "start"})).await,
        Err("CONFLICT".into()),
        "one debate at a time"
    );
    assert_eq!(
        n.request("voice:mute", json!({"muted": false}))
            .await
            .unwrap_err()
            .code(),
        Some("FORBIDDEN"),
        "not your turn"
    );

    // A late joiner sees the turn.
    let (mut j, joined) = join(&node, &late, &id).await;
    let seen = &joined["debate"];
    assert_eq!(seen["turnSeconds"], TURN);
    assert_eq!(seen["turn"], *turn);
    assert_eq!(
        (&seen["floorOpen"], &seen["poll"]),
        (&json!(false), &Value::Null)
    );

    // The floor: everyone may unmute until it closes.
    debate(&mut c, json!({"action": "open_floor"}))
        .await
        .unwrap();
    n.request("voice:mute", json!({"muted": false}))
        .await
        .unwrap();
    debate(&mut f, json!({"action": "close_floor"}))
        .await
        .unwrap();
    let events = debate_events(&mut l, 4, T).await;
    assert_eq!(
        events,
        vec![
            ("voice:debate_floor".into(), json!({"open": true})),
            (
                "voice:user_muted".into(),
                json!({"walletAddress": no.address(), "muted": false})
            ),
            ("voice:debate_floor".into(), json!({"open": false})),
            (
                "voice:user_muted".into(),
                json!({"walletAddress": no.address(), "muted": true})
            ),
        ]
    );

    // The turn runs out on its timer: NO speaks, YES is paused.
    let events = debate_events(&mut l, 3, Duration::from_secs(TURN + 10)).await;
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(events[0].0, "voice:debate_turn");
    assert_eq!(
        (
            &events[0].1["side"],
            &events[0].1["walletAddress"],
            &events[0].1["turn"]
        ),
        (&json!("NO"), &json!(no.address()), &json!(2))
    );
    assert_eq!(
        events[1..],
        [
            (
                "voice:user_muted".into(),
                json!({"walletAddress": no.address(), "muted": false})
            ),
            (
                "voice:user_muted".into(),
                json!({"walletAddress": yes.address(), "muted": true})
            ),
        ]
    );

    // The end: the poll; one weighted vote per wallet, not the host's.
    debate(&mut f, json!({"action": "end"})).await.unwrap();
    let poll = l.next_event("voice:debate_poll", T).await.unwrap();
    assert!(poll["closesAt"].as_str().is_some_and(|t| t.ends_with('Z')));
    for (action, code) in [
        ("next", "CONFLICT"),
        ("open_floor", "CONFLICT"),
        ("start", "CONFLICT"),
    ] {
        assert_eq!(
            debate(&mut f, json!({"action": action})).await,
            Err(code.into())
        );
    }
    assert_eq!(vote(&mut f, "YES").await, Err("FORBIDDEN".into()));
    assert_eq!(vote(&mut c, "NO").await, Err("FORBIDDEN".into()));
    assert_eq!(vote(&mut l, "MAYBE").await, Err("BAD_REQUEST".into()));
    vote(&mut l, "YES").await.unwrap();
    vote(&mut y, "NO").await.unwrap();
    vote(&mut n, "YES").await.unwrap();
    vote(&mut n, "NO").await.unwrap();
    vote(&mut j, "YES").await.unwrap();
    debate(&mut c, json!({"action": "close_poll"}))
        .await
        .unwrap();
    let ended = l.next_event("voice:debate_ended", T).await.unwrap();
    let summary = &ended["summary"];
    assert_eq!(summary["marketAddress"], id);
    assert_eq!(summary["turnSeconds"], TURN);
    let turns = summary["turns"].as_array().unwrap();
    assert_eq!(turns.len(), 2, "{summary}");
    assert_eq!(
        (&turns[0]["side"], &turns[0]["walletAddress"]),
        (&json!("YES"), &json!(yes.address()))
    );
    let first = turns[0]["seconds"].as_f64().unwrap();
    assert!((TURN as f64..TURN as f64 + 2.0).contains(&first), "{first}");
    assert_eq!(summary["speakingSeconds"]["yes"], turns[0]["seconds"]);
    assert_eq!(summary["speakingSeconds"]["no"], turns[1]["seconds"]);
    assert_eq!(
        summary["poll"],
        json!({"yes": {"votes": 2, "weight": 7.0}, "no": {"votes": 2, "weight": 30.0}, "winner": "NO"}),
        "the listener holding nothing counts, weighing 0"
    );
    assert_eq!(
        vote(&mut l, "NO").await,
        Err("CONFLICT".into()),
        "the poll closed"
    );
    for client in [&mut f, &mut c, &mut y, &mut n, &mut j] {
        let theirs = client.next_event("voice:debate_ended", T).await.unwrap();
        assert_eq!(theirs["summary"], *summary, "everyone gets the summary");
    }

    // The summary is kept: the stats list it, newest first.
    let api = Api::new(node.http());
    let path = format!("stats?marketAddress={id}");
    let deadline = tokio::time::Instant::now() + T;
    let stats = loop {
        let (status, body) = api.get(&path).await;
        if status == 200
            && body["data"]["debates"]
                .as_array()
                .is_some_and(|d| !d.is_empty())
        {
            break body["data"].clone();
        }
        assert!(tokio::time::Instant::now() < deadline, "{status} {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(stats["debates"], json!([summary]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rest_call_runs_the_debate_for_the_host_only() {
    let (founder, yes, stranger) = (TestWallet::new(), TestWallet::new(), TestWallet::new());
    let id = random_address();
    let node = TestNode::start(vec![market(&id, &founder, &[(&yes, 3.0, 0.0)])], |_| {});
    let api = Api::new(node.http());
    let host = founder.login(&node.http()).await.unwrap();
    let other = stranger.login(&node.http()).await.unwrap();
    let body = |action: &str| json!({"marketAddress": id, "action": action});

    assert_eq!(
        refusal(api.post(Some(&host), "debate", body("start")).await),
        refused(404, "NOT_FOUND"),
        "no room yet"
    );
    let (mut f, _) = join(&node, &founder, &id).await;
    let (mut y, _) = join(&node, &yes, &id).await;
    f.request(
        "voice:moderate",
        json!({"action": "grant_speaker", "targetWallet": yes.address()}),
    )
    .await
    .unwrap();
    assert_eq!(
        refusal(api.post(None, "debate", body("start")).await),
        refused(401, "UNAUTHORIZED")
    );
    assert_eq!(
        refusal(api.post(Some(&other), "debate", body("start")).await),
        refused(403, "FORBIDDEN")
    );
    let too_short = json!({"marketAddress": id, "action": "start", "turnSeconds": 5});
    for bad in [too_short, body("rewind"), json!({"action": "start"})] {
        assert_eq!(
            refusal(api.post(Some(&host), "debate", bad).await),
            refused(400, "BAD_REQUEST")
        );
    }
    assert_eq!(
        refusal(api.post(Some(&host), "debate", body("close_poll")).await),
        refused(409, "CONFLICT")
    );

    let (status, reply) = api.post(Some(&host), "debate", body("start")).await;
    assert_eq!(
        (status, &reply),
        (200, &json!({"success": true, "data": {}}))
    );
    let turn = y.next_event("voice:debate_turn", T).await.unwrap();
    assert_eq!(turn["walletAddress"], yes.address());
    let unmuted = y.next_event("voice:user_muted", T).await.unwrap();
    assert_eq!(
        unmuted,
        json!({"walletAddress": yes.address(), "muted": false}),
        "the turn's debater is unmuted by it"
    );
    let ends: chrono::DateTime<chrono::Utc> = turn["endsAt"].as_str().unwrap().parse().unwrap();
    let left = ends - chrono::Utc::now();
    assert!(
        left > chrono::Duration::seconds(80),
        "90 s by default: {left}"
    );
    assert_eq!(
        refusal(api.post(Some(&host), "debate", body("start")).await),
        refused(409, "CONFLICT")
    );
    for action in ["end", "close_poll"] {
        let (status, reply) = api.post(Some(&host), "debate", body(action)).await;
        assert_eq!(status, 200, "{action}: {reply}");
    }
    let ended = y.next_event("voice:debate_ended", T).await.unwrap();
    assert_eq!(ended["summary"]["poll"]["winner"], Value::Null, "no votes");
}
