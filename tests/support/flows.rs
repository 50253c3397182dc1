//! Common client flows: speak (send transport + producer) and listen
//! (receive transport + consumer), as mediasoup-client does them.

use std::net::IpAddr;
use std::time::Duration;

use serde_json::{json, Value};

use super::rtc::RtcTransport;
use super::signal::SignalClient;

/// Default bound of every wait in the tests.
pub const T: Duration = Duration::from_secs(10);
/// Longest life of a test transport.
pub const LIFETIME: Duration = Duration::from_secs(90);

fn lo() -> IpAddr {
    "127.0.0.1".parse().unwrap()
}

/// Joins, opens a send transport and produces; returns the transport and producer id.
pub async fn start_speaking(client: &mut SignalClient, caps: &Value) -> (RtcTransport, String) {
    let reply = client
        .request("createTransport", json!({"direction": "send"}))
        .await
        .unwrap();
    let send = RtcTransport::new(lo(), &reply, caps, LIFETIME)
        .await
        .unwrap();
    client
        .request(
            "connectTransport",
            json!({"transportId": send.id(), "dtlsParameters": send.local_dtls_params()}),
        )
        .await
        .unwrap();
    send.start().await.unwrap();
    let rtp = send.produce_params(0x1111_2222, "0").await.unwrap();
    let produced = client
        .request(
            "produce",
            json!({"transportId": send.id(), "kind": "audio", "rtpParameters": rtp}),
        )
        .await
        .unwrap();
    client
        .request("voice:mute", json!({"muted": false}))
        .await
        .unwrap();
    (send, produced["id"].as_str().unwrap().to_string())
}

/// Opens a receive transport and consumes `producer_id`; returns it and the consumer's mid.
pub async fn start_listening(
    client: &mut SignalClient,
    caps: &Value,
    producer_id: &str,
) -> (RtcTransport, String) {
    let reply = client
        .request("createTransport", json!({"direction": "recv"}))
        .await
        .unwrap();
    let recv = RtcTransport::new(lo(), &reply, caps, LIFETIME)
        .await
        .unwrap();
    client
        .request(
            "connectTransport",
            json!({"transportId": recv.id(), "dtlsParameters": recv.local_dtls_params()}),
        )
        .await
        .unwrap();
    recv.start().await.unwrap();
    let consumer = client
        .request(
            "consume",
            json!({"transportId": recv.id(), "producerId": producer_id, "rtpCapabilities": caps}),
        )
        .await
        .unwrap();
    assert_eq!(consumer["producerId"], producer_id);
    assert_eq!(consumer["kind"], "audio");
    let mid = recv.expect_consumer(&consumer).await.unwrap();
    client
        .request("resumeConsumer", json!({"consumerId": consumer["id"]}))
        .await
        .unwrap();
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
    let (recv, _) = start_listening(listener, &caps, &producer).await;
    send.wait_connected(T).await.unwrap();
    recv.wait_connected(T).await.unwrap();
    Call {
        caps,
        send,
        producer,
        recv,
    }
}
