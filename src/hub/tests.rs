//! The hub against a real mediasoup worker, where a rule needs one.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use mediasoup::prelude::*;
use mediasoup::producer::DirectProducer;
use mediasoup::rtp_parameters::{
    RtpCodecParameters, RtpCodecParametersParameters, RtpEncodingParameters,
    RtpHeaderExtensionParameters, RtpHeaderExtensionUri,
};

use super::live_room::LiveRoom;
use super::speaking::{Observers, Watched};
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

/// A room on a fresh one-worker pool, its observers listening.
async fn room_on_a_worker() -> Arc<LiveRoom> {
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
    let router = pool.create_router(&slot).await.expect("router");
    let observers = Observers::create(&router).await.expect("observers");
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
    let room = Arc::new(LiveRoom::new(
        rules, router, slot, pool, 100, observers, recorder,
    ));
    room.observers.listen(Arc::downgrade(&room));
    room
}

/// A producer fed from this process, with audio levels in its packets, and
/// the observers' hold on it.
async fn direct_speaker(room: &LiveRoom) -> (DirectTransport, DirectProducer, Watched) {
    let transport = room
        .router
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
            uri: RtpHeaderExtensionUri::AudioLevel,
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
    let watched = room.observers.watch(producer.clone()).await;
    match producer {
        Producer::Direct(direct) => (transport, direct, watched),
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

/// mediasoup runs observer handlers on its worker thread while holding the
/// worker's handler table, which dropping any mediasoup object takes too. A
/// room operation that drops a consumer under the room lock (a speaker
/// leaving) must therefore never find a handler waiting on that lock: this
/// deadlocked the whole node once in a 30-minute soak run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn observer_reports_never_wait_on_the_room_lock() {
    let room = room_on_a_worker().await;
    let (_transport, speaker, _watched) = direct_speaker(&room).await;
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    let feeding = std::thread::spawn(move || {
        for seq in 0..1500u16 {
            if stopped.load(Ordering::Relaxed) || speaker.send(loud_packet(seq)).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    let spare = room
        .router
        .create_direct_transport(DirectTransportOptions::default())
        .await
        .expect("spare transport");

    let (done, finished) = std::sync::mpsc::channel();
    let holder = room.clone();
    std::thread::spawn(move || {
        let _inner = holder.lock();
        std::thread::sleep(Duration::from_secs(1));
        drop(spare);
        let _ = done.send(());
    });
    finished
        .recv_timeout(Duration::from_secs(30))
        .expect("a transport dropped under the room lock waited on the worker: deadlock");

    let mut heard = false;
    for _ in 0..100 {
        if room.lock().last_levels.is_some() {
            heard = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.store(true, Ordering::Relaxed);
    assert!(
        heard,
        "the speaker's levels reached the room after the lock was released"
    );
    feeding.join().expect("feeder");
}

/// A speaker's producer, dropped, first leaves the observers (so no report
/// can name it while the worker drops it) and is then closed, not kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_speaker_leaves_the_observers_then_closes() {
    let room = room_on_a_worker().await;
    let (_transport, speaker, watched) = direct_speaker(&room).await;
    for seq in 0..50u16 {
        speaker.send(loud_packet(seq)).expect("packet");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let producer = watched.downgrade();
    drop(speaker);
    drop(watched);

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
    let dump = room.router.dump().await.expect("router dump");
    assert!(dump.map_producer_id_consumer_ids.is_empty(), "{dump:?}");
}
