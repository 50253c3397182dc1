//! WebRTC transports: creation from the media settings and the JSON that
//! mediasoup-client's `createSendTransport`/`createRecvTransport` take.

use mediasoup::prelude::*;
use serde_json::{json, Value};

use super::{MediaError, WorkerSlot};
use crate::config::MediaConfig;

/// Creates a WebRTC transport on `router`: through the worker's WebRtcServer
/// when there is one, else on the configured listen IP and port range.
pub async fn create_webrtc_transport(
    router: &Router,
    slot: &WorkerSlot,
    config: &MediaConfig,
) -> Result<WebRtcTransport, MediaError> {
    let mut options = match &slot.webrtc_server {
        Some(server) => WebRtcTransportOptions::new_with_server(server.clone()),
        None => WebRtcTransportOptions::new(TransportListenIps::new(config.listen())),
    };
    options.enable_udp = true;
    options.enable_tcp = config.enable_tcp;
    options.prefer_udp = true;
    options.initial_available_outgoing_bitrate = config.initial_available_outgoing_bitrate;
    let transport = router
        .create_webrtc_transport(options)
        .await
        .map_err(|e| MediaError::Worker(e.to_string()))?;
    transport
        .set_max_incoming_bitrate(config.max_incoming_bitrate)
        .await
        .map_err(|e| MediaError::Worker(e.to_string()))?;
    Ok(transport)
}

/// `{id, iceParameters, iceCandidates, dtlsParameters, sctpParameters}`; each
/// candidate carries its IP as both `ip` and `address`.
pub fn transport_json(transport: &WebRtcTransport) -> Value {
    let candidates: Vec<Value> = transport
        .ice_candidates()
        .iter()
        .map(|c| {
            let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
            if let Value::Object(map) = &mut v {
                map.insert("address".into(), json!(c.ip));
            }
            v
        })
        .collect();
    json!({
        "id": transport.id().to_string(),
        "iceParameters": transport.ice_parameters(),
        "iceCandidates": candidates,
        "dtlsParameters": transport.dtls_parameters(),
        "sctpParameters": Value::Null,
    })
}
