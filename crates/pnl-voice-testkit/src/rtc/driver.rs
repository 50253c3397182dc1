//! The task that owns one str0m `Rtc` and its UDP socket: it feeds packets, timeouts
//! and commands in one at a time and drains `poll_output` after each.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use str0m::media::{Frequency, MediaKind, MediaTime, Mid, Pt};
use str0m::net::{Protocol, Receive};
use str0m::rtp::Ssrc;
use str0m::{Event, Input, Output, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{sleep_until, Instant};

use super::counting::{self, Counted, Entry, Forwarded};

/// Most received frames kept for inspection; counters keep counting past it.
const MAX_KEPT_FRAMES: usize = 10_000;

/// RTP clock ticks per 20 ms Opus frame at 48 kHz.
const TICKS_PER_FRAME: u64 = 960;

/// Audio level (dBov) and voice activity put on every sent frame, so the server's
/// audio-level and active-speaker observers see speech.
const SENT_AUDIO_LEVEL: i8 = -30;

/// How long a closing transport keeps draining (DTLS close_notify, RTCP BYE).
const CLOSE_GRACE: Duration = Duration::from_millis(300);

/// Largest datagram read from the socket.
const MAX_DATAGRAM: usize = 2048;

/// The driver's reply to one command.
pub(super) type Reply<T> = oneshot::Sender<Result<T, String>>;

/// A request from the transport handle to its driver.
pub(super) enum Command {
    /// Start DTLS as the client (after the server has its `connectTransport`).
    StartDtls(Reply<()>),
    /// Declare the audio media and send stream; replies with the media's cname.
    DeclareSend {
        mid: Mid,
        ssrc: Ssrc,
        pt: Pt,
        reply: Reply<String>,
    },
    /// Declare an audio media and the receive stream of a consumer.
    DeclareReceive {
        mid: Mid,
        ssrc: Ssrc,
        reply: Reply<()>,
    },
    /// Write one Opus frame on the send stream.
    Write { payload: Vec<u8>, reply: Reply<()> },
    /// Hand the socket to the counting thread (see [`counting`]).
    Count {
        counted: Arc<Counted>,
        reply: Reply<()>,
    },
    /// Close gracefully and stop.
    Close,
}

/// One depayloaded frame received on a consumer's stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedFrame {
    /// The mid of the consumer it arrived on.
    pub mid: String,
    /// The Opus payload, byte for byte.
    pub payload: Vec<u8>,
}

/// What the driver publishes about its transport.
#[derive(Debug, Default)]
pub(super) struct State {
    /// ICE and DTLS are up (stays true once reached).
    pub connected: bool,
    /// Set when the driver has stopped, with the reason.
    pub closed: Option<String>,
    /// The first [`MAX_KEPT_FRAMES`] frames received, in arrival order.
    pub frames: Vec<ReceivedFrame>,
    pub frames_received: u64,
    pub bytes_received: u64,
    pub frames_sent: u64,
    /// In counting mode, the sampled packets str0m decrypted into frames.
    pub samples_authenticated: u64,
}

/// The send stream, once declared.
struct Sending {
    mid: Mid,
    pt: Pt,
    next_rtp_time: u64,
}

/// The transport's UDP socket: read by the driver, or, in counting mode,
/// by the counting thread, the driver only sending on it.
enum Socket {
    /// Registered with tokio; the driver receives and sends.
    Driven(UdpSocket),
    /// Out of tokio (so that its packets no longer wake the runtime).
    Counted {
        /// A duplicate of the one the counting thread reads, for sending.
        sender: std::net::UdpSocket,
        /// What the counting thread passes on.
        from_reaper: mpsc::UnboundedReceiver<Forwarded>,
    },
}

impl Socket {
    /// The next datagram for str0m, copied into `buf`: from the socket, or
    /// in counting mode what the counting thread passes on.
    async fn recv_from(&mut self, buf: &mut [u8]) -> std::io::Result<(usize, SocketAddr)> {
        match self {
            Self::Driven(socket) => socket.recv_from(buf).await,
            Self::Counted { from_reaper, .. } => {
                let (source, datagram) = from_reaper
                    .recv()
                    .await
                    .ok_or_else(|| std::io::Error::other("the counting thread stopped"))?;
                let len = datagram.len().min(buf.len());
                buf[..len].copy_from_slice(&datagram[..len]);
                Ok((len, source))
            }
        }
    }

    /// Sends one datagram (without waiting in counting mode: a full send
    /// buffer loses it, as the network might).
    async fn send_to(&self, datagram: &[u8], destination: SocketAddr) -> std::io::Result<usize> {
        match self {
            Self::Driven(socket) => socket.send_to(datagram, destination).await,
            Self::Counted { sender, .. } => sender.send_to(datagram, destination),
        }
    }
}

/// Owns the `Rtc`, its socket and the published state.
pub(super) struct Driver {
    rtc: Rtc,
    /// `None` only while it is handed over to the counting thread.
    socket: Option<Socket>,
    local: SocketAddr,
    state: watch::Sender<State>,
    sending: Option<Sending>,
    closed_by_peer: bool,
    /// The SSRC of the last RTP packet fed to str0m: a frame str0m emits
    /// next was decrypted from that SSRC's packets.
    last_rtp_ssrc: Option<u32>,
    /// SSRCs str0m has decrypted frames from.
    authenticated: HashSet<u32>,
}

impl Driver {
    pub fn new(
        rtc: Rtc,
        socket: UdpSocket,
        local: SocketAddr,
        state: watch::Sender<State>,
    ) -> Self {
        Self {
            rtc,
            socket: Some(Socket::Driven(socket)),
            local,
            state,
            sending: None,
            closed_by_peer: false,
            last_rtp_ssrc: None,
            authenticated: HashSet::new(),
        }
    }

    /// Starts with a send stream already negotiated (with SDP): `mid` sends
    /// Opus at payload type `pt`.
    pub fn sending(mut self, mid: Mid, pt: Pt) -> Self {
        self.sending = Some(Sending {
            mid,
            pt,
            next_rtp_time: 0,
        });
        self
    }

    /// Runs until closed, failed, or `lifetime` is over; then publishes why it stopped.
    pub async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>, lifetime: Duration) {
        let reason = self
            .run_loop(&mut commands, Instant::now() + lifetime)
            .await;
        self.rtc.disconnect();
        self.state.send_modify(|s| s.closed = Some(reason));
    }

    async fn run_loop(
        &mut self,
        commands: &mut mpsc::UnboundedReceiver<Command>,
        mut end: Instant,
    ) -> String {
        let mut buf = vec![0u8; MAX_DATAGRAM];
        let mut closing = false;
        loop {
            let next = match self.drain().await {
                Ok(next) => next,
                Err(e) => return e,
            };
            if !self.rtc.is_alive() {
                return if self.closed_by_peer {
                    "closed by the server".to_owned()
                } else {
                    "closed locally".to_owned()
                };
            }
            let mut wake = Instant::from_std(next);
            if self.counting() {
                // str0m asks to be woken every few milliseconds (ICE pair
                // checks, RTCP timing) and copes with lateness; in counting
                // mode the wake-ups of thousands of transports are the
                // generator's main cost, so they come at most every tick.
                wake = wake.max(Instant::now() + counting::TICK);
            }
            let wake = wake.min(end);
            let Some(socket) = &mut self.socket else {
                return "the socket was lost going into counting mode".to_owned();
            };
            let step = tokio::select! {
                command = commands.recv(), if !closing => match command {
                    Some(Command::Close) | None => {
                        closing = true;
                        end = end.min(Instant::now() + CLOSE_GRACE);
                        self.close()
                    }
                    Some(command) => {
                        self.apply(command);
                        Ok(())
                    }
                },
                received = socket.recv_from(&mut buf) => match received {
                    Ok((len, source)) => self.receive(source, &buf[..len]),
                    Err(e) => Err(format!("socket receive: {e}")),
                },
                () = sleep_until(wake) => {
                    if Instant::now() >= end {
                        return if closing { "closed locally".to_owned() } else { "lifetime over".to_owned() };
                    }
                    self.rtc
                        .handle_input(Input::Timeout(std::time::Instant::now()))
                        .map_err(|e| format!("rtc timeout: {e}"))
                }
            };
            if let Err(e) = step {
                return e;
            }
        }
    }

    /// Polls until str0m asks for its next timeout, sending and publishing as it goes.
    async fn drain(&mut self) -> Result<std::time::Instant, String> {
        loop {
            match self
                .rtc
                .poll_output()
                .map_err(|e| format!("rtc poll: {e}"))?
            {
                Output::Timeout(next) => return Ok(next),
                Output::Transmit(transmit) => {
                    // A lost UDP datagram is normal; ICE and DTLS retransmit.
                    if let Some(socket) = &self.socket {
                        let _ = socket
                            .send_to(&transmit.contents, transmit.destination)
                            .await;
                    }
                }
                Output::Event(event) => self.on_event(event),
            }
        }
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Connected => self.state.send_modify(|s| s.connected = true),
            Event::MediaData(_) if self.counting() => {
                self.state.send_modify(|s| s.samples_authenticated += 1)
            }
            Event::MediaData(data) => self.state.send_modify(|s| {
                if let Some(ssrc) = self.last_rtp_ssrc {
                    self.authenticated.insert(ssrc);
                }
                s.frames_received += 1;
                s.bytes_received += data.data.len() as u64;
                if s.frames.len() < MAX_KEPT_FRAMES {
                    s.frames.push(ReceivedFrame {
                        mid: data.mid.to_string(),
                        payload: data.data.to_vec(),
                    });
                }
            }),
            Event::Closed => self.closed_by_peer = true,
            _ => {}
        }
    }

    /// Feeds one datagram; datagrams str0m cannot classify are ignored.
    fn receive(&mut self, source: SocketAddr, datagram: &[u8]) -> Result<(), String> {
        let Ok(receive) = Receive::new(Protocol::Udp, source, self.local, datagram) else {
            return Ok(());
        };
        if let Some(ssrc) = counting::rtp_ssrc(datagram) {
            self.last_rtp_ssrc = Some(ssrc);
        }
        self.rtc
            .handle_input(Input::Receive(std::time::Instant::now(), receive))
            .map_err(|e| format!("rtc input: {e}"))
    }

    fn close(&mut self) -> Result<(), String> {
        self.rtc.close().map_err(|e| format!("rtc close: {e}"))
    }

    fn apply(&mut self, command: Command) {
        match command {
            Command::StartDtls(reply) => {
                let result = self
                    .rtc
                    .direct_api()
                    .start_dtls(true)
                    .map_err(|e| format!("start DTLS: {e}"));
                let _ = reply.send(result);
            }
            Command::DeclareSend {
                mid,
                ssrc,
                pt,
                reply,
            } => {
                let _ = reply.send(self.declare_send(mid, ssrc, pt));
            }
            Command::DeclareReceive { mid, ssrc, reply } => {
                let _ = reply.send(self.declare_receive(mid, ssrc));
            }
            Command::Write { payload, reply } => {
                let _ = reply.send(self.write(payload));
            }
            Command::Count { counted, reply } => {
                let _ = reply.send(self.count(counted));
            }
            // Closing changes the run loop's own state, so the loop handles it.
            Command::Close => {}
        }
    }

    fn declare_send(&mut self, mid: Mid, ssrc: Ssrc, pt: Pt) -> Result<String, String> {
        if self.sending.is_some() {
            return Err("this transport already sends".to_owned());
        }
        if self.rtc.media(mid).is_some() {
            return Err(format!("mid {mid} is already declared"));
        }
        let mut api = self.rtc.direct_api();
        let cname = api.declare_media(mid, MediaKind::Audio).cname().to_owned();
        api.declare_stream_tx(ssrc, None, mid, None);
        self.sending = Some(Sending {
            mid,
            pt,
            next_rtp_time: 0,
        });
        Ok(cname)
    }

    fn declare_receive(&mut self, mid: Mid, ssrc: Ssrc) -> Result<(), String> {
        if self.rtc.media(mid).is_some() {
            return Err(format!("mid {mid} is already declared"));
        }
        let mut api = self.rtc.direct_api();
        api.declare_media(mid, MediaKind::Audio);
        api.expect_stream_rx(ssrc, None, mid, None);
        Ok(())
    }

    /// Switches to counting mode: NACKs off (the samples leave gaps that are
    /// not losses), the socket taken out of tokio and handed to the
    /// counting thread.
    fn count(&mut self, counted: Arc<Counted>) -> Result<(), String> {
        if self.authenticated.is_empty() {
            return Err("no frame decrypted yet: nothing to count".to_owned());
        }
        let socket = match self.socket.take() {
            Some(Socket::Driven(socket)) => socket,
            other => {
                self.socket = other;
                return Err("already counting".to_owned());
            }
        };
        let socket = socket
            .into_std()
            .map_err(|e| format!("take the socket out of tokio: {e}"))?;
        let sender = socket
            .try_clone()
            .map_err(|e| format!("duplicate the socket: {e}"))?;
        let mut api = self.rtc.direct_api();
        for ssrc in &self.authenticated {
            if let Some(stream) = api.stream_rx(&Ssrc::from(*ssrc)) {
                stream.suppress_nack(true);
            }
        }
        let (to_driver, from_reaper) = mpsc::unbounded_channel();
        counting::register(Entry {
            socket,
            ssrcs: self.authenticated.clone(),
            counted,
            to_driver,
        });
        self.socket = Some(Socket::Counted {
            sender,
            from_reaper,
        });
        Ok(())
    }

    /// Whether the counting thread reads the socket.
    fn counting(&self) -> bool {
        matches!(self.socket, Some(Socket::Counted { .. }))
    }

    fn write(&mut self, payload: Vec<u8>) -> Result<(), String> {
        if !self.state.borrow().connected {
            return Err("not connected yet: str0m would drop the frame".to_owned());
        }
        let sending = self
            .sending
            .as_mut()
            .ok_or("no send stream: call produce_params first")?;
        let writer = self
            .rtc
            .writer(sending.mid)
            .ok_or("the send media is gone")?;
        writer
            .audio_level(SENT_AUDIO_LEVEL, true)
            .write(
                sending.pt,
                std::time::Instant::now(),
                MediaTime::new(sending.next_rtp_time, Frequency::FORTY_EIGHT_KHZ),
                payload,
            )
            .map_err(|e| format!("write frame: {e}"))?;
        sending.next_rtp_time += TICKS_PER_FRAME;
        self.state.send_modify(|s| s.frames_sent += 1);
        Ok(())
    }
}
