//! Reading mediasoup's JSON (router capabilities, transport and consumer replies)
//! and writing the mediasoup-client style JSON the server expects back.

use std::net::{IpAddr, SocketAddr};

use serde_json::{json, Value};
use str0m::config::Fingerprint;
use str0m::format::{Codec, FormatParams};
use str0m::media::Frequency;
use str0m::rtp::Extension;
use str0m::{IceCreds, RtcConfig};

/// Header extensions this client negotiates, each at the id the router announces for audio.
/// (str0m's own default ids differ from mediasoup's, so they are never used.)
fn supported_extensions() -> [Extension; 3] {
    [
        Extension::RtpMid,
        Extension::AbsoluteSendTime,
        Extension::AudioLevel,
    ]
}

/// The Opus codec and audio header extensions of a router's `rtpCapabilities`.
#[derive(Debug, Clone)]
pub(super) struct RouterAudio {
    /// The router's `preferredPayloadType` for audio/opus.
    pub opus_pt: u8,
    /// `(id, extension)` for each supported extension the router offers for audio.
    pub extensions: Vec<(u8, Extension)>,
}

impl RouterAudio {
    /// Reads the Opus payload type and the audio header-extension ids.
    pub fn parse(caps: &Value) -> Result<Self, String> {
        let opus = array(caps, "codecs")?
            .iter()
            .find(|c| str_of(c, "mimeType").is_some_and(|m| m.eq_ignore_ascii_case("audio/opus")))
            .ok_or("router rtpCapabilities have no audio/opus codec")?;
        let opus_pt = u8_of(opus, "preferredPayloadType")?;

        let mut extensions = Vec::new();
        for ext in array(caps, "headerExtensions")? {
            if str_of(ext, "kind").is_some_and(|k| k != "audio") {
                continue;
            }
            let Some(uri) = str_of(ext, "uri") else {
                continue;
            };
            let Some(known) = supported_extensions()
                .into_iter()
                .find(|e| e.as_uri() == uri)
            else {
                continue;
            };
            let id = u8_of(ext, "preferredId")?;
            if !(1..=14).contains(&id) {
                return Err(format!(
                    "header extension {uri} has id {id}, outside 1..=14"
                ));
            }
            extensions.push((id, known));
        }
        Ok(Self {
            opus_pt,
            extensions,
        })
    }

    /// An str0m config with only this Opus payload type and these extension ids.
    pub fn rtc_config(&self) -> RtcConfig {
        opus_rtc_config(self.opus_pt, &self.extensions)
    }

    /// mediasoup-client style `rtpParameters` for `produce`.
    pub fn produce_rtp_parameters(&self, mid: &str, ssrc: u32, cname: &str) -> Value {
        let header_extensions: Vec<Value> = self
            .extensions
            .iter()
            .map(|(id, ext)| json!({ "uri": ext.as_uri(), "id": id, "encrypt": false, "parameters": {} }))
            .collect();
        json!({
            "mid": mid,
            "codecs": [{
                "mimeType": "audio/opus",
                "payloadType": self.opus_pt,
                "clockRate": 48000,
                "channels": 2,
                "parameters": { "minptime": 10, "useinbandfec": 1 },
                "rtcpFeedback": [],
            }],
            "headerExtensions": header_extensions,
            "encodings": [{ "ssrc": ssrc }],
            "rtcp": { "cname": cname, "reducedSize": true },
        })
    }
}

/// An str0m config with only Opus (48 kHz, stereo, in-band FEC) at payload
/// type `pt` and `extensions` at their ids.
fn opus_rtc_config(pt: u8, extensions: &[(u8, Extension)]) -> RtcConfig {
    let mut config = RtcConfig::new().clear_codecs().clear_extension_map();
    config.codec_config().add_config(
        pt.into(),
        None,
        Codec::Opus,
        Frequency::FORTY_EIGHT_KHZ,
        Some(2),
        FormatParams {
            min_p_time: Some(10),
            use_inband_fec: Some(true),
            ..Default::default()
        },
    );
    for (id, ext) in extensions {
        config = config.set_extension(*id, ext.clone());
    }
    config
}

/// The config of a client that negotiates with SDP: the same Opus and header
/// extensions as against a router, Opus at payload type `opus_pt`, the
/// extensions at ids 1, 2, 3.
pub(super) fn sdp_rtc_config(opus_pt: u8) -> RtcConfig {
    let extensions: Vec<(u8, Extension)> = (1..).zip(supported_extensions()).collect();
    opus_rtc_config(opus_pt, &extensions)
}

/// The parts of a `createTransport` reply a client needs.
#[derive(Debug, Clone)]
pub(super) struct ServerTransport {
    pub id: String,
    pub ice: IceCreds,
    /// UDP candidates (`address`, or `ip` when `address` is absent).
    pub candidates: Vec<SocketAddr>,
    /// The server's sha-256 certificate fingerprint.
    pub fingerprint: Fingerprint,
}

impl ServerTransport {
    /// Reads `{id, iceParameters, iceCandidates, dtlsParameters}`.
    pub fn parse(reply: &Value) -> Result<Self, String> {
        let id = required_str(reply, "id")?.to_owned();
        let ice_parameters = &reply["iceParameters"];
        let ice = IceCreds {
            ufrag: required_str(ice_parameters, "usernameFragment")?.to_owned(),
            pass: required_str(ice_parameters, "password")?.to_owned(),
        };

        let mut candidates = Vec::new();
        for candidate in array(reply, "iceCandidates")? {
            if !str_of(candidate, "protocol").is_some_and(|p| p.eq_ignore_ascii_case("udp")) {
                continue;
            }
            let ip_text = str_of(candidate, "address")
                .or_else(|| str_of(candidate, "ip"))
                .ok_or_else(|| format!("candidate without address: {candidate}"))?;
            let ip: IpAddr = ip_text
                .parse()
                .map_err(|e| format!("candidate address {ip_text}: {e}"))?;
            let port = candidate["port"]
                .as_u64()
                .and_then(|p| u16::try_from(p).ok())
                .ok_or_else(|| format!("candidate without valid port: {candidate}"))?;
            candidates.push(SocketAddr::new(ip, port));
        }
        if candidates.is_empty() {
            return Err(format!("no UDP ICE candidate in {reply}"));
        }

        let sha256 = array(&reply["dtlsParameters"], "fingerprints")?
            .iter()
            .find(|f| str_of(f, "algorithm").is_some_and(|a| a.eq_ignore_ascii_case("sha-256")))
            .ok_or("dtlsParameters have no sha-256 fingerprint")?;
        let value = required_str(sha256, "value")?;
        let fingerprint = format!("sha-256 {value}")
            .parse()
            .map_err(|e| format!("bad sha-256 fingerprint {value}: {e}"))?;

        Ok(Self {
            id,
            ice,
            candidates,
            fingerprint,
        })
    }
}

/// The parts of a `consume` reply a receiving client needs.
#[derive(Debug, Clone)]
pub(super) struct ConsumerStream {
    pub mid: String,
    pub ssrc: u32,
    pub payload_type: u8,
}

impl ConsumerStream {
    /// Reads `rtpParameters.{mid, encodings[0].ssrc, codecs[0].payloadType}`.
    pub fn parse(reply: &Value) -> Result<Self, String> {
        let rtp = &reply["rtpParameters"];
        let mid = required_str(rtp, "mid")?.to_owned();
        let ssrc = array(rtp, "encodings")?
            .first()
            .and_then(|e| e["ssrc"].as_u64())
            .and_then(|s| u32::try_from(s).ok())
            .ok_or_else(|| format!("consumer rtpParameters without encodings[0].ssrc: {rtp}"))?;
        let codec = array(rtp, "codecs")?
            .first()
            .ok_or_else(|| format!("consumer rtpParameters without codecs: {rtp}"))?;
        let payload_type = u8_of(codec, "payloadType")?;
        Ok(Self {
            mid,
            ssrc,
            payload_type,
        })
    }
}

/// `dtlsParameters` for `connectTransport`: this client is the DTLS client.
pub(super) fn client_dtls_parameters(fingerprint: &Fingerprint) -> Value {
    let value = fingerprint
        .bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    json!({
        "role": "client",
        "fingerprints": [{ "algorithm": fingerprint.hash_func, "value": value }],
    })
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn required_str<'a>(v: &'a Value, key: &str) -> Result<&'a str, String> {
    str_of(v, key).ok_or_else(|| format!("missing string `{key}` in {v}"))
}

fn array<'a>(v: &'a Value, key: &str) -> Result<&'a Vec<Value>, String> {
    v.get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| format!("missing array `{key}` in {v}"))
}

fn u8_of(v: &Value, key: &str) -> Result<u8, String> {
    v.get(key)
        .and_then(Value::as_u64)
        .and_then(|n| u8::try_from(n).ok())
        .ok_or_else(|| format!("missing small integer `{key}` in {v}"))
}
