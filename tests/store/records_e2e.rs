//! Records through the real server process, for both stores: a call with
//! real audio, a founder's settings change and a report; SIGTERM during the
//! call; after a restart every record is there and closed, the settings come
//! back with the room, and a wallet can export and erase its records. After
//! SIGKILL, the stays left open are closed when their room opens again.

use std::time::Duration;

use pnl_voice_testkit::api::{refusal, refused, Api};
use pnl_voice_testkit::flows::{start_call, Call, T};
use pnl_voice_testkit::frames::numbered_frame;
use pnl_voice_testkit::mongo::MongoServer;
use pnl_voice_testkit::node::random_address;
use pnl_voice_testkit::process::NodeProcess;
use pnl_voice_testkit::wallet::TestWallet;
use reqwest::Method;
use serde_json::{json, Value};

const SECRET: &str = "records test secret of at least thirty-two bytes";

/// Config lines naming the store under test.
enum StoreUnderTest {
    Embedded(std::path::PathBuf),
    /// The server is held so it lives as long as the test.
    Mongo {
        _server: MongoServer,
        uri: String,
    },
}

impl StoreUnderTest {
    fn config(&self) -> String {
        match self {
            Self::Embedded(dir) => format!("data_dir = {:?}\n", dir.display().to_string()),
            Self::Mongo { uri, .. } => format!("mongodb_uri = {uri:?}\n"),
        }
    }
}

/// Polls `path` until `ready` accepts the body (records reach the store
/// asynchronously).
async fn eventually(
    api: &Api,
    token: Option<&str>,
    path: &str,
    ready: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = std::time::Instant::now() + T;
    loop {
        let (status, body) = api.get_with(token, path).await;
        if status == 200 && ready(&body["data"]) {
            return body["data"].clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{path}: {status} {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn records_survive_sigterm_and_restart(store: StoreUnderTest) {
    let (founder, listener) = (TestWallet::new(), TestWallet::new());
    let market = random_address();
    let markets =
        std::env::temp_dir().join(format!("pnl-voice-markets-{}.json", rand::random::<u64>()));
    std::fs::write(
        &markets,
        json!({"markets": [{"marketAddress": market, "founderWallet": founder.address(), "holdings": {}}]})
            .to_string(),
    )
    .unwrap();
    let config = format!(
        "jwt_secret = {SECRET:?}\nmarkets_file = {:?}\n{}[rooms]\ndestroy_after_minutes = 0\n",
        markets.display().to_string(),
        store.config()
    );
    let mut node = NodeProcess::start(&config).await;
    let api = Api::new(node.http());

    // A call: the founder speaks (real audio with levels), a listener hears.
    let (mut f, f_token) = node.connect(&founder).await;
    let (mut l, l_token) = node.connect(&listener).await;
    let Call { send, recv, .. } = start_call(&mut f, &mut l, &market).await;
    send.send_frames(100, Duration::from_millis(20), |n| numbered_frame(n, 80))
        .await
        .unwrap();
    recv.wait_received(80, T).await.unwrap();
    f.request("voice:update_settings", json!({"maxParticipants": 20}))
        .await
        .unwrap();
    let report =
        json!({"marketAddress": market, "targetWallet": founder.address(), "reason": "too loud"});
    let (status, body) = api.post(Some(&l_token), "report", report).await;
    assert_eq!(status, 200, "{body}");

    // SIGTERM while audio flows: clients are told, records are flushed.
    let sending = send.send_frames(200, Duration::from_millis(20), |n| numbered_frame(n, 80));
    let (_, status) = tokio::join!(
        sending,
        node.signal_and_wait(libc::SIGTERM, Duration::from_secs(30))
    );
    assert!(status.success(), "clean exit: {status}");
    let closed = l.next_event("voice:room_closed", T).await;
    let Some(closed) = closed else {
        let names: Vec<_> = l.buffered().map(|m| m["event"].clone()).collect();
        panic!(
            "the listener is not told; close {:?}; got {names:?}",
            l.wait_closed(T).await
        );
    };
    assert_eq!(closed["reason"], "server_shutdown");
    send.close().await;
    recv.close().await;

    node.restart().await;
    let path = format!("stats?marketAddress={market}");
    let stats = eventually(&api, None, &path, |_| true).await;
    let room = &stats["room"];
    assert_eq!(room["stats"]["totalJoins"], 2, "{stats}");
    assert_eq!(room["stats"]["peakParticipants"], 2);
    assert!(room["stats"]["totalMinutes"].as_f64().unwrap() > 0.0);
    assert_eq!(room["settings"]["maxParticipants"], 20);
    let top = &stats["topSpeakers"];
    assert_eq!(
        top.as_array().unwrap().len(),
        1,
        "only the founder spoke: {stats}"
    );
    assert_eq!(top[0]["walletAddress"], founder.address());
    assert!(
        top[0]["totalSpeakingTime"].as_f64().unwrap() >= 0.5,
        "{stats}"
    );

    let l_token = listener.login(&node.http()).await.unwrap();
    let path = format!("history?walletAddress={}", listener.address());
    let history = eventually(&api, Some(&l_token), &path, |_| true).await;
    let stay = &history["participations"][0];
    assert_eq!(stay["marketAddress"], market);
    assert_eq!(stay["position"], "NONE");
    assert!(stay["leftAt"].is_string(), "closed at shutdown: {stay}");
    assert_eq!(stay["wasKicked"], false);
    assert_eq!(
        refusal(api.get_with(Some(&f_token), &path).await),
        refused(403, "FORBIDDEN"),
        "another wallet's history"
    );
    assert_eq!(
        refusal(api.get_with(None, &path).await),
        refused(401, "UNAUTHORIZED")
    );

    // The room comes back with the founder's settings.
    let (mut f, f_token) = node.connect(&founder).await;
    let joined = f
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();
    assert_eq!(joined["settings"]["maxParticipants"], 20);
    let mine = eventually(&api, Some(&f_token), "me/data", |d| {
        d["participations"].as_array().is_some_and(|p| p.len() == 2)
    })
    .await;
    assert!(
        mine["participations"][0]["leftAt"].is_null(),
        "in the room now"
    );
    assert!(mine["participations"][1]["isFounder"].as_bool().unwrap());
    assert_eq!(mine["reportsAbout"][0]["reason"], "too loud");
    assert!(mine["reportsAbout"][0]["reporterWallet"].is_null());

    // The listener erases itself; room totals stay.
    let (status, erased) = api
        .call(Method::DELETE, Some(&l_token), "me/data", None)
        .await;
    assert_eq!(status, 200, "{erased}");
    assert_eq!(erased["data"]["erased"]["participations"], 1);
    assert_eq!(erased["data"]["erased"]["reports"], 1);
    let (_, mine) = api.get_with(Some(&l_token), "me/data").await;
    assert_eq!(mine["data"]["participations"], json!([]));
    assert_eq!(mine["data"]["reportsFiled"], json!([]));
    let (_, stats) = api.get(&format!("stats?marketAddress={market}")).await;
    assert_eq!(stats["data"]["room"]["stats"]["totalJoins"], 3);
    f.close().await;
    let _ = std::fs::remove_file(markets);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_store_records_survive_sigterm_and_restart() {
    let dir = std::env::temp_dir().join(format!("pnl-voice-records-{}", rand::random::<u64>()));
    records_survive_sigterm_and_restart(StoreUnderTest::Embedded(dir.clone())).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mongodb_store_records_survive_sigterm_and_restart() {
    let server = MongoServer::start();
    let uri = server.fresh_uri();
    records_survive_sigterm_and_restart(StoreUnderTest::Mongo {
        _server: server,
        uri,
    })
    .await;
}

/// SIGKILL leaves the stays of the moment open; the room's next opening
/// closes them as cut short, adding no minutes.
async fn stays_cut_by_a_crash_close_when_the_room_opens_again(store: StoreUnderTest) {
    let (first, second) = (TestWallet::new(), TestWallet::new());
    let market = random_address();
    let mut node = NodeProcess::start(&store.config()).await;
    let api = Api::new(node.http());
    let (mut a, a_token) = node.connect(&first).await;
    let (mut b, _) = node.connect(&second).await;
    for socket in [&mut a, &mut b] {
        socket
            .request("voice:join", json!({"marketAddress": market}))
            .await
            .unwrap();
    }
    let path = format!("history?walletAddress={}", first.address());
    let open = |d: &Value| {
        let stay = &d["participations"][0];
        stay.is_object() && stay["leftAt"].is_null()
    };
    eventually(&api, Some(&a_token), &path, open).await;
    // Both joins written before the crash (records reach the store
    // asynchronously), so the count after it is exact.
    let stats_path = format!("stats?marketAddress={market}");
    let joins = |n: u64| move |d: &Value| d["room"]["stats"]["totalJoins"] == n;
    eventually(&api, None, &stats_path, joins(2)).await;

    let status = node
        .signal_and_wait(libc::SIGKILL, Duration::from_secs(30))
        .await;
    assert!(!status.success(), "killed: {status}");
    node.restart().await;
    let (mut b, _) = node.connect(&second).await;
    b.request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap();

    let a_token = first.login(&node.http()).await.unwrap();
    let closed = |d: &Value| d["participations"][0]["leftAt"].is_string();
    let history = eventually(&api, Some(&a_token), &path, closed).await;
    let stay = &history["participations"][0];
    assert_eq!(stay["cutShort"], true, "{stay}");
    assert_eq!(stay["marketAddress"], market);
    let stats = eventually(&api, None, &stats_path, joins(3)).await;
    assert_eq!(stats["room"]["stats"]["totalMinutes"], 0.0, "{stats}");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_store_closes_stays_cut_by_a_crash() {
    let dir = std::env::temp_dir().join(format!("pnl-voice-records-{}", rand::random::<u64>()));
    stays_cut_by_a_crash_close_when_the_room_opens_again(StoreUnderTest::Embedded(dir.clone()))
        .await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mongodb_store_closes_stays_cut_by_a_crash() {
    let server = MongoServer::start();
    let uri = server.fresh_uri();
    stays_cut_by_a_crash_close_when_the_room_opens_again(StoreUnderTest::Mongo {
        _server: server,
        uri,
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_of_an_unknown_market_and_bad_queries_are_refused() {
    let dir = std::env::temp_dir().join(format!("pnl-voice-records-{}", rand::random::<u64>()));
    let node = NodeProcess::start(&format!("data_dir = {:?}\n", dir.display().to_string())).await;
    let api = Api::new(node.http());
    let path = format!("stats?marketAddress={}", random_address());
    assert_eq!(refusal(api.get(&path).await), refused(404, "NOT_FOUND"));
    assert_eq!(
        refusal(api.get("stats?marketAddress=nope").await),
        refused(400, "INVALID_ADDRESS")
    );
    assert_eq!(refusal(api.get("stats").await), refused(400, "BAD_REQUEST"));
    let me = TestWallet::new();
    let token = me.login(&node.http()).await.unwrap();
    let path = format!("history?walletAddress={}&limit=0", me.address());
    assert_eq!(
        refusal(api.get_with(Some(&token), &path).await),
        refused(400, "BAD_REQUEST")
    );
    assert_eq!(
        refusal(api.call(Method::DELETE, None, "me/data", None).await),
        refused(401, "UNAUTHORIZED")
    );
    let (status, empty) = api.get_with(Some(&token), "me/data").await;
    assert_eq!(status, 200);
    assert_eq!(empty["data"]["participations"], json!([]));
    drop(node);
    let _ = std::fs::remove_dir_all(dir);
}
