//! Error reporting with the real Sentry SDK over HTTP, to a local endpoint
//! standing in for sentry.io (which this machine cannot reach): panics and
//! error-level log lines arrive as events tagged with node and room, info
//! lines as breadcrumbs, and no token or secret is sent.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use pnl_voice::telemetry::logging;

/// Accepts HTTP requests on loopback and keeps their bodies.
fn capture_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let kept = bodies.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_ok() {
                kept.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&body).into_owned());
            }
            let mut stream = stream;
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}");
        }
    });
    (port, bodies)
}

#[test]
fn panics_and_errors_reach_sentry_with_node_and_room_tags() {
    let (port, bodies) = capture_server();
    let guard = logging::init(
        false,
        Some(&format!("http://publickey@127.0.0.1:{port}/42")),
    )
    .expect("a DSN starts Sentry");
    logging::tag_node("node-a");

    tracing::info!(room = "RoomA", "joined");
    tracing::error!(room = "RoomA", worker = 0, "mediasoup worker died");
    let caught = std::panic::catch_unwind(|| panic!("a bug in a handler"));
    assert!(caught.is_err());
    drop(guard);

    let sent = bodies.lock().unwrap().join("\n");
    let events: Vec<serde_json::Value> = sent
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v.get("event_id").is_some() && v.get("platform").is_some())
        .collect();
    let died = events
        .iter()
        .find(|e| e.to_string().contains("mediasoup worker died"))
        .unwrap_or_else(|| panic!("the error event is sent: {sent}"));
    assert_eq!(
        died.get("level").map_or("error", |l| l.as_str().unwrap()),
        "error"
    );
    assert_eq!(died["tags"]["node"], "node-a");
    assert_eq!(died["tags"]["room"], "RoomA");
    assert!(
        died["breadcrumbs"].to_string().contains("joined"),
        "info lines are breadcrumbs: {died}"
    );
    let panicked = events
        .iter()
        .find(|e| e.to_string().contains("a bug in a handler"))
        .unwrap_or_else(|| panic!("the panic is sent: {sent}"));
    assert_eq!(panicked["level"], "fatal");
    assert_eq!(panicked["tags"]["node"], "node-a");
    assert!(
        !sent.contains("publickey\""),
        "the DSN key is only in the auth header"
    );
}
