//! A client of Janus's WebSocket API (subprotocol `janus-protocol`): one
//! session with one VideoRoom handle, requests matched to their answers by
//! transaction. Events for other transactions (what the room tells every
//! member) are read and dropped, as our clients drop theirs, except
//! `webrtcup` (Janus's side of the PeerConnection is up).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a request waits for its answer (and the upgrade for its reply).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

type WsSink = SplitSink<WebSocketStream<MaybeTlsStream<TcpStream>>, Message>;

/// Requests waiting for their answer, by transaction.
type Waiting = Arc<Mutex<HashMap<String, oneshot::Sender<Value>>>>;

/// One Janus session with a VideoRoom handle, over its own WebSocket.
pub struct JanusClient {
    sink: WsSink,
    waiting: Waiting,
    reader: JoinHandle<()>,
    /// Whether Janus has sent `webrtcup` for this handle.
    up: watch::Receiver<bool>,
    session: u64,
    handle: u64,
    next_transaction: u64,
}

impl JanusClient {
    /// Connects to `url`, creates a session and attaches to VideoRoom.
    pub async fn connect(url: &str) -> Result<Self, String> {
        let mut request = url.into_client_request().map_err(|e| e.to_string())?;
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static("janus-protocol"),
        );
        let (stream, _) = tokio::time::timeout(
            REQUEST_TIMEOUT,
            tokio_tungstenite::connect_async_with_config(request, None, true),
        )
        .await
        .map_err(|_| "WebSocket upgrade timed out".to_owned())?
        .map_err(|e| format!("WebSocket upgrade: {e}"))?;
        let (sink, mut frames) = stream.split();
        let waiting = Waiting::default();
        let (up_tx, up) = watch::channel(false);
        let reader = tokio::spawn({
            let waiting = waiting.clone();
            async move {
                while let Some(Ok(frame)) = frames.next().await {
                    if let Message::Text(text) = frame {
                        route(&waiting, &up_tx, &text);
                    }
                }
            }
        });
        let mut client = Self {
            sink,
            waiting,
            reader,
            up,
            session: 0,
            handle: 0,
            next_transaction: 0,
        };
        client.session = id_of(&client.call(json!({"janus": "create"})).await?)?;
        let attach = json!({"janus": "attach", "session_id": client.session, "plugin": "janus.plugin.videoroom"});
        client.handle = id_of(&client.call(attach).await?)?;
        Ok(client)
    }

    /// Sends a VideoRoom request (with an SDP `jsep` when given) and returns
    /// Janus's answer: the `success` of a synchronous request or the `event`
    /// of an asynchronous one. A VideoRoom `error_code` is an error.
    pub async fn message(&mut self, body: Value, jsep: Option<Value>) -> Result<Value, String> {
        let mut message = json!({"janus": "message", "session_id": self.session,
                                 "handle_id": self.handle, "body": body});
        if let Some(jsep) = jsep {
            message["jsep"] = jsep;
        }
        let answer = self.call(message).await?;
        let data = &answer["plugindata"]["data"];
        if data.get("error_code").is_some() {
            return Err(format!("VideoRoom error: {data}"));
        }
        Ok(answer)
    }

    /// Waits until Janus's side of the PeerConnection is up (`webrtcup`).
    pub async fn wait_up(&self, timeout: Duration) -> Result<(), String> {
        let mut up = self.up.clone();
        let waited = tokio::time::timeout(timeout, up.wait_for(|up| *up))
            .await
            .map(|r| r.is_ok());
        match waited {
            Ok(true) => Ok(()),
            Ok(false) => Err("the socket closed".to_owned()),
            Err(_) => Err(format!("no webrtcup within {timeout:?}")),
        }
    }

    /// Closes the socket (Janus then ends the session).
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(REQUEST_TIMEOUT, self.sink.close()).await;
        self.reader.abort();
    }

    /// Sends `request` with a new transaction and waits for its answer (the
    /// message after Janus's `ack`, if it sends one).
    async fn call(&mut self, mut request: Value) -> Result<Value, String> {
        self.next_transaction += 1;
        let transaction = self.next_transaction.to_string();
        request["transaction"] = json!(transaction);
        let (answer, answered) = oneshot::channel();
        self.waiting
            .lock()
            .unwrap()
            .insert(transaction.clone(), answer);
        let result = match self.sink.send(Message::Text(request.to_string())).await {
            Err(e) => Err(format!("send: {e}")),
            Ok(()) => match tokio::time::timeout(REQUEST_TIMEOUT, answered).await {
                Ok(Ok(answer)) if answer["janus"] == "error" => {
                    Err(format!("Janus error: {answer}"))
                }
                Ok(Ok(answer)) => Ok(answer),
                Ok(Err(_)) => Err("the socket closed".to_owned()),
                Err(_) => Err(format!("no answer to {request} within {REQUEST_TIMEOUT:?}")),
            },
        };
        self.waiting.lock().unwrap().remove(&transaction);
        result
    }
}

/// Hands one message from Janus to the request waiting for it, if any, and
/// notes `webrtcup`.
fn route(waiting: &Waiting, up: &watch::Sender<bool>, text: &str) {
    let Ok(message) = serde_json::from_str::<Value>(text) else {
        return;
    };
    if message["janus"] == "webrtcup" {
        up.send_replace(true);
    }
    let Some(transaction) = message["transaction"].as_str() else {
        return;
    };
    if message["janus"] == "ack" {
        return;
    }
    if let Some(waiter) = waiting.lock().unwrap().remove(transaction) {
        let _ = waiter.send(message);
    }
}

fn id_of(answer: &Value) -> Result<u64, String> {
    answer["data"]["id"]
        .as_u64()
        .ok_or_else(|| format!("no id in {answer}"))
}
