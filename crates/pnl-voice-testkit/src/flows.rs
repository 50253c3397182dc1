//! Common client flows: speak (send transport + producer) and listen
//! (receive transport + consumer), as mediasoup-client does them.

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{json, Value};

use crate::rtc::RtcTransport;
use crate::signal::SignalClient;

/// Default bound of every wait in the tests.
pub const T: Duration = Duration::from_secs(10);
/// Longest life of a test transport.
pub const LIFETIME: Duration = Duration::from_secs(90);

/// The life of transports opened from now on, in seconds ([`set_lifetime`]).
static LIFETIME_SECS: AtomicU64 = AtomicU64::new(LIFETIME.as_secs());

/// How long transports opened from now on live at most: [`LIFETIME`]
/// unless [`set_lifetime`] said otherwise.
pub fn lifetime() -> Duration {
    Duration::from_secs(LIFETIME_SECS.load(Ordering::Relaxed))
}

/// Sets the life of transports opened from now on, for runs longer than a
/// test (a benchmark's set-up of thousands of listeners takes minutes).
pub fn set_lifetime(lifetime: Duration) {
    LIFETIME_SECS.store(lifetime.as_secs(), Ordering::Relaxed);
}

fn lo() -> IpAddr {
    "127.0.0.1".parse().unwrap()
}

/// Opens a transport of `direction` (`"send"` or `"recv"`) as
/// mediasoup-client does: `createTransport`, the str0m side,
/// `connectTransport`, then DTLS.
pub async fn open_transport(
    client: &mut SignalClient,
    caps: &Value,
    direction: &str,
) -> Result<RtcTransport, String> {
    let reply = client
        .request("createTransport", json!({"direction": direction}))
        .await
        .map_err(|e| format!("createTransport: {e}"))?;
    let transport = RtcTransport::new(lo(), &reply, caps, lifetime()).await?;
    client
        .request(
            "connectTransport",
            json!({"transportId": transport.id(), "dtlsParameters": transport.local_dtls_params()}),
        )
        .await
        .map_err(|e| format!("connectTransport: {e}"))?;
    transport.start().await?;
    Ok(transport)
}

/// Opens a send transport, produces and unmutes; returns the transport and
/// the producer id.
pub async fn try_start_speaking(
    client: &mut SignalClient,
    caps: &Value,
) -> Result<(RtcTransport, String), String> {
    let send = open_transport(client, caps, "send").await?;
    let rtp = send.produce_params(0x1111_2222, "0").await?;
    let produced = client
        .request(
            "produce",
            json!({"transportId": send.id(), "kind": "audio", "rtpParameters": rtp}),
        )
        .await
        .map_err(|e| format!("produce: {e}"))?;
    client
        .request("voice:mute", json!({"muted": false}))
        .await
        .map_err(|e| format!("voice:mute: {e}"))?;
    let id = produced["id"].as_str().ok_or("produce: no id")?.to_string();
    Ok((send, id))
}

/// Opens a send transport and produces; returns the transport and producer id.
pub async fn start_speaking(client: &mut SignalClient, caps: &Value) -> (RtcTransport, String) {
    try_start_speaking(client, caps).await.unwrap()
}

/// Consumes `producer_id` on `recv` and resumes the consumer; returns its mid.
pub async fn consume(
    client: &mut SignalClient,
    recv: &RtcTransport,
    caps: &Value,
    producer_id: &str,
) -> Result<String, String> {
    consume_with_reply(client, recv, caps, producer_id)
        .await
        .map(|(mid, _)| mid)
}

/// As [`consume`]; returns the consumer's mid and the `consume` reply (its
/// negotiated `rtpParameters`: a producer is consumed once per listener).
pub async fn consume_with_reply(
    client: &mut SignalClient,
    recv: &RtcTransport,
    caps: &Value,
    producer_id: &str,
) -> Result<(String, Value), String> {
    let consumer = client
        .request(
            "consume",
            json!({"transportId": recv.id(), "producerId": producer_id, "rtpCapabilities": caps}),
        )
        .await
        .map_err(|e| format!("consume: {e}"))?;
    if consumer["producerId"] != producer_id || consumer["kind"] != "audio" {
        return Err(format!("consume: unexpected reply {consumer}"));
    }
    let mid = recv.expect_consumer(&consumer).await?;
    client
        .request("resumeConsumer", json!({"consumerId": consumer["id"]}))
        .await
        .map_err(|e| format!("resumeConsumer: {e}"))?;
    Ok((mid, consumer))
}

/// Opens a receive transport and consumes `producer_id`; returns it and the consumer's mid.
pub async fn start_listening(
    client: &mut SignalClient,
    caps: &Value,
    producer_id: &str,
) -> (RtcTransport, String) {
    let recv = open_transport(client, caps, "recv").await.unwrap();
    let mid = consume(client, &recv, caps, producer_id).await.unwrap();
    (recv, mid)
}

/// mediasoup-client-style `rtpParameters` for an Opus producer.
pub fn opus_rtp(ssrc: u32) -> Value {
    json!({
        "mid": "0",
        "codecs": [{"mimeType": "audio/opus", "payloadType": 100, "clockRate": 48000, "channels": 2,
                    "parameters": {}, "rtcpFeedback": []}],
        "headerExtensions": [],
        "encodings": [{"ssrc": ssrc}],
        "rtcp": {"cname": "test", "reducedSize": true}
    })
}

/// `voice:join` of `market`; returns the room's `rtpCapabilities`.
pub async fn join_room(client: &mut SignalClient, market: &str) -> Value {
    client
        .request("voice:join", json!({"marketAddress": market}))
        .await
        .unwrap()["rtpCapabilities"]
        .clone()
}

/// A call set up by [`start_call`], both transports connected.
pub struct Call {
    /// The router's `rtpCapabilities`.
    pub caps: Value,
    /// The speaker's send transport.
    pub send: RtcTransport,
    /// The speaker's producer id.
    pub producer: String,
    /// The listener's receive transport, consuming the producer.
    pub recv: RtcTransport,
    /// The listener's `consume` reply (id, negotiated `rtpParameters`).
    pub consumer: Value,
}

/// `speaker` joins `market` and produces, then `listener` joins and
/// consumes; returns once both transports are connected.
pub async fn start_call(
    speaker: &mut SignalClient,
    listener: &mut SignalClient,
    market: &str,
) -> Call {
    let caps = join_room(speaker, market).await;
    let (send, producer) = start_speaking(speaker, &caps).await;
    join_room(listener, market).await;
    let recv = open_transport(listener, &caps, "recv").await.unwrap();
    let (_, consumer) = consume_with_reply(listener, &recv, &caps, &producer)
        .await
        .unwrap();
    send.wait_connected(T).await.unwrap();
    recv.wait_connected(T).await.unwrap();
    Call {
        caps,
        send,
        producer,
        recv,
        consumer,
    }
}
