//! The HTTP surface's guards: a JWT secret outside dev mode, sockets per
//! client address, and no secret or token in the logs.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pnl_voice_testkit::node::TestNode;
use pnl_voice_testkit::ports::free_rtc_ports;
use pnl_voice_testkit::server_api::{create_key, keys, ServerApi};
use pnl_voice_testkit::signal::{SignalClient, WireError};
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_pnl-voice");

/// `pnl-voice --check-config` with only `vars` set: (exit code, stderr).
fn check_config(args: &[&str], vars: &[(&str, &str)]) -> (i32, String) {
    let output = Command::new(BIN)
        .args(args)
        .arg("--check-config")
        .env_clear()
        .envs(vars.iter().copied())
        .output()
        .expect("pnl-voice runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn outside_dev_mode_the_server_needs_a_jwt_secret() {
    let (code, stderr) = check_config(&[], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("PNL_VOICE_JWT_SECRET is required") && stderr.contains("--dev"),
        "{stderr}"
    );
    let (code, stderr) = check_config(&[], &[("PNL_VOICE_JWT_SECRET", "too short")]);
    assert_eq!(code, 2);
    assert!(stderr.contains("at least 32 bytes"), "{stderr}");
    let secret = "a production secret of at least 32 bytes";
    assert_eq!(check_config(&[], &[("PNL_VOICE_JWT_SECRET", secret)]).0, 0);
    assert_eq!(check_config(&["--dev"], &[]).0, 0);
    assert_eq!(check_config(&[], &[("PNL_VOICE_DEV", "1")]).0, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_holds_a_limited_number_of_sockets() {
    let node = TestNode::start(vec![], |c| c.limits.ws_connections_per_ip = 2);
    let first = node.connect(&TestWallet::new()).await;
    let _second = node.connect(&TestWallet::new()).await;
    let token = TestWallet::new().login(&node.http()).await.unwrap();
    let url = format!("{}?token={token}", node.ws());
    let third = SignalClient::connect(&url).await;
    assert!(
        matches!(third, Err(WireError::Http(429))),
        "a third socket from 127.0.0.1 is refused"
    );
    let refused = reqwest::Client::new()
        .get(format!("{}/ws?token={token}", node.http()))
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 429);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "RATE_LIMITED");

    first.close().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut again = loop {
        if let Ok(client) = SignalClient::connect(&url).await {
            break client;
        }
        assert!(
            Instant::now() < deadline,
            "the closed socket's place never came back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let served = again
        .request("voice:producers", json!({}))
        .await
        .unwrap_err();
    assert_eq!(
        served.code(),
        Some("NOT_IN_ROOM"),
        "the new socket is served"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_and_tokens_stay_out_of_the_logs_and_error_messages() {
    let jwt_secret = "jwt secret that must never be logged 0123456789";
    let turn_secret = "turn secret that must never be logged 0123456789";
    let webhook_secret = "webhook secret that must never be logged 0123456789";
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = std::env::temp_dir().join(format!("pnl-voice-log-{}.txt", rand::random::<u64>()));
    let data = std::env::temp_dir().join(format!("pnl-voice-data-{}", rand::random::<u64>()));
    let mut child = Command::new(BIN)
        .arg("--log-json")
        .env("PNL_VOICE_HTTP_LISTEN", format!("127.0.0.1:{port}"))
        .env("PNL_VOICE_WORKERS", "1")
        .env("PNL_VOICE_DATA_DIR", &data)
        .env("MEDIASOUP_LISTEN_IP", "127.0.0.1")
        .env(
            "MEDIASOUP_WEBRTC_SERVER_PORT",
            free_rtc_ports(1).to_string(),
        )
        .env("PNL_VOICE_JWT_SECRET", jwt_secret)
        .env("TURN_URLS", "turn:127.0.0.1:3478")
        .env("TURN_SECRET", turn_secret)
        // Deliveries fail (nothing listens there) and are logged as such.
        .env(
            "PNL_VOICE_WEBHOOK_URLS",
            format!("http://127.0.0.1:{}/hooks", nothing_listens()),
        )
        .env("PNL_VOICE_WEBHOOK_SECRET", webhook_secret)
        .env("RUST_LOG", "debug")
        .stdout(Stdio::from(std::fs::File::create(&log).unwrap()))
        .stderr(Stdio::null())
        .spawn()
        .expect("pnl-voice starts");
    let http = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(format!("{http}/health")).await.is_err() {
        assert!(Instant::now() < deadline, "the server never answered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let wallet = TestWallet::new();
    let token = wallet.login(&http).await.unwrap();
    let ws = format!("ws://127.0.0.1:{port}/ws");
    let mut client = SignalClient::connect(&format!("{ws}?token={token}"))
        .await
        .unwrap();
    client
        .request(
            "voice:join",
            json!({"marketAddress": TestWallet::new().address()}),
        )
        .await
        .unwrap();
    let broken = format!("{token}x");
    assert!(SignalClient::connect(&format!("{ws}?token={broken}"))
        .await
        .is_err());
    let refusal = reqwest::Client::new()
        .get(format!("{http}/api/voice/history"))
        .bearer_auth(&broken)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // A market site's backend: a key from the CLI mints a token; a key
    // with a wrong secret is refused.
    let key = create_key(&data, "site", &["tokens:mint"]);
    let site = ServerApi::new(&http, &key);
    let minted = site
        .mint(json!({"walletAddress": wallet.address()}))
        .await
        .unwrap();
    let (id, key_secret) = key.split_once('.').unwrap();
    let (_, wrong_key) = ServerApi::new(&http, &format!("{id}.{}", "f".repeat(64)))
        .post("tokens", json!({"walletAddress": wallet.address()}))
        .await;
    let listed = keys(&data, &["list"]);
    assert!(listed.contains(id) && !listed.contains(key_secret));
    client.close().await;
    // The room's events fail to be delivered at least once.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(&log)
        .unwrap()
        .contains("webhook delivery failed")
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    let logged = std::fs::read_to_string(&log).unwrap();
    let _ = std::fs::remove_file(&log);
    let _ = std::fs::remove_dir_all(&data);

    assert!(logged.lines().count() > 5, "the server logged: {logged}");
    assert!(
        logged.contains("webhook delivery failed"),
        "the sender ran: {logged}"
    );
    let signature = token.rsplit('.').next().unwrap();
    let minted_signature = minted.rsplit('.').next().unwrap();
    let wrong_key = wrong_key.to_string();
    for (what, secret) in [
        ("the JWT secret", jwt_secret),
        ("the TURN secret", turn_secret),
        ("the webhook secret", webhook_secret),
        ("a token's signature", signature),
        ("a minted token's signature", minted_signature),
        ("an API key's secret", key_secret),
    ] {
        assert!(!logged.contains(secret), "{what} was logged");
        assert!(!refusal.contains(secret), "{what} in an error message");
        assert!(!wrong_key.contains(secret), "{what} in a key's refusal");
    }
}

/// A loopback port nothing listens on.
fn nothing_listens() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
