//! Abuse, as an attacker on loopback would try it: a sign-in flood, REST
//! floods, consumers without end, a crafted `produce`, a DNS-rebinding
//! origin, a trickled body, report and room floods. Each is refused in the
//! contract's envelope while everyone else is served.

use std::time::{Duration, Instant};

use futures_util::{stream, StreamExt};
use pnl_voice_testkit::api::{refusal, refused, Api};
use pnl_voice_testkit::flows::{join_room, opus_rtp, start_speaking, T};
use pnl_voice_testkit::node::{random_address, TestNode};
use pnl_voice_testkit::signal::SignalClient;
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The flooder's address, as the trusted proxy names it.
const FLOODER: &str = "198.51.100.7";
/// Another user's address.
const USER: &str = "203.0.113.5";

/// `POST /api/auth/{path}` from `ip` (as the trusted proxy names it):
/// (status, Retry-After, body).
async fn auth_post(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    ip: &str,
    body: Value,
) -> (u16, Option<String>, Value) {
    let response = http
        .post(format!("{base}/api/auth/{path}"))
        .header("x-forwarded-for", ip)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    (status, retry, response.json().await.unwrap_or(Value::Null))
}

/// Signs in `wallet` from `ip`, with the challenge `challenge` when given.
async fn verify(
    http: &reqwest::Client,
    base: &str,
    ip: &str,
    wallet: &TestWallet,
    challenge: &Value,
) -> (u16, Value) {
    let body = json!({"walletAddress": wallet.address(), "nonce": challenge["nonce"],
        "signature": wallet.sign_base58(challenge["message"].as_str().unwrap())});
    let (status, _, body) = auth_post(http, base, "verify", ip, body).await;
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_challenge_flood_leaves_other_sign_ins_and_sockets_working() {
    let node = TestNode::start(vec![], |c| {
        c.trust_proxy_headers = true;
        c.limits.rest_requests_per_sec = 20;
        c.limits.rest_burst = 100;
    });
    let base = node.http();
    let http = reqwest::Client::new();

    // A member in a room, whose socket keeps answering during the flood.
    let member = TestWallet::new();
    let mut socket = node.connect(&member).await;
    join_room(&mut socket, &random_address()).await;

    // A user asks for a challenge just before the flood.
    let user = TestWallet::new();
    let body = json!({"walletAddress": user.address()});
    let (status, _, before) = auth_post(&http, &base, "challenge", USER, body.clone()).await;
    assert_eq!(status, 200);

    // One address floods: challenges for fresh wallets and for the user's.
    let flood = stream::iter(0..2_000)
        .map(|n| {
            let (http, base) = (http.clone(), base.clone());
            let wallet = if n % 2 == 0 {
                user.address()
            } else {
                random_address()
            };
            async move {
                auth_post(
                    &http,
                    &base,
                    "challenge",
                    FLOODER,
                    json!({"walletAddress": wallet}),
                )
                .await
            }
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>();
    let member_round_trips = async {
        let mut answered = 0;
        for _ in 0..20 {
            let reply = socket.request("voice:producers", json!({})).await;
            answered += usize::from(reply.is_ok());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        answered
    };
    let other = TestWallet::new();
    let other_signs_in = async {
        let body = json!({"walletAddress": other.address()});
        let (status, _, challenge) = auth_post(&http, &base, "challenge", USER, body).await;
        assert_eq!(
            status, 200,
            "another address is not the flooder's: {challenge}"
        );
        verify(&http, &base, USER, &other, &challenge["data"]).await
    };
    let (outcomes, answered, (again, signed)) =
        tokio::join!(flood, member_round_trips, other_signs_in);

    let issued = outcomes.iter().filter(|(s, _, _)| *s == 200).count();
    let limited: Vec<_> = outcomes.iter().filter(|(s, _, _)| *s != 200).collect();
    assert!(
        issued <= 200,
        "the flood got {issued} challenges: one address is limited"
    );
    for (status, retry, body) in &limited {
        assert_eq!(*status, 429, "{body}");
        assert_eq!(body["success"], false);
        assert_eq!(body["error"]["code"], "RATE_LIMITED", "{body}");
        if body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("this address")
        {
            let secs: u64 = retry.as_deref().expect("Retry-After").parse().unwrap();
            assert!(secs >= 1);
        }
    }
    assert_eq!(answered, 20, "the member's socket answered throughout");
    assert_eq!(
        again, 200,
        "another user signs in during the flood: {signed}"
    );
    let (status, signed) = verify(&http, &base, USER, &user, &before["data"]).await;
    assert_eq!(
        status, 200,
        "the challenge issued before the flood still verifies: {signed}"
    );
    socket.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wallet_holds_a_few_live_challenges_per_address_and_keeps_them() {
    let node = TestNode::start(vec![], |c| c.trust_proxy_headers = true);
    let base = node.http();
    let http = reqwest::Client::new();
    let user = TestWallet::new();
    let body = json!({"walletAddress": user.address()});
    let (_, _, first) = auth_post(&http, &base, "challenge", USER, body.clone()).await;
    // Others ask for the user's challenges from many addresses: each is
    // served from its own share, the user's is untouched.
    for n in 0..20 {
        let ip = format!("192.0.2.{n}");
        let (status, _, _) = auth_post(&http, &base, "challenge", &ip, body.clone()).await;
        assert_eq!(status, 200);
    }
    // From one address, a wallet holds a few live challenges.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let (status, _, refusal) = auth_post(&http, &base, "challenge", USER, body.clone()).await;
        if status != 200 {
            assert_eq!(refusal["error"]["code"], "RATE_LIMITED", "{refusal}");
        }
        statuses.push(status);
    }
    assert_eq!(statuses, [200, 200, 200, 200, 429, 429]);
    let (status, signed) = verify(&http, &base, USER, &user, &first["data"]).await;
    assert_eq!(status, 200, "no live challenge is evicted: {signed}");
    let (status, _, _) = auth_post(&http, &base, "challenge", USER, body).await;
    assert_eq!(status, 200, "a used challenge frees its place");
}

/// A listener consumes a producer once, and a bounded number in all;
/// the checks keep their order (a bad transport is `NOT_FOUND` first).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumes_past_one_per_producer_and_the_transport_cap_are_refused() {
    let node = TestNode::start(vec![], |c| {
        c.media.max_consumers_per_transport = 2;
        c.limits.ws_requests_per_sec = 10_000;
    });
    let market = random_address();
    let mut speakers = Vec::new();
    let mut producers = Vec::new();
    for _ in 0..3 {
        let mut s = node.connect(&TestWallet::new()).await;
        let caps = join_room(&mut s, &market).await;
        let (send, producer) = start_speaking(&mut s, &caps).await;
        producers.push(producer);
        speakers.push((s, send));
    }
    let mut l = node.connect(&TestWallet::new()).await;
    let caps = join_room(&mut l, &market).await;
    let recv = l
        .request("createTransport", json!({"direction": "recv"}))
        .await
        .unwrap();
    let consume = |producer: &str| json!({"transportId": recv["id"], "producerId": producer, "rtpCapabilities": caps});
    l.request("consume", consume(&producers[0])).await.unwrap();
    for _ in 0..199 {
        let err = l
            .request("consume", consume(&producers[0]))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some("CONFLICT"), "{err}");
    }
    let wrong_transport =
        json!({"transportId": "nope", "producerId": producers[0], "rtpCapabilities": caps});
    let err = l.request("consume", wrong_transport).await.unwrap_err();
    assert_eq!(
        err.code(),
        Some("NOT_FOUND"),
        "the transport is checked first"
    );
    l.request("consume", consume(&producers[1])).await.unwrap();
    let err = l
        .request("consume", consume(&producers[2]))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("CONFLICT"), "the transport's cap: {err}");
    let deadline = Instant::now() + T;
    while node.server.app.hub.totals().counts.consumers != 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        node.server.app.hub.totals().counts.consumers,
        2,
        "no consumer beyond the two allowed"
    );

    l.close().await;
    for (s, _) in speakers {
        s.close().await;
    }
    assert_eq!(node.wait_idle(T).await, Default::default());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_produce_whose_rtx_names_itself_is_refused_and_the_socket_lives() {
    let node = TestNode::start(vec![], |_| {});
    let mut s = node.connect(&TestWallet::new()).await;
    join_room(&mut s, &random_address()).await;
    let send = s
        .request("createTransport", json!({"direction": "send"}))
        .await
        .unwrap();
    for apt in [101, 102] {
        let mut rtp = opus_rtp(1234);
        let codecs = rtp["codecs"].as_array_mut().unwrap();
        codecs.push(
            json!({"mimeType": "audio/rtx", "payloadType": 101, "clockRate": 48000,
            "channels": 1, "parameters": {"apt": apt}, "rtcpFeedback": []}),
        );
        codecs.push(
            json!({"mimeType": "audio/rtx", "payloadType": 102, "clockRate": 48000,
            "channels": 1, "parameters": {"apt": 101}, "rtcpFeedback": []}),
        );
        let err = s
            .request(
                "produce",
                json!({"transportId": send["id"], "kind": "audio", "rtpParameters": rtp}),
            )
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some("BAD_REQUEST"), "{err}");
        assert!(
            err.to_string().contains("apt"),
            "refused for its apt: {err}"
        );
    }
    let producers = s.request("voice:producers", json!({})).await;
    assert!(producers.is_ok(), "the socket lives: {producers:?}");
    let produced = s
        .request(
            "produce",
            json!({"transportId": send["id"], "kind": "audio", "rtpParameters": opus_rtp(1234)}),
        )
        .await;
    assert!(produced.is_ok(), "a sound produce works: {produced:?}");
    s.close().await;
    assert_eq!(node.wait_idle(T).await, Default::default());
}

/// The response head of a raw HTTP/1.1 request to `addr`, up to the
/// blank line (bounded by [`T`]).
async fn raw_head(addr: std::net::SocketAddr, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    let read = async {
        while !head.ends_with(b"\r\n\r\n") {
            if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                break;
            }
            head.push(byte[0]);
        }
    };
    tokio::time::timeout(T, read).await.expect("a response");
    String::from_utf8_lossy(&head).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn origins_are_judged_by_the_configuration_only() {
    let node = TestNode::start(vec![], |c| {
        c.allowed_origins = vec!["https://pnl.market".into()];
    });
    let token = TestWallet::new().login(&node.http()).await.unwrap();
    let upgrade = |origin: &str, host: &str| {
        format!(
            "GET /ws?token={token} HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\n\
             Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        )
    };
    let rebound = raw_head(
        node.server.addr,
        &upgrade("http://evil.example", "evil.example"),
    )
    .await;
    assert!(rebound.starts_with("HTTP/1.1 403"), "{rebound}");
    let host = node.server.addr.to_string();
    let allowed = raw_head(node.server.addr, &upgrade("https://pnl.market", &host)).await;
    assert!(allowed.starts_with("HTTP/1.1 101"), "{allowed}");
    let own = raw_head(node.server.addr, &upgrade(&node.http(), &host)).await;
    assert!(own.starts_with("HTTP/1.1 101"), "{own}");

    // CORS: a refused origin's preflight is a 403 in the envelope.
    let http = reqwest::Client::new();
    let preflight = |origin: &'static str| {
        http.request(
            reqwest::Method::OPTIONS,
            format!("{}/api/voice/rooms", node.http()),
        )
        .header("origin", origin)
        .header("access-control-request-method", "GET")
        .send()
    };
    let refused_preflight = preflight("http://evil.example").await.unwrap();
    let status = refused_preflight.status().as_u16();
    let body: Value = refused_preflight.json().await.unwrap();
    assert_eq!(refusal((status, body)), refused(403, "FORBIDDEN"));
    let allowed = preflight("https://pnl.market").await.unwrap();
    assert!(allowed.status().is_success());
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://pnl.market"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickled_body_is_cut_off() {
    let node = TestNode::start(vec![], |c| c.limits.request_timeout_ms = 1000);
    let mut stream = TcpStream::connect(node.server.addr).await.unwrap();
    let head = format!(
        "POST /api/auth/challenge HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\n\r\n",
        node.server.addr
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut closed = false;
    // One byte a second, for at most 20 s, until the server closes.
    for _ in 0..20 {
        if stream.write_all(b" ").await.is_err() {
            closed = true;
            break;
        }
        let mut buf = [0u8; 1024];
        match tokio::time::timeout(Duration::from_secs(1), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                closed = true;
                break;
            }
            Ok(Ok(n)) => answer.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        closed,
        "the connection is still open after {:?}: {answer}",
        started.elapsed()
    );
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "{answer}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_and_new_rooms_are_limited() {
    let node = TestNode::start(vec![], |c| {
        c.limits.reports_per_minute = 5;
        c.limits.rooms_per_minute_per_wallet = 100;
        c.limits.rooms_per_minute_per_ip = 3;
    });
    let api = Api::new(node.http());
    let market = random_address();
    let reporter = TestWallet::new();
    let token = reporter.login(&node.http()).await.unwrap();
    let mut socket = SignalClient::connect(&format!("{}?token={token}", node.ws()))
        .await
        .unwrap();
    join_room(&mut socket, &market).await;
    let report =
        json!({"marketAddress": market, "targetWallet": random_address(), "reason": "spam"});
    for _ in 0..5 {
        let (status, body) = api.post(Some(&token), "report", report.clone()).await;
        assert_eq!(status, 200, "{body}");
    }
    let limited = api.post(Some(&token), "report", report).await;
    let wait = limited.1["error"]["retryAfterSecs"].as_u64();
    assert!(
        wait.is_some_and(|secs| (1..=60).contains(&secs)),
        "the wait is said: {}",
        limited.1
    );
    assert_eq!(refusal(limited), refused(429, "RATE_LIMITED"));

    // Rooms from one address: the first room counted, two more, then refused;
    // joining a running room is never limited.
    let mut sockets = vec![socket];
    for n in 0..3 {
        let mut s = node.connect(&TestWallet::new()).await;
        let joined = s
            .request("voice:join", json!({"marketAddress": random_address()}))
            .await;
        if n < 2 {
            joined.unwrap();
        } else {
            assert_eq!(joined.unwrap_err().code(), Some("RATE_LIMITED"));
        }
        sockets.push(s);
    }
    let mut late = node.connect(&TestWallet::new()).await;
    join_room(&mut late, &market).await;
    let token = TestWallet::new().login(&node.http()).await.unwrap();
    let wallet_of = |t: &str| {
        let claims = t.split('.').nth(1).unwrap();
        let claims: Value = serde_json::from_slice(
            &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims)
                .unwrap(),
        )
        .unwrap();
        claims["sub"].as_str().unwrap().to_string()
    };
    let body = json!({"marketAddress": random_address(), "walletAddress": wallet_of(&token)});
    assert_eq!(
        refusal(api.post(Some(&token), "join", body).await),
        refused(429, "RATE_LIMITED"),
        "REST reservations of new rooms count too"
    );
    for s in sockets.into_iter().chain([late]) {
        s.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bearer_scheme_is_case_insensitive() {
    let node = TestNode::start(vec![], |_| {});
    let token = TestWallet::new().login(&node.http()).await.unwrap();
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let response = reqwest::Client::new()
            .get(format!("{}/api/voice/me/data", node.http()))
            .header("authorization", format!("{scheme} {token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{scheme}");
    }
}
