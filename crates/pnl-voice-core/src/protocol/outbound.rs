//! Server -> client frames: replies and events.

use serde::Serialize;
use serde_json::{json, Value};

use super::ServerEvent;
use crate::error::ApiError;

/// `{id, ok: true, data}`.
pub fn ok_reply(id: &Value, data: impl Serialize) -> String {
    json!({ "id": id, "ok": true, "data": data }).to_string()
}

/// `{id, ok: false, error: {code, message, workerUrl?}}`.
pub fn error_reply(id: &Value, error: &ApiError) -> String {
    json!({ "id": id, "ok": false, "error": error }).to_string()
}

/// `{event, data}`.
pub fn event(event: &ServerEvent) -> String {
    serde_json::to_string(event).expect("a server event is plain data")
}
