//! The edge between the wire contract (`pnl_voice_core::protocol`, which
//! carries mediasoup's parameter objects as opaque JSON and ids as text)
//! and mediasoup's own types.
//!
//! Inbound, a parameter object is read into mediasoup's type here; one that
//! does not read is refused exactly as the decoder refused it when it read
//! mediasoup's types itself: `BAD_REQUEST` with `"{method}: {serde's
//! message}"`. [`checked`] runs those reads right after decoding, so a
//! malformed request is refused before any other check (membership, ids),
//! as before the split. Outbound, mediasoup's values become the wire's
//! JSON ([`json`]) and its ids the wire's typed ids ([`id`]).

use mediasoup::prelude::{DtlsParameters, IceCandidate, RtpCapabilities, RtpParameters};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::protocol::{self, Command, DecodeError, Request, RoomCommand};

/// Reads `value` as mediasoup's `T`, refusing it as the decoder refuses a
/// mistyped field of `method`.
fn read<T: DeserializeOwned>(method: &str, value: &Value) -> Result<T, ApiError> {
    T::deserialize(value).map_err(|e| ApiError::bad_request(format!("{method}: {e}")))
}

/// `connectTransport`'s DTLS parameters, as mediasoup takes them.
pub fn dtls_parameters(p: &protocol::DtlsParameters) -> Result<DtlsParameters, ApiError> {
    read("connectTransport", &p.0)
}

/// `produce`'s RTP parameters, as mediasoup takes them, and consistent
/// ([`consistent_codecs`]).
pub fn rtp_parameters(p: &protocol::RtpParameters) -> Result<RtpParameters, ApiError> {
    let parameters = read("produce", &p.0)?;
    consistent_codecs(&p.0).map_err(|e| ApiError::bad_request(format!("produce: {e}")))?;
    Ok(parameters)
}

/// Checks what mediasoup 0.12 takes for granted in a producer's codecs
/// (and panics on otherwise, in `ortc.rs`): payload types are unique, and
/// every RTX codec's `apt` names the payload type of another codec of the
/// parameters that is not RTX itself. Run after the parameters read as
/// mediasoup's type, so the fields are known to be there and typed.
fn consistent_codecs(parameters: &Value) -> Result<(), String> {
    let codecs = parameters["codecs"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let is_rtx = |codec: &Value| {
        codec["mimeType"]
            .as_str()
            .is_some_and(|m| m.to_ascii_lowercase().ends_with("/rtx"))
    };
    let mut media = std::collections::HashSet::new();
    let mut seen = std::collections::HashSet::new();
    for codec in codecs {
        let payload_type = codec["payloadType"].as_u64();
        if !seen.insert(payload_type) {
            return Err(format!(
                "codecs: payloadType {} is used twice",
                codec["payloadType"]
            ));
        }
        if !is_rtx(codec) {
            media.insert(payload_type);
        }
    }
    for codec in codecs.iter().filter(|c| is_rtx(c)) {
        let apt = &codec["parameters"]["apt"];
        if apt.is_null() || !media.contains(&apt.as_u64()) {
            return Err(format!(
                "codecs: the RTX codec of payloadType {} needs an `apt` naming another, non-RTX codec",
                codec["payloadType"]
            ));
        }
    }
    Ok(())
}

/// `consume`'s device capabilities, as mediasoup takes them.
pub fn rtp_capabilities(p: &protocol::RtpCapabilities) -> Result<RtpCapabilities, ApiError> {
    read("consume", &p.0)
}

/// A decoded request whose media parameters mediasoup can read; the same
/// refusal as [`crate::protocol::decode`]'s otherwise (the request's id
/// echoed, `BAD_REQUEST`). Run on every decoded frame, before the request
/// is handled.
pub fn checked(request: Request) -> Result<Request, Box<DecodeError>> {
    let read = match &request.command {
        Command::Room(RoomCommand::ConnectTransport {
            dtls_parameters: p, ..
        }) => dtls_parameters(p).map(drop),
        Command::Room(RoomCommand::Produce {
            rtp_parameters: p, ..
        }) => rtp_parameters(p).map(drop),
        Command::Room(RoomCommand::Consume {
            rtp_capabilities: p,
            ..
        }) => rtp_capabilities(p).map(drop),
        _ => Ok(()),
    };
    match read {
        Ok(()) => Ok(request),
        Err(error) => Err(Box::new(DecodeError {
            id: request.id,
            error,
        })),
    }
}

/// A mediasoup value as the wire's JSON (`protocol::RtpParameters`,
/// `protocol::IceParameters`, ...). mediasoup's parameter types serialize
/// without fail; a failure would be a bug in them, and gives `null`.
pub fn json<T: Serialize, W: From<Value>>(value: &T) -> W {
    W::from(serde_json::to_value(value).unwrap_or(Value::Null))
}

/// A track's kind, as the wire names it.
pub fn media_kind(kind: mediasoup::prelude::MediaKind) -> protocol::MediaKind {
    match kind {
        mediasoup::prelude::MediaKind::Audio => protocol::MediaKind::Audio,
        mediasoup::prelude::MediaKind::Video => protocol::MediaKind::Video,
    }
}

/// A consumer's type, as the wire names it.
pub fn consumer_type(kind: mediasoup::consumer::ConsumerType) -> protocol::ConsumerType {
    use mediasoup::consumer::ConsumerType as M;
    match kind {
        M::Simple => protocol::ConsumerType::Simple,
        M::Simulcast => protocol::ConsumerType::Simulcast,
        M::Svc => protocol::ConsumerType::Svc,
        M::Pipe => protocol::ConsumerType::Pipe,
    }
}

/// An ICE candidate with its address as both `address` and `ip`
/// (mediasoup-client reads one or the other, depending on its version).
pub fn ice_candidate(candidate: &IceCandidate) -> protocol::IceCandidate {
    #[derive(Serialize)]
    struct WithIp<'a> {
        #[serde(flatten)]
        candidate: &'a IceCandidate,
        ip: &'a str,
    }
    json(&WithIp {
        candidate,
        ip: &candidate.address,
    })
}

/// A mediasoup id (`TransportId`, `ProducerId`, `ConsumerId`) as the
/// wire's typed id of the same object.
pub fn id<M: Into<uuid::Uuid>, W: From<uuid::Uuid>>(id: M) -> W {
    W::from(id.into())
}

/// Whether the wire's `id` names the mediasoup object whose id is
/// `mediasoup_id`; an id that is no UUID names nothing (the caller answers
/// `NOT_FOUND`, as for any unknown id).
pub fn names<W: AsUuid, M: Into<uuid::Uuid>>(id: &W, mediasoup_id: M) -> bool {
    id.as_uuid() == Some(mediasoup_id.into())
}

/// A wire id's UUID, if its text is one.
pub trait AsUuid {
    /// The UUID, or `None` for a text that is not one.
    fn as_uuid(&self) -> Option<uuid::Uuid>;
}

macro_rules! as_uuid {
    ($($ty:ty),*) => {$(
        impl AsUuid for $ty {
            fn as_uuid(&self) -> Option<uuid::Uuid> {
                self.uuid()
            }
        }
    )*};
}

as_uuid!(
    protocol::TransportId,
    protocol::ProducerId,
    protocol::ConsumerId
);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::error::ErrorCode;
    use crate::protocol::{decode, ProducerId};

    /// Frames whose media parameters only mediasoup can judge: refused with
    /// the request's id and `BAD_REQUEST`, the method named in the message.
    #[test]
    fn malformed_media_parameters_are_bad_requests() {
        let cases = [
            r#"{"id":1,"method":"connectTransport","data":{"transportId":"t","dtlsParameters":{"role":"x","fingerprints":[]}}}"#,
            r#"{"id":1,"method":"connectTransport","data":{"transportId":"t","dtlsParameters":{"role":"client","fingerprints":[{"algorithm":"sha-256","value":"zz"}]}}}"#,
            r#"{"id":1,"method":"connectTransport","data":{"transportId":"t","dtlsParameters":null}}"#,
            r#"{"id":1,"method":"produce","data":{"transportId":"t","kind":"audio","rtpParameters":"x"}}"#,
            r#"{"id":1,"method":"consume","data":{"transportId":"t","producerId":"p","rtpCapabilities":{"codecs":"x"}}}"#,
        ];
        for text in cases {
            let request = decode(text).unwrap_or_else(|e| panic!("{text}: {:?}", e.error));
            let method = request.command.method();
            let refusal = checked(request).expect_err(text);
            assert_eq!(refusal.id, json!(1), "{text}");
            assert_eq!(refusal.error.code, ErrorCode::BadRequest, "{text}");
            assert!(
                refusal.error.message.starts_with(&format!("{method}: ")),
                "{text}: {}",
                refusal.error.message
            );
        }
    }

    #[test]
    fn well_formed_media_parameters_pass() {
        let rtp = json!({"codecs": [{"mimeType": "audio/opus", "payloadType": 100, "clockRate": 48000,
            "channels": 2, "parameters": {}, "rtcpFeedback": []}], "headerExtensions": [],
            "encodings": [{"ssrc": 1111}], "rtcp": {"cname": "x", "reducedSize": true}, "mid": "0"});
        let frame = json!({"id": 2, "method": "produce",
            "data": {"transportId": "t", "kind": "audio", "rtpParameters": rtp}});
        let request = decode(&frame.to_string()).expect("decodes");
        assert!(checked(request).is_ok());
    }

    #[test]
    fn inconsistent_codecs_are_bad_requests() {
        let opus = json!({"mimeType": "audio/opus", "payloadType": 100, "clockRate": 48000,
            "channels": 2, "parameters": {}, "rtcpFeedback": []});
        let rtx = |pt: u8, apt: Value| {
            json!({"mimeType": "audio/rtx", "payloadType": pt,
            "clockRate": 48000, "channels": 1, "parameters": {"apt": apt}, "rtcpFeedback": []})
        };
        let mut no_apt = rtx(101, json!(100));
        no_apt["parameters"] = json!({});
        let cases = [
            (vec![opus.clone(), rtx(101, json!(101))], "apt"),
            (
                vec![opus.clone(), rtx(101, json!(102)), rtx(102, json!(101))],
                "apt",
            ),
            (vec![opus.clone(), rtx(101, json!(99))], "apt"),
            (vec![opus.clone(), no_apt], "apt"),
            (vec![opus.clone(), rtx(100, json!(100))], "twice"),
            (vec![opus.clone(), opus.clone()], "twice"),
        ];
        for (codecs, says) in cases {
            let rtp = json!({"codecs": codecs, "headerExtensions": [], "encodings": [{"ssrc": 1}],
                "rtcp": {"cname": "x", "reducedSize": true}, "mid": "0"});
            let frame = json!({"id": 3, "method": "produce",
                "data": {"transportId": "t", "kind": "audio", "rtpParameters": rtp}});
            let refusal = checked(decode(&frame.to_string()).expect("decodes")).expect_err(says);
            assert_eq!(refusal.error.code, ErrorCode::BadRequest);
            assert!(
                refusal.error.message.contains(says),
                "{}",
                refusal.error.message
            );
        }
        let rtp = json!({"codecs": [opus, rtx(101, json!(100))], "headerExtensions": [],
            "encodings": [{"ssrc": 1}], "rtcp": {"cname": "x", "reducedSize": true}, "mid": "0"});
        let frame = json!({"id": 4, "method": "produce",
            "data": {"transportId": "t", "kind": "audio", "rtpParameters": rtp}});
        assert!(checked(decode(&frame.to_string()).expect("decodes")).is_ok());
    }

    #[test]
    fn ids_name_mediasoup_objects_by_uuid() {
        let uuid = uuid::Uuid::from_u128(42);
        let wire: ProducerId = id(uuid);
        assert!(names(&wire, uuid));
        assert!(!names(&ProducerId::from("not-a-uuid"), uuid));
    }
}
