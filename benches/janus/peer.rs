//! Janus's VideoRoom as an [`Sfu`]: a speaker publishes
//! (`joinandconfigure` with an SDP offer), a listener subscribes to its feed
//! (`join` as subscriber, whose answer carries Janus's offer, then `start`
//! with the client's answer). The str0m clients are the same transports as
//! against our server, negotiated with SDP instead of mediasoup parameters.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use serde_json::{json, Value};
use str0m::change::{SdpAnswer, SdpOffer};
use str0m::media::{Direction, MediaKind, Pt};
use str0m::{Candidate, Rtc};
use tokio::net::UdpSocket;

use super::client::JanusClient;
use super::process::JanusProcess;
use super::srtp::Srtp;
use crate::common::scenario::{Listener, Sfu};
use crate::support::flows::{lifetime, T};
use crate::support::rtc::RtcTransport;

/// The Opus payload type the clients offer and answer with.
const OPUS_PT: u8 = 111;
/// Scenario 4's room.
const SIGNALING_ROOM: u64 = 1;
/// Participants allowed in scenario 4's room.
const SIGNALING_ROOM_SIZE: usize = 10_000;

/// Janus with its rooms.
pub struct Janus {
    process: JanusProcess,
    next_room: AtomicU64,
}

/// A Janus room and its speaker's feed.
pub struct Room {
    id: u64,
    feed: u64,
}

impl Janus {
    /// Starts Janus on `srtp` and creates scenario 4's room.
    pub async fn start(srtp: Srtp) -> Self {
        let janus = Self {
            process: JanusProcess::start(srtp).await,
            next_room: AtomicU64::new(SIGNALING_ROOM + 1),
        };
        let mut client = janus.client().await;
        create_room(&mut client, SIGNALING_ROOM, SIGNALING_ROOM_SIZE).await;
        client.close().await;
        janus
    }

    async fn client(&self) -> JanusClient {
        JanusClient::connect(&self.process.ws())
            .await
            .expect("Janus session")
    }
}

/// Creates an audio-only (Opus) room for `publishers` publishers.
async fn create_room(client: &mut JanusClient, room: u64, publishers: usize) {
    client
        .message(
            json!({"request": "create", "room": room, "publishers": publishers,
                   "audiocodec": "opus"}),
            None,
        )
        .await
        .expect("VideoRoom create");
}

/// A str0m client configured as against our server (Opus and the same
/// header extensions), with its 127.0.0.1 socket as its one candidate.
async fn client_rtc() -> (Rtc, UdpSocket) {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let local = socket.local_addr().unwrap();
    let mut rtc = RtcTransport::sdp_config(OPUS_PT).build(Instant::now());
    rtc.add_local_candidate(Candidate::host(local, "udp").unwrap())
        .expect("loopback candidate");
    (rtc, socket)
}

fn jsep(kind: &str, sdp: String) -> Value {
    json!({"type": kind, "sdp": sdp})
}

/// The SDP of an answer's `jsep`.
fn sdp_of(answer: &Value) -> &str {
    answer["jsep"]["sdp"]
        .as_str()
        .unwrap_or_else(|| panic!("no SDP in {answer}"))
}

/// Panics unless every ICE candidate in `sdp` is on 127.0.0.1: the shim
/// must have kept Janus to loopback.
fn assert_loopback(sdp: &str) {
    let candidates: Vec<&str> = sdp
        .lines()
        .filter(|l| l.starts_with("a=candidate"))
        .collect();
    assert!(
        !candidates.is_empty() && candidates.iter().all(|c| c.contains(" 127.0.0.1 ")),
        "Janus offered non-loopback candidates: {candidates:?}"
    );
}

impl Sfu for Janus {
    type Client = JanusClient;
    type Room = Room;

    fn pid(&self) -> u64 {
        self.process.pid()
    }

    async fn speaker(&self) -> (Room, JanusClient, RtcTransport) {
        let mut client = self.client().await;
        let id = self.next_room.fetch_add(1, Ordering::Relaxed);
        create_room(&mut client, id, 1).await;
        let (mut rtc, socket) = client_rtc().await;
        let mut api = rtc.sdp_api();
        let mid = api.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
        let (offer, pending) = api.apply().expect("an offer");
        let joined = client
            .message(
                json!({"request": "joinandconfigure", "room": id, "ptype": "publisher"}),
                Some(jsep("offer", offer.to_sdp_string())),
            )
            .await
            .expect("publish");
        assert_loopback(sdp_of(&joined));
        let answer = SdpAnswer::from_sdp_string(sdp_of(&joined)).expect("Janus's answer");
        rtc.sdp_api().accept_answer(pending, answer).unwrap();
        let feed = joined["plugindata"]["data"]["id"]
            .as_u64()
            .expect("publisher id");
        let send =
            RtcTransport::negotiated(rtc, socket, Some((mid, Pt::from(OPUS_PT))), lifetime())
                .unwrap();
        send.wait_connected(T).await.unwrap();
        // Janus offers the feed to subscribers once its side is up too.
        client.wait_up(T).await.unwrap();
        (Room { id, feed }, client, send)
    }

    async fn listener(&self, room: &Room) -> Result<Listener<JanusClient>, String> {
        let mut client = self.client().await;
        let started = Instant::now();
        let attached = client
            .message(
                json!({"request": "join", "room": room.id, "ptype": "subscriber",
                       "streams": [{"feed": room.feed}]}),
                None,
            )
            .await
            .expect("subscribe");
        let join_ms = started.elapsed().as_secs_f64() * 1000.0;
        let started = Instant::now();
        let (mut rtc, socket) = client_rtc().await;
        let offer = SdpOffer::from_sdp_string(sdp_of(&attached)).expect("Janus's offer");
        assert_loopback(sdp_of(&attached));
        let answer = rtc.sdp_api().accept_offer(offer).unwrap();
        let recv = RtcTransport::negotiated(rtc, socket, None, lifetime()).unwrap();
        client
            .message(
                json!({"request": "start"}),
                Some(jsep("answer", answer.to_sdp_string())),
            )
            .await
            .expect("start");
        Listener::after_first_audio(client, recv, join_ms, started).await
    }

    async fn member(&self) -> JanusClient {
        let mut client = self.client().await;
        client
            .message(
                json!({"request": "join", "room": SIGNALING_ROOM, "ptype": "publisher",
                       "display": "hand down"}),
                None,
            )
            .await
            .expect("join");
        client
    }

    async fn toggle(client: &mut JanusClient, up: bool) -> bool {
        let display = if up { "hand up" } else { "hand down" };
        client
            .message(json!({"request": "configure", "display": display}), None)
            .await
            .is_ok()
    }

    async fn close(client: JanusClient) {
        client.close().await;
    }
}
