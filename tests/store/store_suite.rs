//! One suite, two stores: every case runs against the embedded SQLite store
//! and against the MongoDB store through the official driver over a real
//! socket (a MongoDB-wire server: see `pnl_voice_testkit::mongo`).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use pnl_voice::address::Address;
use pnl_voice::rooms::{
    rfc3339, DebatePollResult, DebateSide, DebateSpeakingSeconds, DebateSummary, DebateTally,
    DebateTurnRecord, Position, RoomSettings,
};
use pnl_voice::server_api::Scope;
use pnl_voice::store::{
    self, ApiKeyRecord, DeliveryOutcome, MongoStore, ParticipationRecord, Recorder, ReportRecord,
    SqliteStore, Store, Write,
};
use pnl_voice_testkit::mongo::MongoServer;
use pnl_voice_testkit::node::random_address;
use uuid::Uuid;

fn addr() -> Address {
    Address::parse(&random_address()).unwrap()
}

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000 + secs, 0).unwrap()
}

fn settings(max: u32) -> RoomSettings {
    RoomSettings {
        max_participants: max,
        speaker_only: true,
        auto_destroy: true,
        destroy_after_minutes: 5,
    }
}

fn joined(market: &Address, wallet: &Address, secs: i64, participants: u64) -> Write {
    Write::Joined {
        participation: ParticipationRecord {
            id: Uuid::new_v4(),
            market_address: market.clone(),
            wallet_address: wallet.clone(),
            position: Position::Yes,
            position_size: 12.5,
            is_founder: false,
            joined_at: at(secs),
            left_at: None,
            total_speaking_time: 0.0,
            was_kicked: false,
            cut_short: false,
        },
        participants,
    }
}

fn left(join: &Write, secs: i64, speaking: f64, kicked: bool) -> Write {
    let Write::Joined { participation, .. } = join else {
        panic!("not a join")
    };
    Write::Left {
        id: participation.id,
        market: participation.market_address.clone(),
        joined_at: participation.joined_at,
        left_at: at(secs),
        speaking_secs: speaking,
        was_kicked: kicked,
    }
}

fn report(market: &Address, reporter: &Address, target: &Address, secs: i64) -> ReportRecord {
    ReportRecord {
        id: Uuid::new_v4(),
        market_address: market.clone(),
        reporter_wallet: Some(reporter.clone()),
        target_wallet: Some(target.clone()),
        reason: "shouting".into(),
        created_at: at(secs),
    }
}

async fn a_room_is_recorded_with_its_worker_and_settings(store: Arc<dyn Store>) {
    let market = addr();
    assert_eq!(store.room(&market).await.unwrap(), None);
    store
        .apply(&[Write::RoomOpened {
            market: market.clone(),
            worker_id: "w-1".into(),
            settings: settings(50),
            at: at(0),
        }])
        .await
        .unwrap();
    let room = store.room(&market).await.unwrap().expect("recorded");
    assert_eq!(room.worker_id, "w-1");
    assert_eq!(room.created_at, at(0));
    assert_eq!(room.last_activity_at, at(0));
    assert_eq!(room.settings, Some(settings(50)));
    assert_eq!(room.stats.total_joins, 0);

    store
        .apply(&[Write::RoomOpened {
            market: market.clone(),
            worker_id: "w-2".into(),
            settings: settings(50),
            at: at(60),
        }])
        .await
        .unwrap();
    let room = store.room(&market).await.unwrap().unwrap();
    assert_eq!(room.worker_id, "w-2", "the worker of the latest run");
    assert_eq!(room.created_at, at(0), "first creation kept");
    assert_eq!(room.last_activity_at, at(60));
}

async fn the_founders_settings_outlive_a_room_reopened_on_defaults(store: Arc<dyn Store>) {
    let market = addr();
    store
        .apply(&[
            Write::RoomOpened {
                market: market.clone(),
                worker_id: "w".into(),
                settings: settings(50),
                at: at(0),
            },
            Write::SettingsChanged {
                market: market.clone(),
                settings: settings(7),
                at: at(10),
            },
            Write::RoomOpened {
                market: market.clone(),
                worker_id: "w".into(),
                settings: settings(50),
                at: at(20),
            },
        ])
        .await
        .unwrap();
    let room = store.room(&market).await.unwrap().unwrap();
    assert_eq!(room.settings, Some(settings(7)));
}

async fn joins_and_leaves_make_the_room_totals(store: Arc<dyn Store>) {
    let market = addr();
    let (a, b) = (addr(), addr());
    let ja = joined(&market, &a, 0, 1);
    let jb = joined(&market, &b, 30, 2);
    store.apply(&[ja.clone(), jb.clone()]).await.unwrap();
    let room = store
        .room(&market)
        .await
        .unwrap()
        .expect("a join creates the record");
    assert_eq!(room.stats.total_joins, 2);
    assert_eq!(room.stats.peak_participants, 2);
    assert_eq!(room.settings, None);

    store
        .apply(&[left(&ja, 120, 4.5, false), left(&jb, 90, 0.0, true)])
        .await
        .unwrap();
    let room = store.room(&market).await.unwrap().unwrap();
    assert!(
        (room.stats.total_minutes - 3.0).abs() < 1e-9,
        "2 + 1 minutes"
    );
    assert_eq!(room.last_activity_at, at(120));

    let history = store.history(&a, 10).await.unwrap();
    assert_eq!(history.len(), 1);
    let h = &history[0];
    assert_eq!((h.joined_at, h.left_at), (at(0), Some(at(120))));
    assert_eq!(h.total_speaking_time, 4.5);
    assert_eq!((h.position, h.position_size), (Position::Yes, 12.5));
    assert!(!h.was_kicked);
    assert!(store.history(&b, 10).await.unwrap()[0].was_kicked);
}

async fn a_batch_applied_twice_counts_once(store: Arc<dyn Store>) {
    let market = addr();
    let w = addr();
    let j = joined(&market, &w, 0, 1);
    let batch = vec![
        j.clone(),
        left(&j, 60, 1.0, false),
        Write::Report(report(&market, &w, &addr(), 5)),
    ];
    store.apply(&batch).await.unwrap();
    store.apply(&batch).await.unwrap();
    let room = store.room(&market).await.unwrap().unwrap();
    assert_eq!(room.stats.total_joins, 1);
    assert!((room.stats.total_minutes - 1.0).abs() < 1e-9);
    assert_eq!(store.history(&w, 10).await.unwrap().len(), 1);
    assert_eq!(store.reports_of(&w).await.unwrap().0.len(), 1);
}

async fn a_leave_without_its_join_changes_nothing(store: Arc<dyn Store>) {
    let market = addr();
    let j = joined(&market, &addr(), 0, 1);
    store.apply(&[left(&j, 60, 1.0, false)]).await.unwrap();
    assert_eq!(store.room(&market).await.unwrap(), None);
}

async fn stays_cut_short_by_a_crash_close_when_the_room_opens_again(store: Arc<dyn Store>) {
    let market = addr();
    let (a, b) = (addr(), addr());
    let ja = joined(&market, &a, 0, 1);
    let jb = joined(&market, &b, 30, 2);
    let elsewhere = joined(&addr(), &a, 10, 1);
    store
        .apply(&[
            ja.clone(),
            jb.clone(),
            elsewhere.clone(),
            left(&jb, 60, 2.0, false),
        ])
        .await
        .unwrap();

    let reopened = |secs| Write::CutShort {
        market: market.clone(),
        at: at(secs),
    };
    store.apply(&[reopened(600), reopened(700)]).await.unwrap();
    let history = store.history(&a, 10).await.unwrap();
    let (other_room, this_room) = (&history[0], &history[1]);
    assert_eq!(
        this_room.left_at,
        Some(at(600)),
        "closed when the room opened"
    );
    assert!(this_room.cut_short);
    assert_eq!(other_room.left_at, None, "another room's stay stays open");
    let closed_normally = &store.history(&b, 10).await.unwrap()[0];
    assert_eq!(closed_normally.left_at, Some(at(60)));
    assert!(!closed_normally.cut_short);
    let room = store.room(&market).await.unwrap().unwrap();
    assert!(
        (room.stats.total_minutes - 0.5).abs() < 1e-9,
        "a stay cut short adds no minutes"
    );

    let late_leave = left(&ja, 300, 4.0, false);
    store
        .apply(&[late_leave.clone(), late_leave])
        .await
        .unwrap();
    let stay = &store.history(&a, 10).await.unwrap()[1];
    assert_eq!(
        stay.left_at,
        Some(at(300)),
        "a leave written late still wins"
    );
    assert!(!stay.cut_short);
    assert_eq!(stay.total_speaking_time, 4.0);
    let room = store.room(&market).await.unwrap().unwrap();
    assert!(
        (room.stats.total_minutes - 5.5).abs() < 1e-9,
        "its 5 minutes counted once"
    );
}

async fn top_speakers_sum_every_stay_longest_first(store: Arc<dyn Store>) {
    let market = addr();
    let (a, b, quiet) = (addr(), addr(), addr());
    let mut writes = Vec::new();
    for (wallet, secs, speaking) in [(&a, 0, 3.0), (&b, 1, 5.0), (&a, 100, 4.0), (&quiet, 2, 0.0)] {
        let j = joined(&market, wallet, secs, 1);
        writes.push(j.clone());
        writes.push(left(&j, secs + 50, speaking, false));
    }
    writes.push(joined(&addr(), &b, 0, 1));
    store.apply(&writes).await.unwrap();
    let top = store.top_speakers(&market, 10).await.unwrap();
    let got: Vec<_> = top
        .iter()
        .map(|s| (s.wallet_address.clone(), s.total_speaking_time))
        .collect();
    assert_eq!(got, vec![(a.clone(), 7.0), (b.clone(), 5.0)]);
    assert_eq!(store.top_speakers(&market, 1).await.unwrap().len(), 1);
}

async fn history_is_newest_first_and_limited(store: Arc<dyn Store>) {
    let w = addr();
    let writes: Vec<_> = (0..5).map(|i| joined(&addr(), &w, i * 10, 1)).collect();
    store.apply(&writes).await.unwrap();
    let history = store.history(&w, 3).await.unwrap();
    let times: Vec<_> = history.iter().map(|h| h.joined_at).collect();
    assert_eq!(times, vec![at(40), at(30), at(20)]);
    assert!(history.iter().all(|h| h.left_at.is_none()));
}

async fn reports_are_kept_and_exported_without_the_reporter_of_reports_about_you(
    store: Arc<dyn Store>,
) {
    let market = addr();
    let (me, other) = (addr(), addr());
    let mine = report(&market, &me, &other, 1);
    let about_me = report(&market, &other, &me, 2);
    store
        .apply(&[Write::Report(mine.clone()), Write::Report(about_me.clone())])
        .await
        .unwrap();
    let data = store::export(store.as_ref(), &me).await.unwrap();
    assert_eq!(data.reports_filed, vec![mine]);
    assert_eq!(data.reports_about.len(), 1);
    assert_eq!(data.reports_about[0].reporter_wallet, None);
    assert_eq!(data.reports_about[0].target_wallet, Some(me.clone()));
    assert_eq!(data.reports_about[0].id, about_me.id);
}

async fn erasure_removes_the_wallet_everywhere_and_keeps_room_totals(store: Arc<dyn Store>) {
    let market = addr();
    let (me, other) = (addr(), addr());
    let jm = joined(&market, &me, 0, 1);
    let jo = joined(&market, &other, 1, 2);
    store
        .apply(&[
            jm.clone(),
            jo.clone(),
            left(&jm, 60, 2.0, false),
            Write::Report(report(&market, &me, &other, 3)),
            Write::Report(report(&market, &other, &me, 4)),
        ])
        .await
        .unwrap();
    let before = store.room(&market).await.unwrap().unwrap();
    let erased = store.erase(&me).await.unwrap();
    assert_eq!(erased.participations, 1);
    assert_eq!(erased.reports, 2);

    let data = store::export(store.as_ref(), &me).await.unwrap();
    assert!(data.participations.is_empty() && data.reports_filed.is_empty());
    assert!(data.reports_about.is_empty());
    let (filed_by_other, about_other) = store.reports_of(&other).await.unwrap();
    assert_eq!(filed_by_other.len(), 1);
    assert_eq!(filed_by_other[0].target_wallet, None, "target erased");
    assert_eq!(about_other.len(), 1);
    assert!(store.top_speakers(&market, 10).await.unwrap().is_empty());
    assert_eq!(store.history(&other, 10).await.unwrap().len(), 1);
    assert_eq!(store.room(&market).await.unwrap().unwrap(), before);
}

async fn retention_purges_old_participations_and_reports(store: Arc<dyn Store>) {
    let market = addr();
    let w = addr();
    let old = joined(&market, &w, 0, 1);
    let new = joined(&market, &w, 1000, 1);
    store
        .apply(&[
            old.clone(),
            left(&old, 10, 0.0, false),
            new,
            Write::Report(report(&market, &w, &addr(), 0)),
            Write::Report(report(&market, &w, &addr(), 1000)),
            Write::Purge { before: at(500) },
        ])
        .await
        .unwrap();
    let history = store.history(&w, 10).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].joined_at, at(1000));
    let (filed, _) = store.reports_of(&w).await.unwrap();
    assert_eq!(filed.len(), 1);
    assert_eq!(filed[0].created_at, at(1000));
    assert_eq!(
        store
            .room(&market)
            .await
            .unwrap()
            .unwrap()
            .stats
            .total_joins,
        2
    );
}

async fn the_recorder_writes_everything_queued_before_a_flush(store: Arc<dyn Store>) {
    let recorder = Recorder::start(store.clone(), 10_000, 0, &tokio::runtime::Handle::current());
    let market = addr();
    for i in 0..600 {
        recorder.record(joined(&market, &addr(), i, 1));
    }
    assert!(recorder.flush(Duration::from_secs(30)).await);
    let stats = recorder.stats();
    assert_eq!((stats.written, stats.dropped, stats.queued), (600, 0, 0));
    let room = store.room(&market).await.unwrap().unwrap();
    assert_eq!(room.stats.total_joins, 600);
}

async fn a_full_queue_drops_and_counts_instead_of_blocking(store: Arc<dyn Store>) {
    let recorder = Recorder::start(store.clone(), 4, 0, &tokio::runtime::Handle::current());
    let market = addr();
    // No await between the records: the writer cannot drain meanwhile.
    for i in 0..10 {
        recorder.record(joined(&market, &addr(), i, 1));
    }
    assert_eq!(recorder.stats().dropped, 6);
    assert!(recorder.flush(Duration::from_secs(30)).await);
    assert_eq!(recorder.stats().written, 4);
}

async fn a_ban_is_kept_until_it_ends_and_the_later_end_wins(store: Arc<dyn Store>) {
    let (market, wallet, other) = (addr(), addr(), addr());
    let now = Utc::now();
    let until = now + chrono::Duration::minutes(10);
    assert_eq!(
        store.banned_until(&market, &wallet, now).await.unwrap(),
        None
    );
    store.ban(&market, &wallet, until).await.unwrap();
    let read = store.banned_until(&market, &wallet, now).await.unwrap();
    assert_eq!(
        read.map(|t| t.timestamp_millis()),
        Some(until.timestamp_millis())
    );
    assert_eq!(
        store.banned_until(&other, &wallet, now).await.unwrap(),
        None,
        "a ban is from one room"
    );
    store
        .ban(&market, &wallet, now + chrono::Duration::minutes(1))
        .await
        .unwrap();
    let read = store.banned_until(&market, &wallet, now).await.unwrap();
    assert_eq!(
        read.map(|t| t.timestamp_millis()),
        Some(until.timestamp_millis()),
        "the later end wins"
    );
    assert_eq!(
        store
            .banned_until(&market, &wallet, until + chrono::Duration::seconds(1))
            .await
            .unwrap(),
        None,
        "an ended ban is no ban"
    );
}

fn debate(market: &Address, ended: i64, speaker: &Address) -> DebateSummary {
    DebateSummary {
        id: Uuid::new_v4().to_string(),
        market_address: market.clone(),
        started_at: rfc3339(at(ended - 90)),
        ended_at: rfc3339(at(ended)),
        turn_seconds: 45,
        turns: vec![DebateTurnRecord {
            side: DebateSide::No,
            wallet_address: speaker.clone(),
            started_at: rfc3339(at(ended - 90)),
            seconds: 44.875,
        }],
        speaking_seconds: DebateSpeakingSeconds {
            yes: 0.0,
            no: 44.875,
        },
        poll: DebatePollResult {
            yes: DebateTally {
                votes: 3,
                weight: 12.5,
            },
            no: DebateTally {
                votes: 1,
                weight: 0.0,
            },
            winner: Some(DebateSide::Yes),
        },
    }
}

async fn debates_are_kept_newest_first_at_most_the_limit_and_purged(store: Arc<dyn Store>) {
    let (market, other) = (addr(), addr());
    let debates: Vec<DebateSummary> = [0, 200, 100]
        .iter()
        .map(|t| debate(&market, *t, &addr()))
        .collect();
    let writes: Vec<Write> = debates
        .iter()
        .chain([&debate(&other, 300, &addr())])
        .map(|d| Write::Debate(Box::new(d.clone())))
        .collect();
    store.apply(&writes).await.unwrap();
    store.apply(&writes).await.unwrap();
    let newest = store.debates(&market, 2).await.unwrap();
    assert_eq!(newest, vec![debates[1].clone(), debates[2].clone()]);
    assert_eq!(
        store.debates(&market, 20).await.unwrap().len(),
        3,
        "each once"
    );
    assert_eq!(store.debates(&other, 20).await.unwrap().len(), 1);
    store
        .apply(&[Write::Purge { before: at(150) }])
        .await
        .unwrap();
    assert_eq!(
        store.debates(&market, 20).await.unwrap(),
        vec![debates[1].clone()]
    );
}

async fn a_debater_exports_and_erases_its_turns_and_the_side_totals_stay(store: Arc<dyn Store>) {
    let (market, me, other) = (addr(), addr(), addr());
    let mut mine = debate(&market, 100, &me);
    mine.turns.push(DebateTurnRecord {
        side: DebateSide::Yes,
        wallet_address: other.clone(),
        started_at: rfc3339(at(50)),
        seconds: 3.5,
    });
    let theirs = debate(&market, 200, &other);
    store
        .apply(&[
            Write::Debate(Box::new(mine.clone())),
            Write::Debate(Box::new(theirs.clone())),
        ])
        .await
        .unwrap();
    let exported = store::export(store.as_ref(), &me).await.unwrap();
    assert_eq!(exported.debates, vec![mine.clone()]);
    let erased = store.erase(&me).await.unwrap();
    assert_eq!(erased.debates, 1);
    let kept = store.debates(&market, 20).await.unwrap();
    assert_eq!(kept[0], theirs);
    assert_eq!(
        kept[1].turns.len(),
        1,
        "its turn is gone, the other's stays"
    );
    assert_eq!(kept[1].turns[0].wallet_address, other);
    assert_eq!(
        kept[1].speaking_seconds, mine.speaking_seconds,
        "totals stay"
    );
    assert!(store.debates_of(&me).await.unwrap().is_empty());
    assert_eq!(store.debates_of(&other).await.unwrap().len(), 2);
}

/// The readiness probe's question: the store answers.
async fn the_store_answers_a_ping(store: Arc<dyn Store>) {
    store.ping().await.unwrap();
}

/// API keys: added, found by id, listed oldest first, revoked once.
async fn api_keys_are_kept_listed_and_revoked(store: Arc<dyn Store>) {
    let key = |id: &str, secs: i64| ApiKeyRecord {
        id: id.to_string(),
        name: format!("site {id}"),
        scopes: vec![Scope::TokensMint, Scope::RoomsRead],
        secret_hash: "ab".repeat(32),
        created_at: at(secs),
        revoked_at: None,
    };
    store.add_api_key(&key("pnlk_b", 2)).await.unwrap();
    store.add_api_key(&key("pnlk_a", 1)).await.unwrap();
    assert_eq!(
        store.api_key("pnlk_b").await.unwrap(),
        Some(key("pnlk_b", 2))
    );
    assert_eq!(store.api_key("pnlk_none").await.unwrap(), None);
    let ids: Vec<String> = store
        .api_keys()
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.id)
        .collect();
    assert_eq!(ids, ["pnlk_a", "pnlk_b"]);
    assert!(store.revoke_api_key("pnlk_a", at(3)).await.unwrap());
    assert!(
        !store.revoke_api_key("pnlk_a", at(4)).await.unwrap(),
        "revoked once"
    );
    assert!(!store.revoke_api_key("pnlk_none", at(4)).await.unwrap());
    assert_eq!(
        store.api_key("pnlk_a").await.unwrap().unwrap().revoked_at,
        Some(at(3))
    );
}

fn webhook(id: &str, secs: i64, urls: &[&str]) -> Write {
    Write::Webhook {
        event_id: id.to_string(),
        body: format!("{{\"id\":\"{id}\"}}"),
        created_at: at(secs),
        urls: urls.iter().map(|u| u.to_string()).collect(),
    }
}

/// The outbox: one delivery per event and URL (written once however
/// often), leased to one owner at a time, oldest first; a failure comes
/// back when due, a delivered one leaves, a given-up one never returns.
async fn webhook_deliveries_are_leased_to_one_owner_and_settled(store: Arc<dyn Store>) {
    let batch = [
        webhook("evt_1", 1, &["http://a", "http://b"]),
        webhook("evt_2", 2, &["http://a"]),
    ];
    store.apply(&batch).await.unwrap();
    store.apply(&batch).await.unwrap();
    let now = at(10);
    let lease = at(70);
    let first = store
        .claim_deliveries("node-a", now, lease, 2)
        .await
        .unwrap();
    let second = store
        .claim_deliveries("node-b", now, lease, 10)
        .await
        .unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(first[0].event_id, "evt_1", "oldest first");
    assert_eq!(second.len(), 1, "a leased delivery goes to nobody else");
    assert!(store
        .claim_deliveries("node-b", now, lease, 10)
        .await
        .unwrap()
        .is_empty());
    let mut all: Vec<_> = first
        .iter()
        .chain(&second)
        .map(|d| (d.event_id.clone(), d.url.clone()))
        .collect();
    all.sort();
    assert_eq!(
        all,
        [
            ("evt_1".into(), "http://a".into()),
            ("evt_1".into(), "http://b".into()),
            ("evt_2".into(), "http://a".into())
        ]
    );
    assert_eq!(second[0].body, "{\"id\":\"evt_2\"}");

    // Settled by another owner: no effect.
    store
        .settle_delivery(&second[0], "node-a", &DeliveryOutcome::Delivered)
        .await
        .unwrap();
    assert!(
        store
            .claim_deliveries("node-a", at(71), at(130), 10)
            .await
            .unwrap()
            .len()
            == 3,
        "leases lapse"
    );
    let again = store
        .claim_deliveries("node-c", at(200), at(260), 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 3);
    let (delivered, retried, dead) = (&again[0], &again[1], &again[2]);
    store
        .settle_delivery(delivered, "node-c", &DeliveryOutcome::Delivered)
        .await
        .unwrap();
    store
        .settle_delivery(
            retried,
            "node-c",
            &DeliveryOutcome::Retry {
                at: at(300),
                error: "503".into(),
            },
        )
        .await
        .unwrap();
    store
        .settle_delivery(
            dead,
            "node-c",
            &DeliveryOutcome::GiveUp {
                error: "410".into(),
            },
        )
        .await
        .unwrap();
    assert!(
        store
            .claim_deliveries("node-a", at(299), at(359), 10)
            .await
            .unwrap()
            .is_empty(),
        "not due yet"
    );
    let due = store
        .claim_deliveries("node-a", at(300), at(360), 10)
        .await
        .unwrap();
    assert_eq!(due.len(), 1, "only the retried one: {due:?}");
    assert_eq!(
        (&due[0].event_id, &due[0].url, due[0].attempts),
        (&retried.event_id, &retried.url, retried.attempts + 1)
    );
}

macro_rules! suite {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let dir = std::env::temp_dir()
                        .join(format!("pnl-voice-store-{}", rand::random::<u64>()));
                    std::fs::create_dir_all(&dir).unwrap();
                    let store = super::SqliteStore::open(&dir.join("records.sqlite3")).unwrap();
                    super::$case(std::sync::Arc::new(store)).await;
                    let _ = std::fs::remove_dir_all(dir);
                }
            )*
        }
        mod mongodb {
            $(
                #[tokio::test]
                async fn $case() {
                    let server = super::MongoServer::start();
                    let store = super::MongoStore::connect(&server.fresh_uri()).await.unwrap();
                    super::$case(std::sync::Arc::new(store)).await;
                }
            )*
        }
    };
}

suite!(
    the_store_answers_a_ping,
    a_room_is_recorded_with_its_worker_and_settings,
    debates_are_kept_newest_first_at_most_the_limit_and_purged,
    a_debater_exports_and_erases_its_turns_and_the_side_totals_stay,
    the_founders_settings_outlive_a_room_reopened_on_defaults,
    joins_and_leaves_make_the_room_totals,
    a_batch_applied_twice_counts_once,
    a_leave_without_its_join_changes_nothing,
    stays_cut_short_by_a_crash_close_when_the_room_opens_again,
    top_speakers_sum_every_stay_longest_first,
    history_is_newest_first_and_limited,
    reports_are_kept_and_exported_without_the_reporter_of_reports_about_you,
    erasure_removes_the_wallet_everywhere_and_keeps_room_totals,
    retention_purges_old_participations_and_reports,
    the_recorder_writes_everything_queued_before_a_flush,
    a_full_queue_drops_and_counts_instead_of_blocking,
    a_ban_is_kept_until_it_ends_and_the_later_end_wins,
    api_keys_are_kept_listed_and_revoked,
    webhook_deliveries_are_leased_to_one_owner_and_settled,
);

/// A loopback port nothing listens on (for a server that is down).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The MongoDB store while its server is down: records wait in the queue
/// (the node does not fail) and are written once the server is up.
#[tokio::test]
async fn mongodb_records_wait_for_a_server_that_comes_back() {
    let Ok(python) = std::env::var("PNL_VOICE_MONGO_PYTHON") else {
        assert!(
            std::env::var("MONGODB_URI").is_ok(),
            "no MongoDB-wire server: run `make test-deps` (make test does)"
        );
        eprintln!("outage test needs a server it can start (PNL_VOICE_MONGO_PYTHON); skipped with an external MONGODB_URI");
        return;
    };
    let port = free_port();
    let uri = format!("mongodb://127.0.0.1:{port}/pnl_voice_outage?directConnection=true");
    let store: Arc<dyn Store> = Arc::new(MongoStore::connect(&uri).await.unwrap());
    let recorder = Recorder::start(store.clone(), 100, 0, &tokio::runtime::Handle::current());
    let market = addr();
    for i in 0..5 {
        recorder.record(joined(&market, &addr(), i, 1));
    }
    assert!(
        !recorder.flush(Duration::from_secs(4)).await,
        "nothing to write to"
    );
    assert_eq!(recorder.stats().written, 0);
    assert!(recorder.stats().failures >= 1);

    let mut server = std::process::Command::new(python)
        .args(["-m", "secantus", "--host", "127.0.0.1", "--port"])
        .arg(port.to_string())
        .args(["--storage-path", ":memory:", "--cache-size", "256M"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let written = recorder.flush(Duration::from_secs(30)).await;
    let room = store.room(&market).await;
    let _ = server.kill();
    let _ = server.wait();
    assert!(written, "the queue drains once the server is up");
    assert_eq!(recorder.stats().written, 5);
    assert_eq!(room.unwrap().unwrap().stats.total_joins, 5);
}

/// A MongoDB store whose server is down fails its ping (bounded by the
/// server selection timeout), so `/health/ready` says why.
#[tokio::test]
async fn a_mongodb_store_without_its_server_fails_its_ping() {
    let port = free_port();
    let uri = format!("mongodb://127.0.0.1:{port}/pnl_voice_down?directConnection=true");
    let store = MongoStore::connect(&uri).await.unwrap();
    let ping = tokio::time::timeout(Duration::from_secs(30), store.ping())
        .await
        .expect("the ping ends by itself");
    assert!(ping.is_err(), "no server answered: {ping:?}");
}

/// A records file written before stays could be cut short opens with the
/// new column added, its stays read as not cut short.
#[tokio::test]
async fn an_embedded_store_from_before_cut_short_stays_is_migrated() {
    let dir = std::env::temp_dir().join(format!("pnl-voice-store-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("records.sqlite3");
    let (market, wallet) = (addr(), addr());
    let old = rusqlite::Connection::open(&file).unwrap();
    old.execute_batch(
        "CREATE TABLE voice_participants (id TEXT PRIMARY KEY, market_address TEXT NOT NULL, \
         wallet_address TEXT NOT NULL, position TEXT NOT NULL, position_size REAL NOT NULL, \
         is_founder INTEGER NOT NULL, joined_at INTEGER NOT NULL, left_at INTEGER, \
         total_speaking_time REAL NOT NULL DEFAULT 0, was_kicked INTEGER NOT NULL DEFAULT 0)",
    )
    .unwrap();
    old.execute(
        "INSERT INTO voice_participants VALUES (?1, ?2, ?3, 'YES', 1.0, 0, ?4, NULL, 0, 0)",
        rusqlite::params![
            Uuid::new_v4().to_string(),
            market.as_str(),
            wallet.as_str(),
            at(0).timestamp_millis()
        ],
    )
    .unwrap();
    drop(old);

    let store = SqliteStore::open(&file).unwrap();
    let stay = &store.history(&wallet, 10).await.unwrap()[0];
    assert!(!stay.cut_short);
    store
        .apply(&[Write::CutShort { market, at: at(60) }])
        .await
        .unwrap();
    let stay = &store.history(&wallet, 10).await.unwrap()[0];
    assert_eq!((stay.left_at, stay.cut_short), (Some(at(60)), true));
    drop(store);
    let reopened = SqliteStore::open(&file).unwrap();
    assert!(reopened.history(&wallet, 10).await.unwrap()[0].cut_short);
    let _ = std::fs::remove_dir_all(dir);
}
