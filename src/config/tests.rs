use std::collections::HashMap;

use super::*;

/// Variables `pairs`, in dev mode unless they say otherwise.
fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let mut map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    map.entry("PNL_VOICE_DEV".into()).or_insert("1".into());
    move |name| map.get(name).cloned()
}

fn toml_file(text: &str) -> tempfile_path::TempPath {
    tempfile_path::write(text)
}

/// A tiny temp-file helper (std only).
mod tempfile_path {
    use std::path::{Path, PathBuf};

    pub struct TempPath(PathBuf);

    impl TempPath {
        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempPath {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    pub fn write(text: &str) -> TempPath {
        let path =
            std::env::temp_dir().join(format!("pnl-voice-cfg-{}.toml", uuid::Uuid::new_v4()));
        let mut f = std::fs::File::create(&path).unwrap();
        std::io::Write::write_all(&mut f, text.as_bytes()).unwrap();
        TempPath(path)
    }
}

#[test]
fn defaults_match_the_contract() {
    let c = Config::load_from(None, None, env(&[])).unwrap();
    assert_eq!(c.http_listen.to_string(), "0.0.0.0:3001");
    assert_eq!(c.media.rtc_min_port, 40000);
    assert_eq!(c.media.rtc_max_port, 40100);
    assert_eq!(c.media.webrtc_server_port, Some(40000));
    assert_eq!(c.media.listen_ip.to_string(), "0.0.0.0");
    assert_eq!(c.media.announced_ip, None);
    assert_eq!(
        c.media.effective_announced_ip().unwrap().to_string(),
        "127.0.0.1"
    );
    assert_eq!(c.rooms.max_participants, 50);
    assert!(c.rooms.speaker_only && c.rooms.auto_destroy);
    assert_eq!(c.rooms.destroy_after_minutes, 5);
    assert_eq!(c.limits.ws_max_frame_bytes, 64 * 1024);
    assert_eq!(c.limits.ws_requests_per_sec, 50);
    assert_eq!(c.data_dir, PathBuf::from("./data"));
    assert!(c.redis_url.is_none() && c.mongodb_uri.is_none() && c.jwt_secret.is_none());
    assert!(c.worker_count() >= 1);
}

#[test]
fn the_shutdown_delay_is_five_seconds_unless_the_file_or_the_environment_says() {
    let c = Config::load_from(None, None, env(&[])).unwrap();
    assert_eq!(c.shutdown_delay_secs, 5);
    let file = toml_file("shutdown_delay_secs = 20\n");
    let c = Config::load_from(Some(file.path()), None, env(&[])).unwrap();
    assert_eq!(c.shutdown_delay_secs, 20);
    let c = Config::load_from(
        Some(file.path()),
        None,
        env(&[("PNL_VOICE_SHUTDOWN_DELAY_SECS", "0")]),
    )
    .unwrap();
    assert_eq!(c.shutdown_delay_secs, 0);
}

#[test]
fn media_defaults_carry_opus_with_fec_and_dtx() {
    let m = MediaConfig::default();
    let opus = m.codecs.iter().find_map(|c| match c {
        mediasoup::prelude::RtpCodecCapability::Audio {
            mime_type,
            clock_rate,
            channels,
            parameters,
            ..
        } if *mime_type == mediasoup::prelude::MimeTypeAudio::Opus => Some((
            clock_rate.get(),
            channels.get(),
            serde_json::to_value(parameters).unwrap(),
        )),
        _ => None,
    });
    let (rate, channels, params) = opus.expect("opus codec");
    assert_eq!((rate, channels), (48000, 2));
    assert_eq!(params["useinbandfec"], 1);
    assert_eq!(params["usedtx"], 1);
}

#[test]
fn file_overrides_defaults_and_env_overrides_file() {
    let file = toml_file(
        "http_listen = \"127.0.0.1:4000\"\nworkers = 3\n[rooms]\nmax_participants = 10\n[media]\n\
         log_level = \"error\"\nlog_tags = []\nlisten_ip = \"127.0.0.1\"\nrtc_min_port = 1000\nrtc_max_port = 2000\n\
         enable_tcp = false\ninitial_available_outgoing_bitrate = 1\nmax_incoming_bitrate = 1\n\
         [[media.codecs]]\nkind = \"audio\"\nmimeType = \"audio/opus\"\nclockRate = 48000\nchannels = 2\n\
         parameters = {}\nrtcpFeedback = []\n",
    );
    let c = Config::load_from(Some(file.path()), None, env(&[])).unwrap();
    assert_eq!(c.http_listen.port(), 4000);
    assert_eq!(c.worker_count(), 3);
    assert_eq!(c.rooms.max_participants, 10);
    assert!(c.rooms.speaker_only, "unset fields keep their defaults");
    assert_eq!(c.media.rtc_min_port, 1000);
    assert_eq!(
        c.media.webrtc_server_port, None,
        "a media table without a server port uses the range"
    );

    let c = Config::load_from(
        Some(file.path()),
        None,
        env(&[
            ("PNL_VOICE_HTTP_LISTEN", "127.0.0.1:5000"),
            ("PNL_VOICE_WORKERS", "1"),
            ("MEDIASOUP_ANNOUNCED_IP", "203.0.113.7"),
            ("MEDIASOUP_RTC_MIN_PORT", "1500"),
            ("REDIS_URL", "redis://127.0.0.1:6379"),
            ("PNL_VOICE_JWT_SECRET", "0123456789abcdef0123456789abcdef"),
            ("STUN_URLS", "stun:a:3478, stun:b:3478"),
            (
                "PNL_VOICE_ALLOWED_ORIGINS",
                "https://pnl.market/,https://app.pnl.market",
            ),
        ]),
    )
    .unwrap();
    assert_eq!(c.http_listen.port(), 5000);
    assert_eq!(c.worker_count(), 1);
    assert_eq!(c.media.announced_ip.unwrap().to_string(), "203.0.113.7");
    assert_eq!(c.media.rtc_min_port, 1500);
    assert_eq!(c.redis_url.as_deref(), Some("redis://127.0.0.1:6379"));
    assert_eq!(c.stun_urls, vec!["stun:a:3478", "stun:b:3478"]);
    assert_eq!(
        c.allowed_origins,
        vec!["https://pnl.market", "https://app.pnl.market"]
    );
}

#[test]
fn the_webrtc_server_port_is_set_or_turned_off_from_the_environment() {
    let port = |value| {
        Config::load_from(None, None, env(&[("MEDIASOUP_WEBRTC_SERVER_PORT", value)]))
            .unwrap()
            .media
            .webrtc_server_port
    };
    assert_eq!(port("44444"), Some(44444));
    assert_eq!(port("off"), None);
}

#[test]
fn io_uring_is_on_by_default_and_switched_from_the_environment() {
    assert!(Config::default().media.io_uring);
    let io_uring = |value| {
        Config::load_from(None, None, env(&[("MEDIASOUP_IO_URING", value)]))
            .unwrap()
            .media
            .io_uring
    };
    for off in ["off", "0", "false", "no"] {
        assert!(!io_uring(off), "{off}");
    }
    for on in ["on", "1", "true", "yes"] {
        assert!(io_uring(on), "{on}");
    }
}

#[test]
fn bad_values_are_refused_with_the_variable_named() {
    let cases: &[(&str, &str, &str)] = &[
        ("PNL_VOICE_HTTP_LISTEN", "nope", "PNL_VOICE_HTTP_LISTEN"),
        ("PNL_VOICE_WORKERS", "0", "workers"),
        ("PNL_VOICE_WORKERS", "-1", "PNL_VOICE_WORKERS"),
        ("MEDIASOUP_ANNOUNCED_IP", "0.0.0.0", "announced_ip"),
        ("MEDIASOUP_RTC_MIN_PORT", "50000", "rtc_min_port"),
        ("MEDIASOUP_RTC_MAX_PORT", "70000", "MEDIASOUP_RTC_MAX_PORT"),
        (
            "MEDIASOUP_WEBRTC_SERVER_PORT",
            "on",
            "MEDIASOUP_WEBRTC_SERVER_PORT",
        ),
        ("PNL_VOICE_JWT_SECRET", "short", "jwt_secret"),
        ("PNL_VOICE_PUBLIC_URL", "ftp://x", "public_url"),
        ("TURN_URLS", "turn:127.0.0.1:3478", "turn_secret"),
        (
            "REDIS_URL",
            "redis://127.0.0.1:6379",
            "PNL_VOICE_JWT_SECRET",
        ),
        ("PNL_VOICE_ALLOWED_ORIGINS", "pnl.market", "allowed origin"),
        ("MEDIASOUP_IO_URING", "maybe", "MEDIASOUP_IO_URING"),
    ];
    for (name, value, expected) in cases {
        let err = Config::load_from(None, None, env(&[(name, value)]))
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{name}={value}: {err}");
    }
}

#[test]
fn unknown_keys_and_missing_files_are_clear_errors() {
    let file = toml_file("htp_listen = \"127.0.0.1:1\"\n");
    let err = Config::load_from(Some(file.path()), None, env(&[]))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("unknown field") && err.contains("htp_listen"),
        "{err}"
    );
    let err = Config::load_from(Some(Path::new("/nonexistent/pnl.toml")), None, env(&[]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot read /nonexistent/pnl.toml"), "{err}");
}

#[test]
fn public_url_derives_from_the_bound_address() {
    let c = Config::default();
    assert_eq!(
        c.public_url("0.0.0.0:3001".parse().unwrap()),
        "http://127.0.0.1:3001"
    );
    assert_eq!(
        c.public_url("10.1.2.3:80".parse().unwrap()),
        "http://10.1.2.3:80"
    );
    let c = Config {
        public_url: Some("https://voice.pnl.market/".into()),
        ..Config::default()
    };
    assert_eq!(
        c.public_url("0.0.0.0:3001".parse().unwrap()),
        "https://voice.pnl.market"
    );
}

#[test]
fn a_jwt_secret_is_required_outside_dev_mode() {
    let err = Config::load_from(None, None, |_| None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("PNL_VOICE_JWT_SECRET is required") && err.contains("--dev"),
        "{err}"
    );
    let secret = "s".repeat(32);
    let c = Config::load_from(None, None, |n| {
        (n == "PNL_VOICE_JWT_SECRET").then(|| secret.clone())
    })
    .unwrap();
    assert!(!c.dev);
    for on in ["1", "true"] {
        let c = Config::load_from(None, None, env(&[("PNL_VOICE_DEV", on)])).unwrap();
        assert!(c.dev && c.jwt_secret.is_none());
    }
    let err = Config::load_from(None, None, env(&[("PNL_VOICE_DEV", "0")])).unwrap_err();
    assert!(err.to_string().contains("PNL_VOICE_JWT_SECRET is required"));
}

#[test]
fn a_cluster_url_names_its_nodes_and_node_ids_have_no_braces() {
    let secret = (
        "PNL_VOICE_JWT_SECRET",
        "a shared secret of at least thirty-two bytes",
    );
    let cluster = ("REDIS_URL", "redis+cluster://10.0.0.1:7000, 10.0.0.2:7000");
    let c = Config::load_from(None, None, env(&[secret, cluster])).unwrap();
    assert_eq!(
        crate::registry::cluster_urls(c.redis_url.as_deref().unwrap()),
        Some(vec![
            "redis://10.0.0.1:7000".to_string(),
            "redis://10.0.0.2:7000".to_string()
        ])
    );
    for (name, value, expected) in [
        ("REDIS_URL", "redis+cluster://", "names no node"),
        ("PNL_VOICE_NODE_ID", "a{b}", "braces"),
    ] {
        let err = Config::load_from(None, None, env(&[secret, (name, value)]))
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{name}={value}: {err}");
    }
}
