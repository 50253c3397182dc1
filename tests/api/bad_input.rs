//! Hostile and malformed input through the real server while a call is
//! running: every attempt gets its contract error, the server stays up,
//! and the call's members notice nothing (their audio flows, no event
//! reaches them but the attackers' own joins and leaves).

use std::time::Duration;

use chrono::Utc;
use pnl_voice::address::Address;
use pnl_voice::auth::TokenKeys;
use pnl_voice_testkit::api::{refusal, Api};
use pnl_voice_testkit::flows::{join_room, opus_rtp, start_call, Call, T};
use pnl_voice_testkit::frames::numbered_frame;
use pnl_voice_testkit::node::{market_with_founder, random_address, TestNode};
use pnl_voice_testkit::signal::{SignalClient, WireError};
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

const SECRET: &str = "bad input suite secret of at least 32 bytes";

/// The contract error code of a refused request.
fn code(result: Result<Value, WireError>) -> String {
    match result {
        Err(e) => e.code().unwrap_or("(no code)").to_string(),
        Ok(reply) => panic!("accepted: {reply}"),
    }
}

/// Raw frames and their expected error codes, sent by a member of the call's room.
async fn malformed_frames(ws: &mut SignalClient) {
    let cases = [
        ("{oops", "BAD_REQUEST"),
        ("[]", "BAD_REQUEST"),
        ("null", "BAD_REQUEST"),
        (r#"{"id":1,"method":7}"#, "BAD_REQUEST"),
        (r#"{"id":2,"method":"voice:fly","data":{}}"#, "BAD_REQUEST"),
        (
            r#"{"id":3,"method":"voice:mute","data":{"muted":"yes"}}"#,
            "BAD_REQUEST",
        ),
        (r#"{"id":4,"method":"voice:mute","data":[]}"#, "BAD_REQUEST"),
        (
            r#"{"id":5,"method":"createTransport","data":{"direction":"sideways"}}"#,
            "BAD_REQUEST",
        ),
        (
            r#"{"id":6,"method":"consume","data":{"transportId":5}}"#,
            "BAD_REQUEST",
        ),
        (
            r#"{"id":7,"method":"voice:moderate","data":{"action":"ban_forever"}}"#,
            "BAD_REQUEST",
        ),
    ];
    for (frame, expected) in cases {
        ws.send_raw(frame).await.unwrap();
        let reply = ws.next_reply(T).await.expect("a reply");
        assert_eq!(reply["ok"], false, "{frame}");
        assert_eq!(reply["error"]["code"], expected, "{frame}: {reply}");
    }
}

/// Requests that name someone else's things or exceed the member's rights.
async fn overreach(ws: &mut SignalClient, call: &Call, bystander: &TestWallet) {
    let dtls = json!({"role": "client", "fingerprints": [{"algorithm": "sha-256", "value":
        "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"}]});
    let cases = [
        (
            "connectTransport",
            json!({"transportId": call.recv.id(), "dtlsParameters": dtls}),
            "NOT_FOUND",
        ),
        (
            "restartIce",
            json!({"transportId": call.send.id()}),
            "NOT_FOUND",
        ),
        (
            "closeProducer",
            json!({"producerId": call.producer}),
            "NOT_FOUND",
        ),
        (
            "consume",
            json!({"transportId": call.recv.id(), "producerId": call.producer,
                   "rtpCapabilities": call.caps}),
            "NOT_FOUND",
        ),
        ("createTransport", json!({"direction": "send"}), "FORBIDDEN"),
        (
            "voice:moderate",
            json!({"action": "kick", "targetWallet": bystander.address()}),
            "FORBIDDEN",
        ),
        ("voice:moderate", json!({"action": "mute_all"}), "FORBIDDEN"),
        (
            "voice:moderate",
            json!({"action": "revoke_speaker", "targetWallet": bystander.address()}),
            "FORBIDDEN",
        ),
    ];
    for (method, data, expected) in cases {
        assert_eq!(code(ws.request(method, data).await), expected, "{method}");
    }
}

/// Bogus media parameters on the attacker's own transports, in a room it founded.
async fn bogus_media(ws: &mut SignalClient, market: &str, bystander_producer: &str) {
    let caps = join_room(ws, market).await;
    let send = ws
        .request("createTransport", json!({"direction": "send"}))
        .await
        .unwrap();
    let recv = ws
        .request("createTransport", json!({"direction": "recv"}))
        .await
        .unwrap();
    let mut no_codecs = opus_rtp(7);
    no_codecs["codecs"] = json!([]);
    let mut huge_ssrc = opus_rtp(8);
    huge_ssrc["encodings"] = json!([{"ssrc": -1}]);
    let cases = [
        (
            "connectTransport",
            json!({"transportId": send["id"], "dtlsParameters": {"role": "client", "fingerprints": []}}),
            "BAD_REQUEST",
        ),
        (
            "connectTransport",
            json!({"transportId": send["id"], "dtlsParameters": {"role": "sideways"}}),
            "BAD_REQUEST",
        ),
        (
            "connectTransport",
            json!({"transportId": send["id"], "dtlsParameters": {"role": "client", "fingerprints":
                [{"algorithm": "md0", "value": "zz"}]}}),
            "BAD_REQUEST",
        ),
        (
            "produce",
            json!({"transportId": send["id"], "kind": "audio", "rtpParameters": {"codecs": "opus"}}),
            "BAD_REQUEST",
        ),
        (
            "produce",
            json!({"transportId": send["id"], "kind": "audio", "rtpParameters": no_codecs}),
            "BAD_REQUEST",
        ),
        (
            "produce",
            json!({"transportId": send["id"], "kind": "audio", "rtpParameters": huge_ssrc}),
            "BAD_REQUEST",
        ),
        (
            "produce",
            json!({"transportId": recv["id"], "kind": "audio", "rtpParameters": opus_rtp(9)}),
            "BAD_REQUEST",
        ),
        (
            "consume",
            json!({"transportId": recv["id"], "producerId": bystander_producer, "rtpCapabilities": caps}),
            "NOT_FOUND",
        ),
        (
            "consume",
            json!({"transportId": recv["id"], "producerId": "not-a-uuid", "rtpCapabilities": caps}),
            "NOT_FOUND",
        ),
        (
            "consume",
            json!({"transportId": recv["id"], "producerId": bystander_producer,
                   "rtpCapabilities": {"codecs": 1}}),
            "BAD_REQUEST",
        ),
    ];
    for (method, data, expected) in cases {
        let got = code(ws.request(method, data.clone()).await);
        assert_eq!(got, expected, "{method} {data}");
    }
}

/// Refusals of the REST surface: addresses, sign-in replays, tokens, rights, sizes.
async fn rest_refusals(
    node: &TestNode,
    market: &str,
    founder: &TestWallet,
    bystander: &TestWallet,
) {
    let http = reqwest::Client::new();
    let post = |path: &str, body: String| {
        http.post(format!("{}/api/{path}", node.http()))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let status_code = |r: reqwest::Response| async move {
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap();
        (
            status,
            body["error"]["code"].as_str().unwrap_or("").to_string(),
        )
    };
    let short_key = bs58::encode([7u8; 31]).into_string();
    for (body, expected) in [
        (json!({"walletAddress": "0OIl"}), (400, "INVALID_ADDRESS")),
        (
            json!({"walletAddress": short_key}),
            (400, "INVALID_ADDRESS"),
        ),
        (json!({"walletAddress": ""}), (400, "INVALID_ADDRESS")),
        (json!({"walletAddress": ["x"]}), (400, "BAD_REQUEST")),
        (json!({}), (400, "BAD_REQUEST")),
    ] {
        let got = status_code(post("auth/challenge", body.to_string()).await.unwrap()).await;
        assert_eq!((got.0, got.1.as_str()), expected, "{body}");
    }
    let oversize = json!({"walletAddress": "1".repeat(64 * 1024)}).to_string();
    let got = status_code(post("auth/challenge", oversize).await.unwrap()).await;
    assert_eq!((got.0, got.1.as_str()), (413, "PAYLOAD_TOO_LARGE"));

    // A signed challenge is good once: the replay is refused.
    let attacker = TestWallet::new();
    let challenge: Value = post(
        "auth/challenge",
        json!({"walletAddress": attacker.address()}).to_string(),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let message = challenge["data"]["message"].as_str().unwrap();
    let verify = json!({"walletAddress": attacker.address(), "nonce": challenge["data"]["nonce"],
                        "signature": attacker.sign_base58(message)})
    .to_string();
    let first = post("auth/verify", verify.clone()).await.unwrap();
    assert_eq!(first.status(), 200);
    let token: Value = first.json().await.unwrap();
    let token = token["data"]["token"].as_str().unwrap().to_string();
    let replay = status_code(post("auth/verify", verify).await.unwrap()).await;
    assert_eq!((replay.0, replay.1.as_str()), (401, "UNAUTHORIZED"));
    let bad_signature = json!({"walletAddress": attacker.address(), "nonce": "00",
                               "signature": "not base58 0OIl"})
    .to_string();
    let got = status_code(post("auth/verify", bad_signature).await.unwrap()).await;
    assert!(matches!(got.0, 400 | 401), "{got:?}");

    // Tokens: expired, signed with another key, or not a token at all.
    let wallet = Address::parse(&attacker.address()).unwrap();
    let expired = TokenKeys::new(SECRET.as_bytes(), 60)
        .issue(&wallet, Utc::now() - chrono::Duration::hours(2))
        .token;
    let forged = TokenKeys::new(b"another key of at least thirty-two bytes", 3600)
        .issue(&Address::parse(&bystander.address()).unwrap(), Utc::now())
        .token;
    let api = Api::new(node.http());
    for bad in [expired.as_str(), forged.as_str(), "not.a.token", ""] {
        let refused = refusal(api.get_with(Some(bad), "me/data").await);
        assert_eq!(refused, (401, "UNAUTHORIZED".to_string()), "{bad}");
        let upgrade = SignalClient::connect(&format!("{}?token={bad}", node.ws())).await;
        assert!(matches!(upgrade, Err(WireError::Http(401))), "{bad}");
    }

    // A valid token acts only for its own wallet, and only a founder moderates.
    let for_another = json!({"marketAddress": market, "walletAddress": bystander.address()});
    assert_eq!(
        refusal(api.post(Some(&token), "join", for_another).await).0,
        403
    );
    for founder in [attacker.address(), founder.address()] {
        let kick = json!({"marketAddress": market, "founderWallet": founder, "action": "kick",
                          "targetWallet": bystander.address()});
        assert_eq!(
            refusal(api.post(Some(&token), "moderate", kick).await),
            (403, "FORBIDDEN".to_string())
        );
        let settings = json!({"marketAddress": market, "founderWallet": founder,
                              "settings": {"maxParticipants": 2}});
        assert_eq!(
            refusal(api.post(Some(&token), "settings", settings).await).0,
            403
        );
    }
    let bad_market = json!({"marketAddress": "0OIl", "walletAddress": attacker.address()});
    assert_eq!(
        refusal(api.post(Some(&token), "join", bad_market).await),
        (400, "INVALID_ADDRESS".to_string())
    );
}

/// Frames too big, and requests faster than the limit, from fresh sockets.
async fn oversize_and_flood(node: &TestNode) {
    let mut big = node.connect(&TestWallet::new()).await;
    big.send_raw(&"x".repeat(70 * 1024)).await.unwrap();
    assert_eq!(big.wait_closed(T).await.unwrap(), Some(1009));

    let mut flood = node.connect(&TestWallet::new()).await;
    let mut limited = 0;
    for n in 0..400 {
        let frame = json!({"id": n, "method": "voice:producers", "data": {}}).to_string();
        if flood.send_raw(&frame).await.is_err() {
            break;
        }
    }
    while let Some(reply) = flood.next_reply(Duration::from_secs(2)).await {
        if reply["error"]["code"] == "RATE_LIMITED" {
            limited += 1;
        }
    }
    assert!(limited > 0, "flooding is answered with RATE_LIMITED");
    assert_eq!(
        flood.wait_closed(T).await.unwrap(),
        Some(1008),
        "then disconnected"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_gets_contract_errors_and_the_call_notices_nothing() {
    let (founder, listener) = (TestWallet::new(), TestWallet::new());
    let (attacker, attacker_founder) = (TestWallet::new(), TestWallet::new());
    let (market, own_market) = (random_address(), random_address());
    let node = TestNode::start(
        vec![
            market_with_founder(&market, &founder.address()),
            market_with_founder(&own_market, &attacker_founder.address()),
        ],
        |c| c.jwt_secret = Some(SECRET.into()),
    );
    let mut founder_ws = node.connect(&founder).await;
    let mut listener_ws = node.connect(&listener).await;
    let call = start_call(&mut founder_ws, &mut listener_ws, &market).await;
    let totals = node.server.app.hub.totals();
    // What the call itself sent (the founder's own `voice:user_muted`, say)
    // is not the attack's doing.
    founder_ws.clear_buffered();
    listener_ws.clear_buffered();

    let mut attacker_ws = node.connect(&attacker).await;
    assert_eq!(
        code(
            attacker_ws
                .request("voice:join", json!({"marketAddress": "0OIl"}))
                .await
        ),
        "INVALID_ADDRESS"
    );
    let short = bs58::encode([1u8; 33]).into_string();
    assert_eq!(
        code(
            attacker_ws
                .request("voice:join", json!({"marketAddress": short}))
                .await
        ),
        "INVALID_ADDRESS"
    );
    join_room(&mut attacker_ws, &market).await;
    malformed_frames(&mut attacker_ws).await;
    overreach(&mut attacker_ws, &call, &listener).await;
    let mut own_ws = node.connect(&attacker_founder).await;
    bogus_media(&mut own_ws, &own_market, &call.producer).await;
    rest_refusals(&node, &market, &founder, &listener).await;
    oversize_and_flood(&node).await;
    attacker_ws.close().await;
    own_ws.close().await;

    // The server is up and the call goes on as before.
    assert_eq!(
        reqwest::get(format!("{}/health", node.http()))
            .await
            .unwrap()
            .status(),
        200
    );
    call.send
        .send_frames(25, Duration::from_millis(20), |n| numbered_frame(n, 60))
        .await
        .unwrap();
    call.recv
        .wait_received(20, T)
        .await
        .expect("audio still flows");
    let producers = listener_ws
        .request("voice:producers", json!({}))
        .await
        .unwrap();
    assert_eq!(producers["producers"][0]["producerId"], call.producer);
    for ws in [&founder_ws, &listener_ws] {
        for message in ws.buffered() {
            let event = message["event"].as_str().unwrap_or("");
            let about = message["data"]["walletAddress"]
                .as_str()
                .or(message["data"]["user"]["walletAddress"].as_str());
            let harmless = matches!(event, "voice:speaking" | "voice:active_speaker")
                || (matches!(event, "voice:user_joined" | "voice:user_left")
                    && about == Some(&attacker.address()));
            assert!(harmless, "a member of the call saw {message}");
        }
    }
    let after = node.wait_totals(T, |t| *t == totals).await;
    assert_eq!(after, totals, "the attackers' resources stayed");
    call.send.close().await;
    call.recv.close().await;
}
