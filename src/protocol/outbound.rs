//! Server -> client frames: replies and events.

use serde::Serialize;
use serde_json::{json, Value};

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
pub fn event(name: &str, data: impl Serialize) -> String {
    json!({ "event": name, "data": data }).to_string()
}
