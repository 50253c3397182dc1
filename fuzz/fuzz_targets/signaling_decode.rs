//! The WebSocket frame decoder (`protocol::decode`) on arbitrary text.
//!
//! Checks, for every frame: no panic; the reply (`ok_reply` or
//! `error_reply`) is JSON that echoes the frame's `id` exactly (or `null`
//! when the frame has none that is a number or a string); refusals are
//! `BAD_REQUEST` or `INVALID_ADDRESS`; an accepted command has the frame's
//! `method`, and every address it carries is the frame's text unchanged.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pnl_voice_core::address::Address;
use pnl_voice_core::error::ErrorCode;
use pnl_voice_core::protocol::{decode, error_reply, ok_reply, Command, RoomCommand};
use serde_json::{json, Value};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let frame: Option<Value> = serde_json::from_str(&text).ok();
    let sent_id = frame
        .as_ref()
        .and_then(|f| f.get("id"))
        .filter(|id| id.is_number() || id.is_string())
        .cloned()
        .unwrap_or(Value::Null);
    match decode(&text) {
        Ok(request) => {
            let frame = frame.expect("an accepted frame is JSON");
            assert_eq!(request.id, sent_id, "the id is echoed");
            assert_eq!(Some(request.command.method()), frame["method"].as_str());
            let data = &frame["data"];
            match &request.command {
                Command::Join { market } => assert_text(market, &data["marketAddress"]),
                Command::Room(RoomCommand::Moderate {
                    target: Some(target),
                    ..
                }) => assert_text(target, &data["targetWallet"]),
                _ => {}
            }
            assert_eq!(echoed(&ok_reply(&request.id, json!({}))), request.id);
        }
        Err(refusal) => {
            assert_eq!(refusal.id, sent_id, "the id is echoed when one was sent");
            assert!(
                matches!(
                    refusal.error.code,
                    ErrorCode::BadRequest | ErrorCode::InvalidAddress
                ),
                "{:?}",
                refusal.error
            );
            assert_eq!(
                echoed(&error_reply(&refusal.id, &refusal.error)),
                refusal.id
            );
        }
    }
});

/// An accepted address is the text the client sent, unchanged.
fn assert_text(address: &Address, sent: &Value) {
    assert_eq!(Some(address.as_str()), sent.as_str());
}

/// The `id` of a reply, read back as a client would.
fn echoed(reply: &str) -> Value {
    let reply: Value = serde_json::from_str(reply).expect("a reply is JSON");
    reply["id"].clone()
}
