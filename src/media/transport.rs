//! WebRTC transports: creation from the media settings and the data that
//! mediasoup-client's `createSendTransport`/`createRecvTransport` take.

use mediasoup::prelude::*;
use mediasoup::types::data_structures::Protocol;
use mediasoup::worker::RequestError;

use super::wire;
use super::{MediaError, WorkerSlot};
use crate::config::MediaConfig;
use crate::protocol::TransportData;

/// Creates a WebRTC transport on `router`: through the worker's WebRtcServer
/// when there is one, else on the configured listen IP and port range.
pub async fn create_webrtc_transport(
    router: &Router,
    slot: &WorkerSlot,
    config: &MediaConfig,
) -> Result<WebRtcTransport, MediaError> {
    let mut options = match &slot.webrtc_server {
        Some(server) => WebRtcTransportOptions::new_with_server(server.clone()),
        None => {
            let mut infos = WebRtcTransportListenInfos::new(config.listen(Protocol::Udp, None));
            if config.enable_tcp {
                infos = infos.insert(config.listen(Protocol::Tcp, None));
            }
            WebRtcTransportOptions::new(infos)
        }
    };
    options.enable_udp = true;
    options.enable_tcp = config.enable_tcp;
    options.prefer_udp = true;
    options.initial_available_outgoing_bitrate = config.initial_available_outgoing_bitrate;
    let transport = router
        .create_webrtc_transport(options)
        .await
        .map_err(creation_error)?;
    transport
        .set_max_incoming_bitrate(config.max_incoming_bitrate)
        .await
        .map_err(MediaError::request("set max incoming bitrate"))?;
    Ok(transport)
}

/// Out of ports (the RTC range is used up) or of file descriptors, the worker
/// refuses a transport with only a message to tell it from a fault; the client
/// is told the node is full (`CAPACITY`), the log keeps the worker's words.
fn creation_error(e: RequestError) -> MediaError {
    let out_of_ports = matches!(&e, RequestError::Response { reason }
        if reason.contains("no more available ports") || reason.contains("too many open files"));
    if out_of_ports {
        tracing::warn!(error = %e, "a WebRTC transport was refused for want of ports");
        return MediaError::NoPorts;
    }
    MediaError::Request {
        what: "create WebRTC transport",
        source: e,
    }
}

/// `{id, iceParameters, iceCandidates, dtlsParameters, sctpParameters}`; each
/// candidate carries its IP as both `ip` and `address`.
pub fn transport_data(transport: &WebRtcTransport) -> TransportData {
    TransportData {
        id: wire::id(transport.id()),
        ice_parameters: wire::json(transport.ice_parameters()),
        ice_candidates: transport
            .ice_candidates()
            .iter()
            .map(wire::ice_candidate)
            .collect(),
        dtls_parameters: wire::json(&transport.dtls_parameters()),
        sctp_parameters: (),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ApiError, ErrorCode};

    fn code(reason: &str) -> ErrorCode {
        let e = RequestError::Response {
            reason: reason.into(),
        };
        ApiError::from(creation_error(e)).code
    }

    #[test]
    fn running_out_of_ports_or_sockets_is_capacity_and_the_rest_internal() {
        assert_eq!(
            code("no more available ports [transport:udp, ip:'127.0.0.1', numAttempt:101]"),
            ErrorCode::Capacity
        );
        assert_eq!(
            code("port bind failed due to too many open files [transport:udp, ip:'127.0.0.1', port:40001, attempt:1/101]"),
            ErrorCode::Capacity
        );
        assert_eq!(code("Router closed"), ErrorCode::Internal);
    }
}
