//! Media settings: the mediasoup worker, its RTC sockets and the router codecs.
//! Defaults come from `mediasoup-config/media.toml`, compiled in.

use std::net::IpAddr;

use mediasoup::prelude::*;
use mediasoup::types::data_structures::Protocol;
use mediasoup::worker::{WorkerLogLevel, WorkerLogTag};
use serde::Deserialize;

/// The compiled-in media defaults.
const DEFAULT_MEDIA_TOML: &str = include_str!("../../mediasoup-config/media.toml");

/// Media settings (see `mediasoup-config/media.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaConfig {
    /// Worker log level: debug, warn, error or none.
    pub log_level: String,
    /// Worker log tags.
    pub log_tags: Vec<String>,
    /// IP the worker listens on for RTC.
    pub listen_ip: IpAddr,
    /// IP put into ICE candidates.
    pub announced_ip: Option<IpAddr>,
    /// Lowest RTC port.
    pub rtc_min_port: u16,
    /// Highest RTC port.
    pub rtc_max_port: u16,
    /// Base port of the per-worker WebRtcServer (worker N uses base + N);
    /// `None` gives each transport its own port from the range instead.
    pub webrtc_server_port: Option<u16>,
    /// Offer ICE over TCP as well as UDP.
    pub enable_tcp: bool,
    /// Initial outgoing bitrate estimate of a transport (bits/s).
    pub initial_available_outgoing_bitrate: u32,
    /// Most a client may send (bits/s).
    pub max_incoming_bitrate: u32,
    /// Let the workers send through io_uring (Linux 6 or later). A worker
    /// that cannot set io_uring up (an older kernel, a seccomp profile that
    /// forbids it, as Docker's default does) sends through libuv instead;
    /// `voice_worker_io_uring` says which each worker uses.
    #[serde(default = "default_io_uring")]
    pub io_uring: bool,
    /// Consumers on one receive transport at most: a listener consumes
    /// each producer once, so this bounds the streams one client can make
    /// the router forward to it.
    #[serde(default = "default_consumers_per_transport")]
    pub max_consumers_per_transport: usize,
    /// Router codecs.
    pub codecs: Vec<RtpCodecCapability>,
}

impl Default for MediaConfig {
    fn default() -> Self {
        toml::from_str(DEFAULT_MEDIA_TOML).expect("mediasoup-config/media.toml is valid")
    }
}

/// [`MediaConfig::io_uring`] when a media file leaves it out.
fn default_io_uring() -> bool {
    true
}

/// [`MediaConfig::max_consumers_per_transport`] when a media file leaves it out.
fn default_consumers_per_transport() -> usize {
    100
}

impl MediaConfig {
    /// Checks ports, log settings, limits and codecs.
    pub fn validate(&self) -> Result<(), String> {
        if self.max_consumers_per_transport == 0 {
            return Err("media: max_consumers_per_transport must be at least 1".into());
        }
        if self.rtc_min_port == 0 || self.rtc_min_port > self.rtc_max_port {
            return Err(format!(
                "media: rtc_min_port ({}) must be 1..=rtc_max_port ({})",
                self.rtc_min_port, self.rtc_max_port
            ));
        }
        self.worker_log_level()?;
        self.worker_log_tags()?;
        if let Some(ip) = self.announced_ip {
            if ip.is_unspecified() {
                return Err("media: announced_ip cannot be 0.0.0.0 or ::".into());
            }
        }
        let has_opus = self.codecs.iter().any(|c| {
            matches!(
                c,
                RtpCodecCapability::Audio {
                    mime_type: MimeTypeAudio::Opus,
                    ..
                }
            )
        });
        if !has_opus {
            return Err("media: codecs must include audio/opus".into());
        }
        Ok(())
    }

    /// The IP clients are told to reach: the announced IP, else the listen IP,
    /// else loopback when listening on every interface.
    pub fn effective_announced_ip(&self) -> Option<IpAddr> {
        match self.announced_ip {
            Some(ip) => Some(ip),
            None if self.listen_ip.is_unspecified() => Some(IpAddr::from([127, 0, 0, 1])),
            None => None,
        }
    }

    /// Where a WebRtcServer or a transport listens for `protocol`, on
    /// `port`, else on a port of the RTC range.
    pub fn listen(&self, protocol: Protocol, port: Option<u16>) -> ListenInfo {
        ListenInfo {
            protocol,
            ip: self.listen_ip,
            announced_address: self.effective_announced_ip().map(|ip| ip.to_string()),
            expose_internal_ip: false,
            port,
            port_range: port
                .is_none()
                .then_some(self.rtc_min_port..=self.rtc_max_port),
            flags: None,
            send_buffer_size: None,
            recv_buffer_size: None,
        }
    }

    /// The worker log level as mediasoup's type.
    pub fn worker_log_level(&self) -> Result<WorkerLogLevel, String> {
        Ok(match self.log_level.as_str() {
            "debug" => WorkerLogLevel::Debug,
            "warn" => WorkerLogLevel::Warn,
            "error" => WorkerLogLevel::Error,
            "none" => WorkerLogLevel::None,
            other => return Err(format!("media: unknown log_level {other:?}")),
        })
    }

    /// The worker log tags as mediasoup's type.
    pub fn worker_log_tags(&self) -> Result<Vec<WorkerLogTag>, String> {
        self.log_tags
            .iter()
            .map(|tag| {
                Ok(match tag.as_str() {
                    "info" => WorkerLogTag::Info,
                    "ice" => WorkerLogTag::Ice,
                    "dtls" => WorkerLogTag::Dtls,
                    "rtp" => WorkerLogTag::Rtp,
                    "srtp" => WorkerLogTag::Srtp,
                    "rtcp" => WorkerLogTag::Rtcp,
                    "rtx" => WorkerLogTag::Rtx,
                    "bwe" => WorkerLogTag::Bwe,
                    "score" => WorkerLogTag::Score,
                    "sctp" => WorkerLogTag::Sctp,
                    "message" => WorkerLogTag::Message,
                    other => return Err(format!("media: unknown log tag {other:?}")),
                })
            })
            .collect()
    }
}
