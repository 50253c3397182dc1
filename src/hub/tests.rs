//! The hub against a real mediasoup worker, where a rule needs one.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures_util::FutureExt;
use mediasoup::prelude::*;
use mediasoup::producer::DirectProducer;
use mediasoup::types::rtp_parameters::{
    RtpCodecParameters, RtpCodecParametersParameters, RtpEncodingParameters,
    RtpHeaderExtensionParameters, RtpHeaderExtensionUri,
};

use super::room::{self, Commit, RoomHandle, RoomSetup, Watched};
use crate::address::Address;
use crate::config::{MediaConfig, RoomDefaults};
use crate::media::WorkerPool;
use crate::rooms::{Room, RoomSettings};
use crate::store::{Recorder, SqliteStore};

/// Payload type and SSRC of the test speaker's stream.
const PAYLOAD_TYPE: u8 = 100;
const SSRC: u32 = 0x5eed;
/// Id of the ssrc-audio-level header extension in that stream.
const AUDIO_LEVEL_ID: u8 = 1;

/// A room's task on a fresh one-worker pool.
async fn room_on_a_worker() -> (RoomHandle, Worker) {
    let runtime = tokio::runtime::Handle::current();
    // A port per transport from the range: unit tests start pools at once,
    // and the default WebRtcServer port can be held by one pool only.
    let media = MediaConfig {
        webrtc_server_port: None,
        ..MediaConfig::default()
    };
    let pool = WorkerPool::start(media, 1, &runtime)
        .await
        .expect("worker starts");
    let slot = pool.pick().expect("a worker");
    let worker = slot.worker.clone();
    let store = Arc::new(SqliteStore::open(Path::new(":memory:")).expect("store"));
    let recorder = Recorder::start(store, 16, 0, &runtime);
    let defaults = RoomDefaults::default();
    let rules = Room::new(
        Address::from_bytes([7; 32]),
        None,
        RoomSettings::for_new_room(&defaults, false),
        defaults.policy(),
        Utc::now(),
    );
    let setup = RoomSetup {
        rules,
        slot,
        pool,
        fanout_threshold: 100,
        recorder,
    };
    let (room, _ended) = room::start(setup, &runtime).await.expect("room starts");
    (room, worker)
}

/// A producer fed from this process, with audio levels in its packets, and
/// the observers' hold on it; the router it is on.
async fn direct_speaker(room: &RoomHandle) -> (Router, DirectTransport, DirectProducer, Watched) {
    let (router, observers) = room
        .probe(|state| (state.router.clone(), state.observers.clone()))
        .await;
    let transport = router
        .create_direct_transport(DirectTransportOptions::default())
        .await
        .expect("direct transport");
    let rtp = RtpParameters {
        codecs: vec![RtpCodecParameters::Audio {
            mime_type: MimeTypeAudio::Opus,
            payload_type: PAYLOAD_TYPE,
            clock_rate: std::num::NonZeroU32::new(48_000).expect("non-zero"),
            channels: std::num::NonZeroU8::new(2).expect("non-zero"),
            parameters: RtpCodecParametersParameters::default(),
            rtcp_feedback: vec![],
        }],
        header_extensions: vec![RtpHeaderExtensionParameters {
            uri: RtpHeaderExtensionUri::SsrcAudioLevel,
            id: u16::from(AUDIO_LEVEL_ID),
            encrypt: false,
        }],
        encodings: vec![RtpEncodingParameters {
            ssrc: Some(SSRC),
            ..RtpEncodingParameters::default()
        }],
        ..RtpParameters::default()
    };
    let producer = transport
        .produce(ProducerOptions::new(MediaKind::Audio, rtp))
        .await
        .expect("produce");
    let watched = observers.watch(producer.clone()).await;
    match producer {
        Producer::Direct(direct) => (router, transport, direct, watched),
        _ => unreachable!("a direct transport makes direct producers"),
    }
}

/// An RTP packet of 20 ms of loud (-10 dBov) audio.
fn loud_packet(seq: u16) -> Vec<u8> {
    let mut packet = vec![0x90, PAYLOAD_TYPE];
    packet.extend_from_slice(&seq.to_be_bytes());
    packet.extend_from_slice(&(u32::from(seq) * 960).to_be_bytes());
    packet.extend_from_slice(&SSRC.to_be_bytes());
    packet.extend_from_slice(&[0xbe, 0xde, 0x00, 0x01]);
    packet.extend_from_slice(&[AUDIO_LEVEL_ID << 4, 0x80 | 10, 0x00, 0x00]);
    packet.extend_from_slice(&[0xf8, 0xff, 0xfe]);
    packet
}

/// Feeds `speaker` loud packets every 20 ms from a thread until `stop`.
fn feed(speaker: DirectProducer, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for seq in 0..1500u16 {
            if stop.load(Ordering::Relaxed) || speaker.send(loud_packet(seq)).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    })
}

/// Waits (bounded) until the room's task has taken in a level report.
async fn levels_reached(room: &RoomHandle) -> bool {
    for _ in 0..100 {
        if room.probe(|state| state.last_levels.is_some()).await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// mediasoup runs observer handlers on its worker thread while holding the
/// worker's handler table, which dropping any mediasoup object takes too. A
/// handler must therefore never wait on the room: here the room's task is
/// stuck (a blocking probe) while the speaker's levels come in and another
/// thread drops a transport. With handlers that waited on the room this
/// deadlocked the whole node once in a 30-minute soak run; they only
/// `try_send` now.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn observer_reports_never_wait_on_the_room_lock() {
    let (room, _worker) = room_on_a_worker().await;
    let (router, _transport, speaker, _watched) = direct_speaker(&room).await;
    let stop = Arc::new(AtomicBool::new(false));
    let feeding = feed(speaker, stop.clone());
    let spare = router
        .create_direct_transport(DirectTransportOptions::default())
        .await
        .expect("spare transport");

    let stuck = room.clone();
    let blocked = tokio::spawn(async move {
        stuck
            .probe(|_| std::thread::sleep(Duration::from_secs(1)))
            .await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        drop(spare);
        let _ = done.send(());
    });
    finished
        .recv_timeout(Duration::from_secs(30))
        .expect("a transport dropped while the room was busy waited on the worker: deadlock");
    blocked.await.expect("probe");

    let heard = levels_reached(&room).await;
    stop.store(true, Ordering::Relaxed);
    assert!(
        heard,
        "the speaker's levels reached the room once it was free"
    );
    feeding.join().expect("feeder");
}

/// A handler firing while the room's task is busy cannot block the worker,
/// and a slow media call does not hold the room up: while a (simulated)
/// slow call is in flight and the task is stuck for a moment, level reports
/// keep firing, the worker keeps answering, and the room takes the reports
/// in before the slow call is done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handlers_firing_while_the_room_is_busy_never_block_the_worker() {
    let (room, worker) = room_on_a_worker().await;
    let (router, _transport, speaker, _watched) = direct_speaker(&room).await;
    let slow_done = Arc::new(AtomicBool::new(false));
    let done = slow_done.clone();
    room.start_child(
        async move {
            tokio::time::sleep(Duration::from_secs(4)).await;
            done.store(true, Ordering::SeqCst);
            Box::new(|_: &mut room::RoomState| {}) as Commit
        }
        .boxed(),
    )
    .await;
    let stop = Arc::new(AtomicBool::new(false));
    let feeding = feed(speaker, stop.clone());
    let stuck = room.clone();
    let blocked = tokio::spawn(async move {
        stuck
            .probe(|_| std::thread::sleep(Duration::from_secs(1)))
            .await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    for _ in 0..5 {
        tokio::time::timeout(Duration::from_secs(2), router.dump())
            .await
            .expect("the router answers while the room is stuck")
            .expect("router dump");
        tokio::time::timeout(Duration::from_secs(2), worker.dump())
            .await
            .expect("the worker answers while the room is stuck")
            .expect("worker dump");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    blocked.await.expect("probe");
    let heard = levels_reached(&room).await;
    let during = !slow_done.load(Ordering::SeqCst);
    stop.store(true, Ordering::Relaxed);
    assert!(heard, "the room took the level reports in");
    assert!(during, "it did so while the slow call was still in flight");
    feeding.join().expect("feeder");
}

/// A speaker's producer, retired, first leaves the observers (so no report
/// can name it while the worker drops it) and is then closed, not kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_speaker_leaves_the_observers_then_closes() {
    let (room, _worker) = room_on_a_worker().await;
    let (router, _transport, speaker, watched) = direct_speaker(&room).await;
    for seq in 0..50u16 {
        speaker.send(loud_packet(seq)).expect("packet");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let producer = watched.downgrade();
    drop(speaker);
    watched.retire().await;

    let mut closed = false;
    for _ in 0..100 {
        if producer.upgrade().is_none() {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        closed,
        "the producer is closed once the observers let it go"
    );
    // The worker closes it once the close request it was sent arrives.
    for _ in 0..100 {
        let dump = router.dump().await.expect("router dump");
        if dump.map_producer_id_consumer_ids.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the worker still holds the retired producer");
}

/// A media call that panics (mediasoup 0.12 has `unwrap`s a client's
/// parameters can reach) ends only that call: the room's task logs it and
/// keeps serving its members.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_media_call_leaves_the_room_running() {
    let (room, _worker) = room_on_a_worker().await;
    let panicking = std::future::ready(()).map(|()| -> Commit { panic!("a media call panicked") });
    room.start_child(panicking.boxed()).await;
    tokio::time::timeout(Duration::from_secs(5), room.probe(|_| ()))
        .await
        .expect("the room answers");
    assert!(!room.is_closed(), "the room's task runs on");
}
