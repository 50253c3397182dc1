//! The life of one WebSocket session.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_ws::{AggregatedMessage, CloseCode, CloseReason};
use futures_util::StreamExt;

use super::dispatch::Session;
use super::rate_limit::TokenBucket;
use crate::auth::Credential;
use crate::error::ApiError;
use crate::hub::{outbox, SessionMsg};
use crate::protocol::{decode, error_reply, event, ServerEvent};
use crate::signaling::{SignalingContext, Ticket};

/// How often the server pings an idle client at most.
const PING_INTERVAL: Duration = Duration::from_secs(15);

/// Serves the socket of `credential`'s wallet until either side closes it, then releases
/// everything the session held. `ticket` counts the socket among the
/// node's open ones until it closes.
pub async fn run(
    ctx: Arc<SignalingContext>,
    credential: Credential,
    mut ticket: Ticket,
    ws: actix_ws::Session,
    stream: actix_ws::MessageStream,
) {
    let limits = ctx.limits.clone();
    let mut stream = stream
        .max_frame_size(limits.ws_max_frame_bytes)
        .aggregate_continuations()
        .max_continuation_size(limits.ws_max_frame_bytes);
    let mut ws = Socket {
        ws,
        timeout: Duration::from_millis(limits.ws_send_timeout_ms),
    };
    let id = ctx.next_session_id();
    let (outbox, mut inbox) = outbox(id);
    let wallet = credential.wallet.clone();
    let mut session = Session::new(ctx.clone(), credential, ticket.ip(), outbox);
    let mut bucket = TokenBucket::new(limits.ws_requests_per_sec, Instant::now());
    let mut flood = 0u32;
    let mut last_seen = Instant::now();
    let idle = Duration::from_secs(limits.ws_idle_timeout_secs);
    let mut ping =
        tokio::time::interval(PING_INTERVAL.min(idle / 3).max(Duration::from_millis(100)));
    tracing::debug!(wallet = %wallet, session = id, "socket open");

    let close: Option<CloseReason> = loop {
        tokio::select! {
            msg = stream.next() => {
                last_seen = Instant::now();
                match msg {
                    Some(Ok(AggregatedMessage::Text(text))) => {
                        if !bucket.allow(Instant::now()) {
                            flood += 1;
                            if flood > limits.ws_flood_disconnect_after {
                                let notice = event(&ServerEvent::Error(ApiError::rate_limited(
                                    "request flood: disconnecting",
                                    bucket.wait(),
                                )));
                                let _ = ws.text(notice).await;
                                break Some(reason(CloseCode::Policy, "request flood"));
                            }
                            let id = decode(&text).map(|r| r.id).unwrap_or_else(|e| e.id);
                            let error = ApiError::rate_limited("too many requests", bucket.wait());
                            if ws.text(error_reply(&id, &error)).await.is_err() {
                                break None;
                            }
                            continue;
                        }
                        flood = 0;
                        let reply = match decode(&text).and_then(crate::media::wire::checked) {
                            Ok(request) => session.handle(request).await,
                            Err(e) => error_reply(&e.id, &e.error),
                        };
                        if ws.text(reply).await.is_err() {
                            break None;
                        }
                    }
                    Some(Ok(AggregatedMessage::Binary(_))) => {
                        let error = ApiError::bad_request("frames are JSON text");
                        if ws.text(error_reply(&serde_json::Value::Null, &error)).await.is_err() {
                            break None;
                        }
                    }
                    Some(Ok(AggregatedMessage::Ping(bytes))) => {
                        if ws.pong(&bytes).await.is_err() {
                            break None;
                        }
                    }
                    Some(Ok(AggregatedMessage::Pong(_))) => {}
                    Some(Ok(AggregatedMessage::Close(_))) | None => break None,
                    Some(Err(e)) => {
                        tracing::debug!(wallet = %wallet, error = %e, "socket protocol error");
                        let code = if is_too_big(&e) { CloseCode::Size } else { CloseCode::Protocol };
                        break Some(reason(code, "bad frame"));
                    }
                }
            }
            msg = inbox.rx.recv() => match msg {
                Some(SessionMsg::Frame(frame)) => {
                    if ws.text(frame).await.is_err() {
                        break Some(reason(CloseCode::Again, "too slow"));
                    }
                }
                Some(SessionMsg::Close { frame, reason: why }) => {
                    session.forget_room();
                    let _ = ws.text(frame).await;
                    break Some(reason(CloseCode::Normal, why));
                }
                None => break None,
            },
            _ = inbox.overflow.notified() => {
                tracing::warn!(wallet = %wallet, "client too slow; disconnecting");
                break Some(reason(CloseCode::Again, "too slow"));
            }
            _ = ticket.closing.wait_for(|closing| *closing) => {
                while let Ok(msg) = inbox.rx.try_recv() {
                    let (SessionMsg::Frame(frame) | SessionMsg::Close { frame, .. }) = msg;
                    let _ = ws.text(frame).await;
                }
                break Some(reason(CloseCode::Away, "server_shutdown"));
            }
            _ = ping.tick() => {
                if last_seen.elapsed() > idle {
                    break Some(reason(CloseCode::Away, "idle"));
                }
                if ws.ping().await.is_err() {
                    break None;
                }
            }
        }
    };
    session.leave_now().await;
    ws.close(close).await;
    drop(ticket);
    tracing::debug!(wallet = %wallet, session = id, "socket closed");
}

fn reason(code: CloseCode, description: &str) -> CloseReason {
    CloseReason {
        code,
        description: Some(description.to_string()),
    }
}

fn is_too_big(e: &actix_ws::ProtocolError) -> bool {
    match e {
        actix_ws::ProtocolError::Overflow => true,
        actix_ws::ProtocolError::Io(io) => io.to_string().contains("maximum"),
        _ => false,
    }
}

/// The client's socket, where every send gives up after `timeout`: a
/// client that stops reading cannot hold its session (or its room) up.
struct Socket {
    ws: actix_ws::Session,
    timeout: Duration,
}

/// The client is gone or did not take a frame in time.
struct Gone;

impl Socket {
    async fn text(&mut self, frame: String) -> Result<(), Gone> {
        within(self.timeout, self.ws.text(frame)).await
    }

    async fn pong(&mut self, bytes: &[u8]) -> Result<(), Gone> {
        within(self.timeout, self.ws.pong(bytes)).await
    }

    async fn ping(&mut self) -> Result<(), Gone> {
        within(self.timeout, self.ws.ping(b"")).await
    }

    async fn close(self, reason: Option<CloseReason>) {
        let _ = tokio::time::timeout(self.timeout, self.ws.close(reason)).await;
    }
}

/// `send`, given up after `timeout`.
async fn within(
    timeout: Duration,
    send: impl std::future::Future<Output = Result<(), actix_ws::Closed>>,
) -> Result<(), Gone> {
    match tokio::time::timeout(timeout, send).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(Gone),
    }
}
