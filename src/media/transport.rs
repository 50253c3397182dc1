//! WebRTC transports: creation from the media settings and the data that
//! mediasoup-client's `createSendTransport`/`createRecvTransport` take.

use mediasoup::prelude::*;

use super::{MediaError, WorkerSlot};
use crate::config::MediaConfig;
use crate::protocol::{IceCandidateData, TransportData};

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
pub fn transport_data(transport: &WebRtcTransport) -> TransportData {
    TransportData {
        id: transport.id().to_string(),
        ice_parameters: transport.ice_parameters().clone(),
        ice_candidates: transport
            .ice_candidates()
            .iter()
            .map(IceCandidateData::from)
            .collect(),
        dtls_parameters: transport.dtls_parameters(),
        sctp_parameters: (),
    }
}
