//! The token as a WebSocket subprotocol (`Sec-WebSocket-Protocol:
//! pnl-voice, bearer.<jwt>`), as the browser SDK sends it so the token is
//! never in a URL: the server takes it, answers `pnl-voice`, and refuses a
//! bad one as it refuses a bad `?token=`, which other clients keep using.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use pnl_voice_testkit::node::{random_address, TestNode};
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

const T: Duration = Duration::from_secs(10);

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `url` offering `protocols` (one header value) if any: the socket and
/// the subprotocol the server chose, or the HTTP status of a refusal.
async fn open(url: &str, protocols: Option<&str>) -> Result<(Socket, Option<String>), u16> {
    let mut request = url.into_client_request().expect("a ws URL");
    if let Some(protocols) = protocols {
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_str(protocols).expect("a header value"),
        );
    }
    let (socket, response) = tokio::time::timeout(T, tokio_tungstenite::connect_async(request))
        .await
        .expect("the upgrade is answered in time")
        .map_err(|e| match e {
            WsError::Http(response) => response.status().as_u16(),
            other => panic!("the upgrade failed: {other}"),
        })?;
    let chosen = response
        .headers()
        .get("Sec-WebSocket-Protocol")
        .map(|v| v.to_str().expect("ASCII").to_owned());
    Ok((socket, chosen))
}

/// Sends `voice:join` and waits for its reply.
async fn join(socket: &mut Socket, market: &str) -> Value {
    let request = json!({"id": 1, "method": "voice:join", "data": {"marketAddress": market}});
    socket
        .send(Message::Text(request.to_string()))
        .await
        .expect("sent");
    loop {
        let frame = tokio::time::timeout(T, socket.next())
            .await
            .expect("a reply in time")
            .expect("the socket stays open")
            .expect("a frame");
        if let Message::Text(text) = frame {
            let message: Value = serde_json::from_str(&text).expect("JSON");
            if message["id"] == json!(1) {
                return message;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_travels_as_a_subprotocol_and_the_server_answers_pnl_voice() {
    let node = TestNode::start(vec![], |_| {});
    let token = TestWallet::new().login(&node.http()).await.unwrap();
    let ws = node.ws();

    let (mut socket, chosen) = open(&ws, Some(&format!("pnl-voice, bearer.{token}")))
        .await
        .expect("the upgrade is accepted");
    assert_eq!(chosen.as_deref(), Some("pnl-voice"));
    let reply = join(&mut socket, &random_address()).await;
    assert_eq!(reply["ok"], json!(true), "{reply}");

    // A bad token in the subprotocol is refused like a bad one in the query.
    let mut forged = token.clone();
    forged.pop();
    forged.push(if token.ends_with('A') { 'B' } else { 'A' });
    for protocols in [
        format!("pnl-voice, bearer.{forged}"),
        "pnl-voice, bearer.".to_owned(),
        "pnl-voice".to_owned(),
        // The token counts only next to the protocol's name.
        format!("bearer.{token}"),
    ] {
        assert_eq!(
            open(&ws, Some(&protocols)).await.err(),
            Some(401),
            "{protocols}"
        );
    }

    // `?token=` still works, with no subprotocol offered nor answered (another
    // wallet: one wallet joins at most once a second).
    let other = TestWallet::new().login(&node.http()).await.unwrap();
    let (mut socket, chosen) = open(&format!("{ws}?token={other}"), None)
        .await
        .expect("the query token is accepted");
    assert_eq!(chosen, None);
    let reply = join(&mut socket, &random_address()).await;
    assert_eq!(reply["ok"], json!(true), "{reply}");
}
