use serde_json::{json, Value};

use super::*;
use crate::error::ErrorCode;

fn market() -> String {
    bs58::encode([9u8; 32]).into_string()
}

fn refused(text: &str) -> (Value, ErrorCode) {
    let e = decode(text).expect_err(text);
    (e.id, e.error.code)
}

#[test]
fn decodes_every_method() {
    let dtls = json!({"role": "client", "fingerprints": [{"algorithm": "sha-256", "value":
        "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"}]});
    let rtp = json!({"codecs": [{"mimeType": "audio/opus", "payloadType": 100, "clockRate": 48000,
        "channels": 2, "parameters": {}, "rtcpFeedback": []}], "headerExtensions": [],
        "encodings": [{"ssrc": 1111}], "rtcp": {"cname": "x", "reducedSize": true}, "mid": "0"});
    let caps = json!({"codecs": [], "headerExtensions": []});
    let cases = vec![
        ("voice:join", json!({"marketAddress": market()})),
        ("voice:leave", json!({})),
        ("getRouterRtpCapabilities", json!({})),
        ("createTransport", json!({"direction": "send"})),
        ("createTransport", json!({"direction": "recv"})),
        (
            "connectTransport",
            json!({"transportId": "t", "dtlsParameters": dtls}),
        ),
        (
            "produce",
            json!({"transportId": "t", "kind": "audio", "rtpParameters": rtp, "appData": {"a": 1}}),
        ),
        (
            "consume",
            json!({"transportId": "t", "producerId": "p", "rtpCapabilities": caps}),
        ),
        ("resumeConsumer", json!({"consumerId": "c"})),
        ("pauseConsumer", json!({"consumerId": "c"})),
        ("restartIce", json!({"transportId": "t"})),
        ("closeProducer", json!({"producerId": "p"})),
        ("voice:mute", json!({"muted": false})),
        ("voice:raise_hand", json!({})),
        ("voice:lower_hand", json!({})),
        ("voice:moderate", json!({"action": "mute_all"})),
        (
            "voice:moderate",
            json!({"action": "kick", "targetWallet": market()}),
        ),
        ("voice:producers", json!({})),
        (
            "voice:debate",
            json!({"action": "start", "turnSeconds": 15}),
        ),
        ("voice:debate", json!({"action": "close_poll"})),
        ("voice:debate_vote", json!({"side": "NO"})),
    ];
    for (i, (method, data)) in cases.into_iter().enumerate() {
        let frame = json!({"id": i, "method": method, "data": data}).to_string();
        let request = decode(&frame).unwrap_or_else(|e| panic!("{method}: {:?}", e.error));
        assert_eq!(request.id, json!(i));
        assert_eq!(request.command.method(), method);
    }
}

#[test]
fn data_may_be_omitted_and_ids_may_be_strings() {
    let r = decode(r#"{"id":"abc","method":"voice:leave"}"#).unwrap();
    assert_eq!(r.id, json!("abc"));
    assert!(matches!(r.command, Command::Leave));
}

#[test]
fn a_long_numeric_id_is_echoed_as_the_very_same_number() {
    let long = format!("{}5", "1".repeat(79));
    let frame = format!(r#"{{"id":{long},"method":"voice:leave"}}"#);
    let id = decode(&frame).unwrap().id;
    assert_eq!(id.as_f64(), long.parse::<f64>().ok(), "read exactly");
    let reply: Value = serde_json::from_str(&ok_reply(&id, json!({}))).unwrap();
    assert_eq!(
        reply["id"], id,
        "what the client reads back is what it sent"
    );
}

#[test]
fn a_dtls_fingerprint_that_is_not_ascii_is_refused_not_a_panic() {
    let value = format!("AB:CD:EF:01:23:45:67:89:AB:CD\u{2BA}F{}", ":01".repeat(21));
    assert_eq!(value.len(), 32 * 3 - 1, "the length of a SHA-256 value");
    let frame = json!({"id": 5, "method": "connectTransport", "data": {"transportId": "t",
        "dtlsParameters": {"role": "client", "fingerprints": [{"algorithm": "sha-256", "value": value}]}}});
    assert_eq!(
        refused(&frame.to_string()),
        (json!(5), ErrorCode::BadRequest)
    );
}

#[test]
fn malformed_frames_are_bad_request_with_null_id() {
    for text in [
        "",
        "{",
        "[]",
        "42",
        "\"x\"",
        "null",
        r#"{"method":"voice:leave"}"#,
        r#"{"id":null,"method":"voice:leave"}"#,
        r#"{"id":{"a":1},"method":"voice:leave"}"#,
        r#"{"id":[1],"method":"voice:leave"}"#,
        "\u{0}",
    ] {
        assert_eq!(
            refused(text),
            (Value::Null, ErrorCode::BadRequest),
            "{text:?}"
        );
    }
}

#[test]
fn bad_method_or_data_keeps_the_id() {
    // Malformed media parameters (DTLS, RTP) are judged by mediasoup's own
    // types, at the server's edge: pnl_voice::media::wire's tests.
    let cases = [
        r#"{"id":1}"#.to_string(),
        r#"{"id":1,"method":7}"#.to_string(),
        r#"{"id":1,"method":"nope"}"#.to_string(),
        r#"{"id":1,"method":"voice:join","data":[]}"#.to_string(),
        r#"{"id":1,"method":"voice:join","data":"x"}"#.to_string(),
        r#"{"id":1,"method":"voice:join","data":{}}"#.to_string(),
        r#"{"id":1,"method":"voice:join","data":{"marketAddress":5}}"#.to_string(),
        r#"{"id":1,"method":"createTransport","data":{"direction":"sideways"}}"#.to_string(),
        r#"{"id":1,"method":"createTransport","data":{}}"#.to_string(),
        r#"{"id":1,"method":"connectTransport","data":{"transportId":"t"}}"#.to_string(),
        r#"{"id":1,"method":"produce","data":{"transportId":"t","kind":"video","rtpParameters":{"codecs":[],"headerExtensions":[],"encodings":[],"rtcp":{}}}}"#.to_string(),
        r#"{"id":1,"method":"produce","data":{"transportId":"t","kind":"audio"}}"#.to_string(),
        r#"{"id":1,"method":"consume","data":{"transportId":"t","producerId":"p"}}"#.to_string(),
        r#"{"id":1,"method":"resumeConsumer","data":{"consumerId":1}}"#.to_string(),
        r#"{"id":1,"method":"voice:mute","data":{"muted":"yes"}}"#.to_string(),
        r#"{"id":1,"method":"voice:mute","data":{}}"#.to_string(),
        r#"{"id":1,"method":"voice:moderate","data":{"action":"ban"}}"#.to_string(),
        r#"{"id":1,"method":"voice:moderate","data":{"action":"kick"}}"#.to_string(),
        r#"{"id":1,"method":"voice:moderate","data":{"action":"kick","targetWallet":7}}"#.to_string(),
    ];
    for text in &cases {
        assert_eq!(refused(text), (json!(1), ErrorCode::BadRequest), "{text}");
    }
}

#[test]
fn well_typed_but_invalid_addresses_are_invalid_address() {
    let short = bs58::encode([1u8; 31]).into_string();
    for bad in [
        "",
        "abc",
        "0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl",
        short.as_str(),
    ] {
        let join =
            json!({"id": 2, "method": "voice:join", "data": {"marketAddress": bad}}).to_string();
        assert_eq!(
            refused(&join),
            (json!(2), ErrorCode::InvalidAddress),
            "{bad}"
        );
        let kick = json!({"id": 3, "method": "voice:moderate", "data": {"action": "kick", "targetWallet": bad}}).to_string();
        assert_eq!(
            refused(&kick),
            (json!(3), ErrorCode::InvalidAddress),
            "{bad}"
        );
    }
}

#[test]
fn replies_and_events_have_the_contract_shape() {
    let ok: Value = serde_json::from_str(&ok_reply(&json!(7), json!({"a": 1}))).unwrap();
    assert_eq!(ok, json!({"id": 7, "ok": true, "data": {"a": 1}}));
    let err = crate::error::ApiError::new(ErrorCode::RoomFull, "full");
    let e: Value = serde_json::from_str(&error_reply(&json!(8), &err)).unwrap();
    assert_eq!(
        e,
        json!({"id": 8, "ok": false, "error": {"code": "ROOM_FULL", "message": "full"}})
    );
}

/// Each event's frame: the name and fields clients already read.
#[test]
fn every_event_keeps_its_wire_shape() {
    let w = crate::address::Address::from_bytes([9; 32]);
    let producer = ProducerInfo {
        producer_id: "p".into(),
        wallet_address: w.clone(),
    };
    let settings = crate::rooms::RoomSettings {
        max_participants: 10,
        speaker_only: true,
        auto_destroy: false,
        destroy_after_minutes: 5,
    };
    let cases = [
        (
            ServerEvent::UserLeft {
                wallet_address: w.clone(),
            },
            json!({"event": "voice:user_left", "data": {"walletAddress": w}}),
        ),
        (
            ServerEvent::UserMuted {
                wallet_address: w.clone(),
                muted: true,
            },
            json!({"event": "voice:user_muted", "data": {"walletAddress": w, "muted": true}}),
        ),
        (
            ServerEvent::SpeakerGranted {
                wallet_address: w.clone(),
            },
            json!({"event": "voice:speaker_granted", "data": {"walletAddress": w}}),
        ),
        (
            ServerEvent::SpeakerRevoked {
                wallet_address: w.clone(),
            },
            json!({"event": "voice:speaker_revoked", "data": {"walletAddress": w}}),
        ),
        (
            ServerEvent::HandRaised {
                wallet_address: w.clone(),
                queue: vec![w.clone()],
            },
            json!({"event": "voice:hand_raised", "data": {"walletAddress": w, "queue": [w]}}),
        ),
        (
            ServerEvent::HandLowered {
                wallet_address: w.clone(),
                queue: vec![],
            },
            json!({"event": "voice:hand_lowered", "data": {"walletAddress": w, "queue": []}}),
        ),
        (
            ServerEvent::NewProducer(producer.clone()),
            json!({"event": "voice:new_producer", "data": {"producerId": "p", "walletAddress": w}}),
        ),
        (
            ServerEvent::ProducerClosed(producer),
            json!({"event": "voice:producer_closed", "data": {"producerId": "p", "walletAddress": w}}),
        ),
        (
            ServerEvent::ActiveSpeaker {
                wallet_address: w.clone(),
            },
            json!({"event": "voice:active_speaker", "data": {"walletAddress": w}}),
        ),
        (
            ServerEvent::Speaking {
                wallet_addresses: vec![w.clone()],
            },
            json!({"event": "voice:speaking", "data": {"walletAddresses": [w]}}),
        ),
        (
            ServerEvent::Kicked {
                reason: "kicked by the founder".into(),
            },
            json!({"event": "voice:kicked", "data": {"reason": "kicked by the founder"}}),
        ),
        (
            ServerEvent::RoomClosed {
                reason: "left".into(),
            },
            json!({"event": "voice:room_closed", "data": {"reason": "left"}}),
        ),
        (
            ServerEvent::SettingsUpdated {
                settings: settings.clone(),
            },
            json!({"event": "voice:settings_updated", "data": {"settings": {"maxParticipants": 10,
                "speakerOnly": true, "autoDestroy": false, "destroyAfterMinutes": 5}}}),
        ),
        (
            ServerEvent::Error(crate::error::ApiError::bad_request("DTLS failed")),
            json!({"event": "voice:error", "data": {"code": "BAD_REQUEST", "message": "DTLS failed"}}),
        ),
    ];
    for (e, expected) in cases {
        let frame: Value = serde_json::from_str(&event(&e)).unwrap();
        assert_eq!(frame, expected);
    }
}

#[test]
fn replies_without_data_are_empty_objects() {
    let reply: Value = serde_json::from_str(&ok_reply(&json!(1), Reply::from(()))).unwrap();
    assert_eq!(reply, json!({"id": 1, "ok": true, "data": {}}));
    let hand = Reply::from(RaiseHandReply { position: 2 });
    assert_eq!(serde_json::to_value(hand).unwrap(), json!({"position": 2}));
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut seed = 0x2545F4914F6CDD1Du64;
    for _ in 0..5000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = (seed % 200) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|i| (seed.rotate_left(i as u32) & 0x7f) as u8)
            .collect();
        let _ = decode(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn a_debate_command_is_checked_before_the_room_sees_it() {
    let debate =
        |data: Value| decode(&json!({"id": 1, "method": "voice:debate", "data": data}).to_string());
    let start = |data: Value| match debate(data).map(|r| r.command) {
        Ok(Command::Room(RoomCommand::Debate(command))) => Ok(command),
        Ok(other) => panic!("{other:?}"),
        Err(e) => Err(e.error.code),
    };
    use crate::rooms::DebateCommand;
    assert_eq!(
        start(json!({"action": "start"})),
        Ok(DebateCommand::Start { turn_seconds: 90 })
    );
    assert_eq!(
        start(json!({"action": "start", "turnSeconds": 600})),
        Ok(DebateCommand::Start { turn_seconds: 600 })
    );
    assert_eq!(start(json!({"action": "next"})), Ok(DebateCommand::Next));
    for bad in [
        json!({"action": "start", "turnSeconds": 14}),
        json!({"action": "start", "turnSeconds": 601}),
        json!({"action": "start", "turnSeconds": 20.5}),
        json!({"action": "start", "turnSeconds": "30"}),
        json!({"action": "next", "turnSeconds": 30}),
        json!({"action": "pause"}),
        json!({}),
    ] {
        assert_eq!(start(bad.clone()), Err(ErrorCode::BadRequest), "{bad}");
    }
    for bad in [json!({"side": "NONE"}), json!({"side": "yes"}), json!({})] {
        let frame = json!({"id": 1, "method": "voice:debate_vote", "data": bad}).to_string();
        assert_eq!(refused(&frame).1, ErrorCode::BadRequest, "{bad}");
    }
}
