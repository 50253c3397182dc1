//! A WebRTC client transport on str0m, driven the way mediasoup-client drives one:
//! ICE controlling, DTLS client, Opus only, no SDP.
//!
//! Sequence for a send transport: `createTransport` → [`RtcTransport::new`] →
//! `connectTransport` with [`RtcTransport::local_dtls_params`] → [`RtcTransport::start`] →
//! `produce` with [`RtcTransport::produce_params`] → [`RtcTransport::wait_connected`] →
//! [`RtcTransport::send_frames`]. For a receive transport, after `start`: `consume` →
//! [`RtcTransport::expect_consumer`] → `resumeConsumer` → [`RtcTransport::wait_received`].
//! A receive transport under load then goes on with [`RtcTransport::count_cheaply`].

mod counting;
mod driver;
mod params;

use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use str0m::media::{Mid, Pt};
use str0m::{Candidate, Rtc, RtcConfig};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;

use counting::Counted;
pub use driver::ReceivedFrame;
use driver::{Command, Driver, Reply, State};
use params::{
    client_dtls_parameters, sdp_rtc_config, ConsumerStream, RouterAudio, ServerTransport,
};

/// Why a transport negotiated with SDP cannot build mediasoup parameters.
const NO_ROUTER: &str = "an SDP-negotiated transport has no router capabilities";

/// In counting mode, one RTP packet in this many goes to str0m to be authenticated.
pub const SAMPLE_EVERY: u64 = counting::SAMPLE_EVERY;

/// How long [`RtcTransport::close`] waits for the driver to finish.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// Counters of one transport.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TransportStats {
    /// Frames handed to str0m after the connection was up.
    pub frames_sent: u64,
    /// Frames received on all consumers of this transport (in counting
    /// mode, the RTP packets counted since, too).
    pub frames_received: u64,
    /// Payload bytes received on all consumers of this transport (before
    /// counting mode only).
    pub bytes_received: u64,
    /// In counting mode, the packets handed to str0m to be authenticated.
    pub samples: u64,
    /// Of those, the ones str0m decrypted into frames.
    pub samples_authenticated: u64,
}

/// One client-side WebRTC transport: one str0m `Rtc`, one UDP socket, one driver task.
///
/// The driver stops on [`RtcTransport::close`], when the handle is dropped, when the
/// server closes the DTLS session, on a fatal error, or after the lifetime given to `new`.
pub struct RtcTransport {
    id: String,
    /// The router's audio; `None` for a transport negotiated with SDP.
    router: Option<RouterAudio>,
    local_dtls: Value,
    commands: mpsc::UnboundedSender<Command>,
    state: watch::Receiver<State>,
    task: JoinHandle<()>,
    /// What the counting thread counted (zero unless counting).
    counted: Arc<Counted>,
}

impl RtcTransport {
    /// Builds a transport for a `createTransport` reply
    /// (`{id, iceParameters, iceCandidates, dtlsParameters}`), with the router's
    /// `rtpCapabilities` giving the Opus payload type and header-extension ids.
    /// Binds a UDP socket on `local_ip` (e.g. 127.0.0.1) and starts ICE at once;
    /// DTLS waits for [`RtcTransport::start`].
    pub async fn new(
        local_ip: IpAddr,
        transport: &Value,
        router_rtp_capabilities: &Value,
        lifetime: Duration,
    ) -> Result<Self, String> {
        let server = ServerTransport::parse(transport)?;
        let router = RouterAudio::parse(router_rtp_capabilities)?;
        let socket = UdpSocket::bind((local_ip, 0))
            .await
            .map_err(|e| format!("bind UDP on {local_ip}: {e}"))?;
        let local = socket
            .local_addr()
            .map_err(|e| format!("UDP local address: {e}"))?;

        let mut rtc: Rtc = router.rtc_config().build(std::time::Instant::now());
        let local_candidate =
            Candidate::host(local, "udp").map_err(|e| format!("local candidate {local}: {e}"))?;
        rtc.add_local_candidate(local_candidate)
            .ok_or_else(|| format!("str0m refused local candidate {local}"))?;
        for addr in &server.candidates {
            let candidate = Candidate::host(*addr, "udp")
                .map_err(|e| format!("server candidate {addr}: {e}"))?;
            rtc.add_remote_candidate(candidate);
        }
        let mut api = rtc.direct_api();
        api.set_ice_controlling(true);
        api.set_remote_ice_credentials(server.ice.clone());
        api.set_remote_fingerprint(server.fingerprint.clone());
        let local_dtls = client_dtls_parameters(api.local_dtls_fingerprint());

        let (commands, command_rx) = mpsc::unbounded_channel();
        let (state_tx, state) = watch::channel(State::default());
        let task =
            tokio::spawn(Driver::new(rtc, socket, local, state_tx).run(command_rx, lifetime));
        Ok(Self {
            id: server.id,
            router: Some(router),
            local_dtls,
            commands,
            state,
            task,
            counted: Arc::default(),
        })
    }

    /// The str0m config of a client that negotiates with SDP (with a peer
    /// SFU that speaks SDP): the Opus and header extensions it uses against a
    /// router, Opus at payload type `opus_pt`.
    pub fn sdp_config(opus_pt: u8) -> RtcConfig {
        sdp_rtc_config(opus_pt)
    }

    /// Runs an `Rtc` whose audio was negotiated with SDP (for a peer SFU that
    /// speaks SDP, such as Janus in the benchmarks) on `socket`, the socket of
    /// its local candidate. `send` is the negotiated send media and its Opus
    /// payload type, for a speaker. Such a transport has no server ids or
    /// router: it sends and counts frames, waits and closes like any other.
    pub fn negotiated(
        rtc: Rtc,
        socket: UdpSocket,
        send: Option<(Mid, Pt)>,
        lifetime: Duration,
    ) -> Result<Self, String> {
        let local = socket
            .local_addr()
            .map_err(|e| format!("UDP local address: {e}"))?;
        let (commands, command_rx) = mpsc::unbounded_channel();
        let (state_tx, state) = watch::channel(State::default());
        let mut driver = Driver::new(rtc, socket, local, state_tx);
        if let Some((mid, pt)) = send {
            driver = driver.sending(mid, pt);
        }
        let task = tokio::spawn(driver.run(command_rx, lifetime));
        Ok(Self {
            id: String::new(),
            router: None,
            local_dtls: Value::Null,
            commands,
            state,
            task,
            counted: Arc::default(),
        })
    }

    /// The server's transport id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `dtlsParameters` for `connectTransport`: role `client` and this side's sha-256 fingerprint.
    pub fn local_dtls_params(&self) -> Value {
        self.local_dtls.clone()
    }

    /// Starts DTLS as the client. Call it once the `connectTransport` reply has come.
    pub async fn start(&self) -> Result<(), String> {
        self.call(Command::StartDtls).await
    }

    /// Declares the audio send stream and returns `rtpParameters` for `produce`
    /// (Opus at the router's payload type, the router's header-extension ids,
    /// `encodings: [{ssrc}]`, `rtcp: {cname, reducedSize: true}`). One per transport.
    pub async fn produce_params(&self, ssrc: u32, mid: &str) -> Result<Value, String> {
        let router = self.router.as_ref().ok_or(NO_ROUTER)?;
        let cname = self
            .call(|reply| Command::DeclareSend {
                mid: mid.into(),
                ssrc: ssrc.into(),
                pt: router.opus_pt.into(),
                reply,
            })
            .await?;
        Ok(router.produce_rtp_parameters(mid, ssrc, &cname))
    }

    /// Declares the receive stream of a `consume` reply (`{id, producerId, kind, rtpParameters}`)
    /// and returns its mid, for [`RtcTransport::received_on`].
    pub async fn expect_consumer(&self, consume_reply: &Value) -> Result<String, String> {
        let router = self.router.as_ref().ok_or(NO_ROUTER)?;
        let stream = ConsumerStream::parse(consume_reply)?;
        if stream.payload_type != router.opus_pt {
            return Err(format!(
                "consumer payload type {} is not the router's Opus payload type {}",
                stream.payload_type, router.opus_pt
            ));
        }
        self.call(|reply| Command::DeclareReceive {
            mid: stream.mid.as_str().into(),
            ssrc: stream.ssrc.into(),
            reply,
        })
        .await?;
        Ok(stream.mid)
    }

    /// Waits until ICE and DTLS are up.
    pub async fn wait_connected(&self, timeout: Duration) -> Result<(), String> {
        self.wait_until(timeout, |s| s.connected)
            .await
            .map_err(|e| format!("not connected: {e}"))
    }

    /// Whether ICE and DTLS have come up.
    pub fn is_connected(&self) -> bool {
        self.state.borrow().connected
    }

    /// Writes one Opus frame (20 ms of RTP time) on the send stream.
    /// Fails before [`RtcTransport::wait_connected`] succeeds, since str0m would drop it.
    pub async fn write_frame(&self, payload: Vec<u8>) -> Result<(), String> {
        self.call(|reply| Command::Write { payload, reply }).await
    }

    /// Writes `count` frames, one every `interval` (20 ms paces them like a live
    /// microphone; a zero interval counts as 1 ms), the n-th being `payload(n)`.
    pub async fn send_frames(
        &self,
        count: u32,
        interval: Duration,
        mut payload: impl FnMut(u32) -> Vec<u8>,
    ) -> Result<(), String> {
        let mut ticker = tokio::time::interval(interval.max(Duration::from_millis(1)));
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        for n in 0..count {
            ticker.tick().await;
            self.write_frame(payload(n)).await?;
        }
        Ok(())
    }

    /// Waits until at least `count` frames have arrived (on all consumers together).
    pub async fn wait_received(&self, count: u64, timeout: Duration) -> Result<(), String> {
        self.wait_until(timeout, |s| s.frames_received >= count)
            .await
            .map_err(|e| {
                format!(
                    "{e} ({} of {count} frames received)",
                    self.stats().frames_received
                )
            })
    }

    /// Payloads received so far on all consumers, in arrival order (the first 10 000).
    pub fn received(&self) -> Vec<Vec<u8>> {
        self.state
            .borrow()
            .frames
            .iter()
            .map(|f| f.payload.clone())
            .collect()
    }

    /// Payloads received so far on the consumer with this mid, in arrival order.
    pub fn received_on(&self, mid: &str) -> Vec<Vec<u8>> {
        self.state
            .borrow()
            .frames
            .iter()
            .filter(|f| f.mid == mid)
            .map(|f| f.payload.clone())
            .collect()
    }

    /// Frames received so far with the mid of the consumer each came on.
    pub fn received_frames(&self) -> Vec<ReceivedFrame> {
        self.state.borrow().frames.clone()
    }

    /// Counters so far.
    pub fn stats(&self) -> TransportStats {
        let s = self.state.borrow();
        TransportStats {
            frames_sent: s.frames_sent,
            frames_received: s.frames_received + self.counted.packets.load(Ordering::Relaxed),
            bytes_received: s.bytes_received,
            samples: self.counted.sampled.load(Ordering::Relaxed),
            samples_authenticated: s.samples_authenticated,
        }
    }

    /// Goes on receiving in counting mode, for load generators: from now
    /// on a thread shared by all counting transports reads the socket with
    /// `recvmmsg`, counts the packets of the SSRCs str0m has decrypted
    /// frames from, and hands str0m one packet in [`SAMPLE_EVERY`] to
    /// authenticate, with everything that is not RTP (STUN, DTLS, RTCP), so
    /// the transport stays connected. Frames are no longer kept
    /// ([`RtcTransport::received`]); [`RtcTransport::stats`] keeps counting.
    /// Fails before the first frame has arrived.
    pub async fn count_cheaply(&self) -> Result<(), String> {
        let counted = self.counted.clone();
        self.call(|reply| Command::Count { counted, reply }).await
    }

    /// Waits until the driver stops (e.g. the server closed the transport) and returns why,
    /// or `None` after `timeout`.
    pub async fn wait_closed(&self, timeout: Duration) -> Option<String> {
        let mut state = self.state.clone();
        let waited = tokio::time::timeout(timeout, state.wait_for(|s| s.closed.is_some())).await;
        match waited {
            Ok(Ok(s)) => s.closed.clone(),
            Ok(Err(_)) => Some("transport driver is gone".to_owned()),
            Err(_) => None,
        }
    }

    /// Closes gracefully (DTLS close_notify) and waits briefly for the driver to stop.
    pub async fn close(self) {
        let _ = self.commands.send(Command::Close);
        let _ = tokio::time::timeout(CLOSE_WAIT, self.task).await;
    }

    /// Stops at once without a word to the server (no DTLS close alert, the
    /// UDP socket just goes), like a client whose network went away.
    pub fn vanish(self) {
        self.task.abort();
    }

    /// Waits until `done` holds; fails if the driver stops first or after `timeout`.
    async fn wait_until(
        &self,
        timeout: Duration,
        done: impl Fn(&State) -> bool,
    ) -> Result<(), String> {
        let mut state = self.state.clone();
        let waited =
            tokio::time::timeout(timeout, state.wait_for(|s| done(s) || s.closed.is_some())).await;
        // Take what is needed from the guard before anything else reads the state.
        let outcome = match waited {
            Err(_) => Err(format!("not within {timeout:?}")),
            Ok(Err(_)) => Err("transport driver is gone".to_owned()),
            Ok(Ok(s)) if done(&s) => Ok(()),
            Ok(Ok(s)) => Err(format!(
                "transport stopped: {}",
                s.closed.clone().unwrap_or_default()
            )),
        };
        outcome
    }

    /// Sends a command and waits for the driver's answer.
    async fn call<T>(&self, command: impl FnOnce(Reply<T>) -> Command) -> Result<T, String> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(command(reply))
            .map_err(|_| self.stopped_reason())?;
        answer.await.map_err(|_| self.stopped_reason())?
    }

    fn stopped_reason(&self) -> String {
        let reason = self.state.borrow().closed.clone();
        format!(
            "transport stopped: {}",
            reason.unwrap_or_else(|| "unknown".to_owned())
        )
    }
}
