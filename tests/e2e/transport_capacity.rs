//! Capacity by default: each worker takes all its transports on one
//! WebRtcServer port, so a node is not held to a port range (with the old
//! default range of 101 ports, transport 102 was refused, as `INTERNAL`).
//! With a range configured instead, running out of it is the node's
//! capacity (`CAPACITY`), not a server fault.

use std::collections::HashSet;

use pnl_voice_testkit::flows::{join_room, open_transport, T};
use pnl_voice_testkit::node::{random_address, TestNode};
use pnl_voice_testkit::ports::free_rtc_ports;
use pnl_voice_testkit::signal::SignalClient;
use pnl_voice_testkit::wallet::TestWallet;
use serde_json::{json, Value};

/// Listeners per room: rooms hold 50 members by default.
const PER_ROOM: usize = 35;
/// Rooms: 105 receive transports, past the 101 ports of the old default range.
const ROOMS: usize = 3;

fn candidate_port(transport: &Value) -> u64 {
    transport["iceCandidates"][0]["port"]
        .as_u64()
        .expect("a candidate port")
}

/// A new wallet in `market`'s room with a receive transport created (not
/// connected); returns its socket and the transport.
async fn listener(node: &TestNode, market: &str) -> (SignalClient, Result<Value, String>) {
    let mut client = node.connect(&TestWallet::new()).await;
    join_room(&mut client, market).await;
    let transport = client
        .request("createTransport", json!({"direction": "recv"}))
        .await
        .map_err(|e| e.code().unwrap_or("no code").to_string());
    (client, transport)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_default_node_takes_more_transports_than_the_old_port_range() {
    let node = TestNode::start(vec![], |c| c.limits.ws_connections_per_ip = 256);
    let mut sockets = Vec::new();
    let mut ports = HashSet::new();
    let mut market = random_address();
    for n in 1..ROOMS * PER_ROOM {
        if n % PER_ROOM == 0 {
            market = random_address();
        }
        let (client, transport) = listener(&node, &market).await;
        let transport = transport.unwrap_or_else(|code| panic!("transport {n}: {code}"));
        ports.insert(candidate_port(&transport));
        sockets.push(client);
    }
    assert_eq!(ports.len(), 1, "every transport on the worker's one port");

    // The last one, past 101, connects like the first.
    let mut last = node.connect(&TestWallet::new()).await;
    let caps = join_room(&mut last, &market).await;
    let recv = open_transport(&mut last, &caps, "recv").await.unwrap();
    recv.wait_connected(T).await.unwrap();
    assert_eq!(node.worker_dump_counts().await.1, ROOMS * PER_ROOM);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_out_of_range_ports_answers_capacity() {
    let first = free_rtc_ports(2);
    let node = TestNode::start(vec![], |c| {
        c.media.webrtc_server_port = None;
        c.media.rtc_min_port = first;
        c.media.rtc_max_port = first + 1;
    });
    let market = random_address();
    let mut sockets = Vec::new();
    for n in 1..=2 {
        let (client, transport) = listener(&node, &market).await;
        let port =
            candidate_port(&transport.unwrap_or_else(|code| panic!("transport {n}: {code}")));
        assert!((first..=first + 1).contains(&(port as u16)));
        sockets.push(client);
    }
    let (_third, transport) = listener(&node, &market).await;
    assert_eq!(transport.unwrap_err(), "CAPACITY");
}
