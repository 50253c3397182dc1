//! JSON-over-WebSocket signaling client (docs/protocol.md, "The signaling socket").

use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{timeout_at, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long [`SignalClient::request`] waits for its reply.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// How long [`SignalClient::connect`] waits for the upgrade.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Parsed messages kept for later `next_event`/`next_reply` calls; the oldest go first.
const MAX_BUFFERED: usize = 10_000;

type WsSink = SplitSink<WebSocketStream<MaybeTlsStream<TcpStream>>, Message>;

/// One frame read from the socket.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// A text frame.
    Text(String),
    /// A binary frame (the protocol never sends one).
    Binary(Vec<u8>),
    /// The socket closed; the close code if the peer sent a close frame.
    Closed(Option<u16>),
}

/// Why a signaling call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum WireError {
    /// The server answered `ok: false`; `error` is the whole error object
    /// (it may carry extra fields such as `workerUrl`).
    Server {
        /// The `error.code` text, e.g. `FORBIDDEN`.
        code: String,
        /// The `error.message` text.
        message: String,
        /// The full `error` object.
        error: Value,
    },
    /// The WebSocket upgrade was refused with this HTTP status.
    Http(u16),
    /// No answer within the time allowed.
    Timeout,
    /// The socket closed (with this close code, if any) before the answer came.
    Closed(Option<u16>),
    /// Any other transport failure.
    Io(String),
}

impl WireError {
    /// The server's error code, if the server answered.
    pub fn code(&self) -> Option<&str> {
        match self {
            WireError::Server { code, .. } => Some(code),
            _ => None,
        }
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::Server { code, message, .. } => write!(f, "server error {code}: {message}"),
            WireError::Http(status) => write!(f, "upgrade refused with HTTP {status}"),
            WireError::Timeout => write!(f, "timed out"),
            WireError::Closed(code) => write!(f, "socket closed ({code:?})"),
            WireError::Io(e) => write!(f, "i/o error: {e}"),
        }
    }
}

/// A signaling connection: requests with auto-incremented ids, events buffered until asked for.
pub struct SignalClient {
    sink: WsSink,
    frames: mpsc::UnboundedReceiver<Incoming>,
    buffered: VecDeque<Value>,
    closed: Option<Option<u16>>,
    next_id: u64,
    reader: JoinHandle<()>,
}

impl SignalClient {
    /// Connects to a WebSocket URL such as `ws://127.0.0.1:3001/ws?token=JWT`.
    pub async fn connect(url: &str) -> Result<Self, WireError> {
        Self::connect_with_origin(url, None).await
    }

    /// Connects, sending `Origin: origin` with the upgrade when one is given.
    pub async fn connect_with_origin(url: &str, origin: Option<&str>) -> Result<Self, WireError> {
        let mut request = url
            .into_client_request()
            .map_err(|e| WireError::Io(format!("bad url {url}: {e}")))?;
        if let Some(origin) = origin {
            let value = HeaderValue::from_str(origin)
                .map_err(|e| WireError::Io(format!("bad origin {origin}: {e}")))?;
            request.headers_mut().insert("Origin", value);
        }
        let (stream, _) = tokio::time::timeout(
            CONNECT_TIMEOUT,
            tokio_tungstenite::connect_async_with_config(request, None, true),
        )
        .await
        .map_err(|_| WireError::Timeout)?
        .map_err(|e| match e {
            WsError::Http(response) => WireError::Http(response.status().as_u16()),
            other => WireError::Io(other.to_string()),
        })?;
        let (sink, mut source) = stream.split();
        let (tx, frames) = mpsc::unbounded_channel();
        let reader = tokio::spawn(async move {
            while let Some(item) = source.next().await {
                let frame = match item {
                    Ok(Message::Text(text)) => Incoming::Text(text),
                    Ok(Message::Binary(bytes)) => Incoming::Binary(bytes),
                    Ok(Message::Close(frame)) => Incoming::Closed(frame.map(|f| u16::from(f.code))),
                    Ok(_) => continue,
                    Err(_) => Incoming::Closed(None),
                };
                let last = matches!(frame, Incoming::Closed(_));
                if tx.send(frame).is_err() || last {
                    return;
                }
            }
            let _ = tx.send(Incoming::Closed(None));
        });
        Ok(Self {
            sink,
            frames,
            buffered: VecDeque::new(),
            closed: None,
            next_id: 1,
            reader,
        })
    }

    /// Sends `{id, method, data}` and waits up to [`REQUEST_TIMEOUT`] for the reply with that id.
    /// Returns the reply's `data` (or `{}` when absent); events arriving meanwhile stay buffered.
    pub async fn request(&mut self, method: &str, data: Value) -> Result<Value, WireError> {
        let id = self.next_id;
        self.next_id += 1;
        self.send_raw(&json!({ "id": id, "method": method, "data": data }).to_string())
            .await?;
        let deadline = Instant::now() + REQUEST_TIMEOUT;
        let reply = self
            .take_matching(deadline, |m| m.get("id") == Some(&json!(id)))
            .await?;
        reply_result(reply)
    }

    /// Returns the `data` of the first buffered or incoming event named `name`,
    /// or `None` after `timeout` (or once the socket is closed). Other messages stay buffered.
    pub async fn next_event(&mut self, name: &str, timeout: Duration) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        self.take_matching(deadline, |m| {
            m.get("event").and_then(Value::as_str) == Some(name)
        })
        .await
        .ok()
        .map(|m| m.get("data").cloned().unwrap_or(Value::Null))
    }

    /// Returns the first buffered or incoming event whose name `wanted`
    /// accepts, as the whole `{event, data}` frame (so a test reads several
    /// kinds of event in the order they came), or `None` after `timeout`.
    /// Other messages stay buffered.
    pub async fn next_event_among(
        &mut self,
        wanted: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        self.take_matching(deadline, |m| {
            m.get("event").and_then(Value::as_str).is_some_and(&wanted)
        })
        .await
        .ok()
    }

    /// Returns the first buffered or incoming reply (any message with an `id` key, even
    /// `"id": null`) as the whole JSON object, or `None` after `timeout`.
    pub async fn next_reply(&mut self, timeout: Duration) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        self.take_matching(deadline, |m| m.get("id").is_some())
            .await
            .ok()
    }

    /// Sends one text frame as is.
    pub async fn send_raw(&mut self, text: &str) -> Result<(), WireError> {
        if let Some(code) = self.closed {
            return Err(WireError::Closed(code));
        }
        self.sink
            .send(Message::Text(text.to_owned()))
            .await
            .map_err(|e| WireError::Io(e.to_string()))
    }

    /// Returns the next frame not yet read from the socket (bypassing the buffer of
    /// already parsed messages), or `None` after `timeout`.
    pub async fn recv_raw(&mut self, timeout: Duration) -> Option<Incoming> {
        if let Some(code) = self.closed {
            return Some(Incoming::Closed(code));
        }
        let frame = tokio::time::timeout(timeout, self.frames.recv())
            .await
            .ok()?;
        let frame = frame.unwrap_or(Incoming::Closed(None));
        if let Incoming::Closed(code) = frame {
            self.closed = Some(code);
        }
        Some(frame)
    }

    /// Waits until the server closes the socket, buffering any messages that arrive first.
    /// Returns the close code (`None` when closed without a close frame), or
    /// [`WireError::Timeout`] if the socket is still open after `timeout`.
    pub async fn wait_closed(&mut self, timeout: Duration) -> Result<Option<u16>, WireError> {
        let deadline = Instant::now() + timeout;
        match self.take_matching(deadline, |_| false).await {
            Err(WireError::Closed(code)) => Ok(code),
            Err(other) => Err(other),
            Ok(_) => Err(WireError::Timeout),
        }
    }

    /// Forgets the messages received but not yet taken (a load generator
    /// that does not read events keeps its memory flat this way).
    pub fn clear_buffered(&mut self) {
        self.buffered.clear();
    }

    /// Messages received but not yet taken by `next_event`/`next_reply`/`request`.
    pub fn buffered(&self) -> impl Iterator<Item = &Value> {
        self.buffered.iter()
    }

    /// Stops reading while the connection stays open: no more pongs, events
    /// pile up unread, like a client whose network went away. The server
    /// should notice by its idle timeout.
    pub fn stop_reading(&mut self) {
        self.reader.abort();
    }

    /// Sends a close frame and stops the reader.
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(CONNECT_TIMEOUT, self.sink.close()).await;
        self.reader.abort();
    }

    /// Removes and returns the first buffered-or-incoming message matching `wanted`.
    async fn take_matching(
        &mut self,
        deadline: Instant,
        wanted: impl Fn(&Value) -> bool,
    ) -> Result<Value, WireError> {
        if let Some(pos) = self.buffered.iter().position(&wanted) {
            return Ok(self.buffered.remove(pos).unwrap_or(Value::Null));
        }
        loop {
            if let Some(code) = self.closed {
                return Err(WireError::Closed(code));
            }
            let frame = timeout_at(deadline, self.frames.recv())
                .await
                .map_err(|_| WireError::Timeout)?;
            match frame.unwrap_or(Incoming::Closed(None)) {
                Incoming::Text(text) => {
                    let message = serde_json::from_str(&text).unwrap_or(Value::String(text));
                    if wanted(&message) {
                        return Ok(message);
                    }
                    if self.buffered.len() == MAX_BUFFERED {
                        self.buffered.pop_front();
                    }
                    self.buffered.push_back(message);
                }
                Incoming::Binary(_) => {}
                Incoming::Closed(code) => self.closed = Some(code),
            }
        }
    }
}

impl Drop for SignalClient {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// Turns a `{id, ok, data | error}` reply into `data` or a [`WireError::Server`].
fn reply_result(reply: Value) -> Result<Value, WireError> {
    if reply.get("ok") == Some(&Value::Bool(true)) {
        return Ok(reply.get("data").cloned().unwrap_or_else(|| json!({})));
    }
    let error = reply.get("error").cloned().unwrap_or(Value::Null);
    Err(WireError::Server {
        code: error["code"].as_str().unwrap_or_default().to_owned(),
        message: error["message"].as_str().unwrap_or_default().to_owned(),
        error,
    })
}
