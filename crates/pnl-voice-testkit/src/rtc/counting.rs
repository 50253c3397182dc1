//! Counting mode: a receive transport that has shown it decrypts its audio
//! stops handing every packet to str0m. One thread per process (the reaper)
//! reads the sockets of all counting transports with `recvmmsg`, a batch per
//! socket every [`TICK`], counts the RTP packets of the transport's
//! authenticated SSRCs, and passes to the transport's driver only what needs
//! str0m: STUN, DTLS and RTCP, and one RTP packet in [`SAMPLE_EVERY`], which
//! str0m decrypts and authenticates. That way one generator core keeps
//! thousands of listeners connected (ICE consent, receiver reports) while
//! each packet costs a share of a system call instead of a full SRTP and
//! depacketizer pass.

use std::collections::HashSet;
use std::io;
use std::mem::MaybeUninit;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

/// How often the reaper reads every socket: at 50 packets/s a read finds
/// about five, well inside a socket's default receive buffer.
pub const TICK: Duration = Duration::from_millis(100);

/// One RTP packet in this many goes to str0m to be decrypted and authenticated.
pub const SAMPLE_EVERY: u64 = 50;

/// Datagrams read by one `recvmmsg` call at most.
const BATCH: usize = 32;

/// Largest datagram read.
const MAX_DATAGRAM: usize = 2048;

/// A datagram for the driver: where it came from and its bytes.
pub(super) type Forwarded = (SocketAddr, Vec<u8>);

/// What the reaper counted for one transport.
#[derive(Debug, Default)]
pub(super) struct Counted {
    /// RTP packets of the authenticated SSRCs, the samples included.
    pub packets: AtomicU64,
    /// Of those, the samples handed to str0m.
    pub sampled: AtomicU64,
}

/// One counting transport as the reaper sees it.
pub(super) struct Entry {
    /// A duplicate of the driver's socket (same file description, so the
    /// same non-blocking receive queue).
    pub socket: UdpSocket,
    /// SSRCs whose packets str0m has already decrypted into frames.
    pub ssrcs: HashSet<u32>,
    pub counted: Arc<Counted>,
    /// To the driver; closed when the driver stops, which ends the entry.
    pub to_driver: mpsc::UnboundedSender<Forwarded>,
}

/// The reaper's entries and whether its thread runs.
#[derive(Default)]
struct Reaper {
    entries: Vec<Entry>,
    running: bool,
}

static REAPER: Mutex<Reaper> = Mutex::new(Reaper {
    entries: Vec::new(),
    running: false,
});

/// Hands `entry` to the reaper, starting its thread if none runs. The thread
/// stops by itself once every counting transport's driver has stopped.
pub(super) fn register(entry: Entry) {
    let mut reaper = REAPER.lock().expect("reaper lock");
    reaper.entries.push(entry);
    if !reaper.running {
        reaper.running = true;
        std::thread::Builder::new()
            .name("rtc-counting".into())
            .spawn(run)
            .expect("spawn the counting thread");
    }
}

fn run() {
    let mut batch = Batch::new();
    loop {
        std::thread::sleep(TICK);
        let mut reaper = REAPER.lock().expect("reaper lock");
        reaper.entries.retain_mut(|entry| batch.drain(entry));
        if reaper.entries.is_empty() {
            reaper.running = false;
            return;
        }
    }
}

/// Whether `datagram` is RTP (not RTCP, STUN or DTLS), and its SSRC
/// (RFC 7983 for the first byte, RFC 5761 for RTCP's packet types).
pub(super) fn rtp_ssrc(datagram: &[u8]) -> Option<u32> {
    let rtp_version = datagram.len() >= 12 && (128..=191).contains(&datagram[0]);
    let rtcp = (192..=223).contains(datagram.get(1)?);
    (rtp_version && !rtcp).then(|| u32::from_be_bytes(datagram[8..12].try_into().expect("4 bytes")))
}

/// The buffers of one `recvmmsg` call, set up once and reused for every
/// socket. The headers point into the other three, whose heap storage never
/// moves: none of the vectors grows after [`Batch::new`].
struct Batch {
    buffers: Vec<[u8; MAX_DATAGRAM]>,
    addresses: Vec<MaybeUninit<libc::sockaddr_storage>>,
    #[expect(
        dead_code,
        reason = "never read, only kept alive: the headers point into it"
    )]
    iovecs: Vec<libc::iovec>,
    headers: Vec<libc::mmsghdr>,
}

impl Batch {
    fn new() -> Self {
        let mut buffers = vec![[0u8; MAX_DATAGRAM]; BATCH];
        let mut addresses = vec![MaybeUninit::<libc::sockaddr_storage>::zeroed(); BATCH];
        let mut iovecs: Vec<libc::iovec> = buffers
            .iter_mut()
            .map(|buffer| libc::iovec {
                iov_base: buffer.as_mut_ptr().cast(),
                iov_len: MAX_DATAGRAM,
            })
            .collect();
        let headers = iovecs
            .iter_mut()
            .zip(addresses.iter_mut())
            .map(|(iovec, address)| {
                // SAFETY: an all-zero msghdr is valid (null pointers, zero lengths).
                let mut header: libc::msghdr = unsafe { std::mem::zeroed() };
                header.msg_name = address.as_mut_ptr().cast();
                header.msg_iov = iovec;
                header.msg_iovlen = 1;
                libc::mmsghdr {
                    msg_hdr: header,
                    msg_len: 0,
                }
            })
            .collect();
        Self {
            buffers,
            addresses,
            iovecs,
            headers,
        }
    }

    /// Reads everything queued on `entry`'s socket; false once the entry is
    /// done with (its driver stopped, or the socket failed).
    fn drain(&mut self, entry: &mut Entry) -> bool {
        if entry.to_driver.is_closed() {
            return false;
        }
        loop {
            let received = match self.receive(&entry.socket) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return false,
            };
            for i in 0..received {
                let len = self.headers[i].msg_len as usize;
                let datagram = &self.buffers[i][..len.min(MAX_DATAGRAM)];
                if let Some(ssrc) = rtp_ssrc(datagram) {
                    if !entry.ssrcs.contains(&ssrc) {
                        continue;
                    }
                    let n = entry.counted.packets.fetch_add(1, Ordering::Relaxed) + 1;
                    if n % SAMPLE_EVERY != 0 {
                        continue;
                    }
                    entry.counted.sampled.fetch_add(1, Ordering::Relaxed);
                }
                let Some(source) = source_address(&self.addresses[i]) else {
                    continue;
                };
                if entry.to_driver.send((source, datagram.to_vec())).is_err() {
                    return false;
                }
            }
            if received < BATCH {
                return true;
            }
        }
    }

    /// One non-blocking `recvmmsg` on `socket`: how many datagrams arrived.
    fn receive(&mut self, socket: &UdpSocket) -> io::Result<usize> {
        // The kernel shortens each address length to what it wrote.
        for header in &mut self.headers {
            header.msg_hdr.msg_namelen = std::mem::size_of::<libc::sockaddr_storage>() as u32;
        }
        // SAFETY: every header points at its own buffer, address and iovec,
        // all alive and unmoved for the call; the kernel writes within the
        // lengths given.
        let n = unsafe {
            libc::recvmmsg(
                socket.as_raw_fd(),
                self.headers.as_mut_ptr(),
                BATCH as u32,
                libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
            )
        };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(n as usize)
    }
}

/// The sender of a datagram as `recvmmsg` wrote it (IPv4 or IPv6).
fn source_address(address: &MaybeUninit<libc::sockaddr_storage>) -> Option<SocketAddr> {
    // SAFETY: zero-initialised at creation and written by the kernel since;
    // any bit pattern is a valid sockaddr_storage.
    let storage = unsafe { address.assume_init_ref() };
    match i32::from(storage.ss_family) {
        libc::AF_INET => {
            // SAFETY: the family says it is a sockaddr_in, which fits in the storage.
            let v4 = unsafe { &*(storage as *const _ as *const libc::sockaddr_in) };
            let ip = std::net::Ipv4Addr::from(u32::from_be(v4.sin_addr.s_addr));
            Some(SocketAddr::from((ip, u16::from_be(v4.sin_port))))
        }
        libc::AF_INET6 => {
            // SAFETY: the family says it is a sockaddr_in6, which fits in the storage.
            let v6 = unsafe { &*(storage as *const _ as *const libc::sockaddr_in6) };
            let ip = std::net::Ipv6Addr::from(v6.sin6_addr.s6_addr);
            Some(SocketAddr::from((ip, u16::from_be(v6.sin6_port))))
        }
        _ => None,
    }
}
