//! The wire contract through the real server: every refusal answered in the
//! contract's format, the connection kept where the contract says so, and
//! nothing left behind.

use std::time::Duration;

use pnl_voice_testkit::flows::opus_rtp;
use pnl_voice_testkit::node::{market_with_founder, random_address, TestNode};
use pnl_voice_testkit::signal::{Incoming, SignalClient, WireError};
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(10);

async fn post(url: &str, body: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn code(error: &WireError) -> &str {
    error.code().unwrap_or("<no server error>")
}

/// The headers every response carries: no sniffing, no referrer, a content
/// policy that allows only the server's own files and framing by itself,
/// and no device but the microphone.
fn assert_security_headers(response: &reqwest::Response, path: &str) {
    let header = |name: &str| {
        response.headers()[name]
            .to_str()
            .unwrap_or_else(|_| panic!("{path}: {name}"))
            .to_string()
    };
    assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
    assert_eq!(header("referrer-policy"), "no-referrer", "{path}");
    let policy = header("content-security-policy");
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'self'",
    ] {
        assert!(policy.contains(directive), "{path}: {policy}");
    }
    assert!(header("permissions-policy").contains("microphone=(self)"));
    assert!(
        response
            .headers()
            .get("strict-transport-security")
            .is_none(),
        "not over plain http"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_the_web_client_are_served_but_nothing_else_of_static() {
    let node = TestNode::start(vec![], |_| {});
    let health: Value = reqwest::get(format!("{}/health", node.http()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["workers"], 1);
    assert_eq!(health["rooms"], 0);
    assert!(health["version"].is_string());

    for path in ["/".to_string(), format!("/rooms/{}", random_address())] {
        let page = reqwest::get(format!("{}{path}", node.http()))
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{path}");
        assert!(page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert_security_headers(&page, &path);
        let head = reqwest::Client::new()
            .head(format!("{}{path}", node.http()))
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), 200, "HEAD {path}");
    }
    for path in ["/style.css", "/dist/app.js", "/health", "/api/voice/rooms"] {
        let response = reqwest::get(format!("{}{path}", node.http()))
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_security_headers(&response, path);
    }
    for path in [
        "/package.json",
        "/src/main.ts",
        "/node_modules/.package-lock.json",
        "/nope",
    ] {
        let response = reqwest::get(format!("{}{path}", node.http()))
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{path} must not be served");
    }
    let body: Value = reqwest::get(format!("{}/api/nope", node.http()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["success"], false);
    assert_eq!(body["error"]["code"], "NOT_FOUND");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_refusals_use_the_envelope() {
    let node = TestNode::start(vec![], |_| {});
    let wallet = TestWallet::new();
    let challenge = format!("{}/api/auth/challenge", node.http());
    let verify = format!("{}/api/auth/verify", node.http());

    let (status, body) = post(
        &challenge,
        &json!({"walletAddress": "not-a-key"}).to_string(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("INVALID_ADDRESS"))
    );
    assert_eq!(body["success"], false);
    let (status, body) = post(&challenge, "{not json").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("BAD_REQUEST"))
    );
    let (status, body) = post(&challenge, &json!({"walletAddress": 5}).to_string()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("BAD_REQUEST"))
    );
    let huge = json!({"walletAddress": "x".repeat(20_000)}).to_string();
    let (status, body) = post(&challenge, &huge).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (413, Some("PAYLOAD_TOO_LARGE"))
    );

    let (status, body) = post(
        &challenge,
        &json!({"walletAddress": wallet.address()}).to_string(),
    )
    .await;
    assert_eq!(status, 200);
    let nonce = body["data"]["nonce"].as_str().unwrap().to_string();
    let message = body["data"]["message"].as_str().unwrap().to_string();
    assert!(message.contains(&wallet.address()) && message.contains(&nonce));
    let forged = TestWallet::new().sign_base58(&message);
    let attempt =
        json!({"walletAddress": wallet.address(), "nonce": nonce, "signature": forged}).to_string();
    let (status, body) = post(&verify, &attempt).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("UNAUTHORIZED"))
    );
    let good = json!({"walletAddress": wallet.address(), "nonce": nonce, "signature": wallet.sign_base58(&message)});
    let (status, _) = post(&verify, &good.to_string()).await;
    assert_eq!(status, 401, "a failed verify used the nonce up");

    let token = wallet.login(&node.http()).await.unwrap();
    assert!(!token.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upgrade_needs_a_valid_token_and_an_allowed_origin() {
    let node = TestNode::start(vec![], |c| {
        c.allowed_origins = vec!["https://pnl.market".into()]
    });
    let token = TestWallet::new().login(&node.http()).await.unwrap();
    let ws = node.ws();

    for url in [
        ws.clone(),
        format!("{ws}?token="),
        format!("{ws}?token=abc.def.ghi"),
    ] {
        let err = SignalClient::connect(&url).await.err().expect("refused");
        assert_eq!(err, WireError::Http(401), "{url}");
    }
    let mut forged = token.clone();
    forged.pop();
    forged.push(if token.ends_with('A') { 'B' } else { 'A' });
    let err = SignalClient::connect(&format!("{ws}?token={forged}"))
        .await
        .err()
        .expect("refused");
    assert_eq!(err, WireError::Http(401));

    let with_token = format!("{ws}?token={token}");
    let err = SignalClient::connect_with_origin(&with_token, Some("https://evil.example"))
        .await
        .err();
    assert_eq!(err, Some(WireError::Http(403)));
    for origin in ["https://pnl.market", node.http().as_str()] {
        let client = SignalClient::connect_with_origin(&with_token, Some(origin)).await;
        assert!(client.is_ok(), "{origin} is allowed");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_bad_request_and_the_socket_stays_open() {
    let node = TestNode::start(vec![], |_| {});
    let mut ws = node.connect(&TestWallet::new()).await;
    for (frame, id) in [
        ("{oops", Value::Null),
        ("[1,2]", Value::Null),
        (r#"{"method":"voice:leave"}"#, Value::Null),
        (r#"{"id":4,"method":"fly"}"#, json!(4)),
        (
            r#"{"id":5,"method":"voice:mute","data":{"muted":"no"}}"#,
            json!(5),
        ),
        (r#"{"id":6,"method":"createTransport","data":{}}"#, json!(6)),
    ] {
        ws.send_raw(frame).await.unwrap();
        let reply = ws.next_reply(T).await.expect("a reply");
        assert_eq!(reply["id"], id, "{frame}");
        assert_eq!(reply["ok"], false);
        assert_eq!(reply["error"]["code"], "BAD_REQUEST", "{frame}");
        assert!(reply["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    let err = ws
        .request("voice:join", json!({"marketAddress": "0OIl"}))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "INVALID_ADDRESS");
    let err = ws
        .request("createTransport", json!({"direction": "recv"}))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NOT_IN_ROOM");
    let market = random_address();
    ws.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_requests_refuse_what_does_not_exist_or_does_not_fit() {
    let founder = TestWallet::new();
    let market = random_address();
    let node = TestNode::start(
        vec![market_with_founder(&market, &founder.address())],
        |_| {},
    );
    let mut ws = node.connect(&founder).await;
    let joined = ws
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();

    let err = ws
        .request("voice:join", json!({"marketAddress": random_address()}))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "CONFLICT", "one room per connection");

    let dtls = json!({"role": "client", "fingerprints": [{"algorithm": "sha-256", "value":
        "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"}]});
    let unknown = "00000000-0000-0000-0000-000000000000";
    let cases = [
        (
            "connectTransport",
            json!({"transportId": unknown, "dtlsParameters": dtls}),
            "NOT_FOUND",
        ),
        ("restartIce", json!({"transportId": unknown}), "NOT_FOUND"),
        (
            "resumeConsumer",
            json!({"consumerId": unknown}),
            "NOT_FOUND",
        ),
        ("pauseConsumer", json!({"consumerId": unknown}), "NOT_FOUND"),
        ("closeProducer", json!({"producerId": unknown}), "NOT_FOUND"),
        (
            "produce",
            json!({"transportId": unknown, "kind": "audio", "rtpParameters": opus_rtp(1)}),
            "NOT_FOUND",
        ),
        (
            "produce",
            json!({"transportId": unknown, "kind": "video", "rtpParameters": opus_rtp(1)}),
            "BAD_REQUEST",
        ),
    ];
    for (method, data, expected) in cases {
        let err = ws.request(method, data).await.unwrap_err();
        assert_eq!(code(&err), expected, "{method}");
    }

    let send = ws
        .request("createTransport", json!({"direction": "send"}))
        .await
        .unwrap();
    let candidate = &send["iceCandidates"][0];
    assert_eq!(
        candidate["ip"], candidate["address"],
        "candidates carry ip and address"
    );
    assert_eq!(candidate["ip"], "127.0.0.1");
    let err = ws
        .request("createTransport", json!({"direction": "send"}))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "CONFLICT");
    let send_id = send["id"].clone();

    let mut pcmu = opus_rtp(2);
    pcmu["codecs"][0] = json!({"mimeType": "audio/PCMU", "payloadType": 0, "clockRate": 8000, "channels": 1,
                               "parameters": {}, "rtcpFeedback": []});
    let err = ws
        .request(
            "produce",
            json!({"transportId": send_id, "kind": "audio", "rtpParameters": pcmu}),
        )
        .await
        .unwrap_err();
    assert_eq!(code(&err), "BAD_REQUEST", "a codec the router lacks");
    let produced = ws
        .request(
            "produce",
            json!({"transportId": send_id, "kind": "audio", "rtpParameters": opus_rtp(3)}),
        )
        .await
        .unwrap();
    let err = ws
        .request(
            "produce",
            json!({"transportId": send_id, "kind": "audio", "rtpParameters": opus_rtp(4)}),
        )
        .await
        .unwrap_err();
    assert_eq!(code(&err), "CONFLICT", "one producer per participant");

    let listener = TestWallet::new();
    let mut lws = node.connect(&listener).await;
    lws.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    let recv = lws
        .request("createTransport", json!({"direction": "recv"}))
        .await
        .unwrap();
    let no_opus = json!({"codecs": [{"kind": "audio", "mimeType": "audio/PCMU", "preferredPayloadType": 0,
        "clockRate": 8000, "channels": 1, "parameters": {}, "rtcpFeedback": []}], "headerExtensions": []});
    let err = lws
        .request("consume", json!({"transportId": recv["id"], "producerId": produced["id"], "rtpCapabilities": no_opus}))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "CANNOT_CONSUME");
    let err = lws
        .request(
            "consume",
            json!({"transportId": send_id, "producerId": produced["id"],
                                   "rtpCapabilities": joined["rtpCapabilities"]}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        code(&err),
        "NOT_FOUND",
        "another member's transport is not yours"
    );
    let err = lws
        .request(
            "consume",
            json!({"transportId": recv["id"], "producerId": unknown,
                                   "rtpCapabilities": joined["rtpCapabilities"]}),
        )
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NOT_FOUND");

    let other_market = random_address();
    let outsider = TestWallet::new();
    let mut ows = node.connect(&outsider).await;
    ows.request("voice:join", json!({"marketAddress": other_market}))
        .await
        .unwrap();
    let orecv = ows
        .request("createTransport", json!({"direction": "recv"}))
        .await
        .unwrap();
    let err = ows
        .request(
            "consume",
            json!({"transportId": orecv["id"], "producerId": produced["id"],
                                   "rtpCapabilities": joined["rtpCapabilities"]}),
        )
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NOT_FOUND", "a producer of another room");

    for client in [ws, lws, ows] {
        client.close().await;
    }
    assert_eq!(node.wait_idle(T).await, Default::default());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_session_of_a_wallet_replaces_the_first() {
    let node = TestNode::start(vec![], |_| {});
    let wallet = TestWallet::new();
    let market = random_address();
    let mut first = node.connect(&wallet).await;
    first
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();

    let mut second = node.connect(&wallet).await;
    let err = second
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "RATE_LIMITED", "one join per second per wallet");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let joined = second
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    assert_eq!(joined["participants"].as_array().unwrap().len(), 1);

    let closed = first
        .next_event("voice:room_closed", T)
        .await
        .expect("room_closed");
    assert_eq!(closed["reason"], "replaced");
    first.wait_closed(T).await.expect("old socket closed");
    let totals = node.wait_totals(T, |t| t.counts.members == 1).await;
    assert_eq!(totals.counts.members, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversize_frames_close_with_1009() {
    let node = TestNode::start(vec![], |_| {});
    let mut ws = node.connect(&TestWallet::new()).await;
    let big = format!(
        r#"{{"id":1,"method":"voice:leave","data":{{"pad":"{}"}}}}"#,
        "x".repeat(70 * 1024)
    );
    ws.send_raw(&big).await.unwrap();
    assert_eq!(ws.wait_closed(T).await, Ok(Some(1009)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flooding_is_rate_limited_then_disconnected() {
    let node = TestNode::start(vec![], |c| {
        c.limits.ws_requests_per_sec = 10;
        c.limits.ws_flood_disconnect_after = 20;
    });
    let mut ws = node.connect(&TestWallet::new()).await;
    let mut codes = Vec::new();
    for id in 0..25 {
        ws.send_raw(&json!({"id": id, "method": "voice:producers"}).to_string())
            .await
            .unwrap();
    }
    for _ in 0..25 {
        let reply = ws.next_reply(T).await.expect("every request is answered");
        codes.push(
            reply["error"]["code"]
                .as_str()
                .unwrap_or_else(|| panic!("{reply}"))
                .to_string(),
        );
    }
    assert!(codes
        .iter()
        .all(|c| c == "NOT_IN_ROOM" || c == "RATE_LIMITED"));
    assert!(
        codes.iter().filter(|c| *c == "NOT_IN_ROOM").count() >= 10,
        "a burst of 10 passes"
    );
    assert!(
        codes.iter().any(|c| c == "RATE_LIMITED"),
        "the rest is rate limited"
    );

    for id in 100..400 {
        if ws
            .send_raw(&json!({"id": id, "method": "voice:producers"}).to_string())
            .await
            .is_err()
        {
            break;
        }
    }
    let mut closed = None;
    let mut notice = None;
    while let Some(frame) = ws.recv_raw(T).await {
        match frame {
            Incoming::Text(text) if text.contains("voice:error") => notice = Some(text),
            Incoming::Closed(code) => {
                closed = Some(code);
                break;
            }
            _ => {}
        }
    }
    let notice: Value =
        serde_json::from_str(&notice.expect("a voice:error before the close")).unwrap();
    assert_eq!(notice["data"]["code"], "RATE_LIMITED");
    assert_eq!(
        closed,
        Some(Some(1008)),
        "a flood ends with a policy-violation close"
    );
}
