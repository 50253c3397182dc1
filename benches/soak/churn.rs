//! The churn: rooms that come and go, each with a speaker sending 80-byte
//! frames at 50 packets/s and listeners that join, listen, count what
//! arrives and go, each in one of several ways; some come back, some
//! vanish without a word.

use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use rand::Rng;
use serde_json::{json, Value};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::{sleep, Instant, MissedTickBehavior};

use crate::support::api::reserve;
use crate::support::flows::{consume, open_transport, try_start_speaking, T};
use crate::support::frames::numbered_frame;
use crate::support::node::random_address;
use crate::support::rtc::RtcTransport;
use crate::support::signal::SignalClient;
use crate::support::wallet::TestWallet;
use crate::tally::{Event, Tally};

/// How long a room's speaker stays, in seconds (cut short at the end of a phase).
const ROOM_SECS: RangeInclusive<u64> = 15..=45;
/// How long a listener stays, in seconds.
const STAY_SECS: RangeInclusive<u64> = 4..=20;
/// Pause before a reconnection, in milliseconds (joins of one wallet are
/// at least a second apart).
const RECONNECT_PAUSE_MS: RangeInclusive<u64> = 1200..=3000;
/// Share of listeners that drop everything once and come back.
const RECONNECT_SHARE: f64 = 0.2;
/// Share of listeners of a founder's room that raise their hand.
const HAND_SHARE: f64 = 0.3;
/// Share of rooms whose speaker drops everything once and comes back.
const SPEAKER_RECONNECT_SHARE: f64 = 0.3;
/// Speaker frame size and pace.
const FRAME_LEN: usize = 80;
const FRAME_INTERVAL: Duration = Duration::from_millis(20);
/// How long a silent client's connection is held open unread; longer than
/// the server needs to notice (its idle timeout plus a ping interval).
const SILENT_HOLD: Duration = Duration::from_secs(60);
/// How often a room's task looks after its listeners.
const TICK: Duration = Duration::from_millis(250);
/// Longest wait for a room's listeners to leave once it ends.
const LISTENERS_LEAVE_WITHIN: Duration = Duration::from_secs(60);

/// How a client goes.
#[derive(Clone, Copy)]
enum Exit {
    Leave,
    Close,
    Drop,
    Silent,
}

impl Exit {
    /// Leave 35%, close 30%, drop 20%, silent 15%.
    fn pick() -> Self {
        match rand::thread_rng().gen_range(0..100) {
            0..35 => Self::Leave,
            35..65 => Self::Close,
            65..85 => Self::Drop,
            _ => Self::Silent,
        }
    }
}

/// A wallet in a room, through its socket.
struct Member {
    wallet: Arc<TestWallet>,
    token: String,
    signal: SignalClient,
    caps: Value,
}

/// A speaker's send loop; hands the transport back when stopped.
struct Talk {
    stop: watch::Sender<bool>,
    task: JoinHandle<RtcTransport>,
}

impl Talk {
    fn start(send: RtcTransport) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut ticker = tokio::time::interval(FRAME_INTERVAL);
            ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
            let mut n = 0u32;
            loop {
                tokio::select! {
                    _ = stopped.changed() => break,
                    _ = ticker.tick() => {
                        if send.write_frame(numbered_frame(n, FRAME_LEN)).await.is_err() {
                            break;
                        }
                        n += 1;
                    }
                }
            }
            send
        });
        Self { stop, task }
    }

    /// Stops sending; counts the frames sent.
    async fn stop(self, tally: &Tally) -> Option<RtcTransport> {
        self.stop.send_replace(true);
        let send = self.task.await.ok()?;
        tally.add(Event::FramesSent, send.stats().frames_sent);
        Some(send)
    }
}

/// A speaking member.
struct Speaker {
    member: Member,
    talk: Talk,
}

/// Concurrent rooms and listeners per room.
#[derive(Clone, Copy)]
pub struct Plan {
    /// Rooms running at once.
    pub rooms: usize,
    /// Listeners per room at once.
    pub listeners: usize,
}

/// The clients' side of the run.
pub struct Churn {
    http: String,
    ws: String,
    plan: Plan,
    /// Markets with founders, two per room slot, as (market, founder).
    founders: Vec<(String, Arc<TestWallet>)>,
    /// Silent clients' connections, held open until the given time.
    silent: Mutex<Vec<(Instant, SignalClient)>>,
    /// What the clients did.
    pub tally: Tally,
}

/// Markets with a founder for `plan`, as (market, founder).
pub fn founded_markets(plan: Plan) -> Vec<(String, Arc<TestWallet>)> {
    (0..plan.rooms * 2)
        .map(|_| (random_address(), Arc::new(TestWallet::new())))
        .collect()
}

fn secs(range: RangeInclusive<u64>) -> Duration {
    Duration::from_secs(rand::thread_rng().gen_range(range))
}

fn reconnect_pause() -> Duration {
    Duration::from_millis(rand::thread_rng().gen_range(RECONNECT_PAUSE_MS))
}

fn chance(p: f64) -> bool {
    rand::thread_rng().gen_bool(p)
}

impl Churn {
    /// Clients of the server at `http` (`http://127.0.0.1:port`).
    pub fn new(http: String, plan: Plan, founders: Vec<(String, Arc<TestWallet>)>) -> Arc<Self> {
        Arc::new(Self {
            ws: format!("{}/ws", http.replacen("http://", "ws://", 1)),
            http,
            plan,
            founders,
            silent: Mutex::new(Vec::new()),
            tally: Tally::default(),
        })
    }

    /// Runs the rooms until `until`, then waits until their clients have gone.
    pub async fn run(self: &Arc<Self>, until: Instant) {
        let mut slots = JoinSet::new();
        for index in 0..self.plan.rooms {
            let churn = self.clone();
            slots.spawn(async move {
                let mut cycle = 0;
                while Instant::now() < until {
                    churn.room(index, cycle, until).await;
                    cycle += 1;
                }
            });
            // Stagger the rooms so that they do not all end together.
            sleep(Duration::from_millis(500)).await;
        }
        while slots.join_next().await.is_some() {}
    }

    /// Drops the silent clients' connections held long enough (all of them
    /// when `all`).
    pub fn reap_silent(&self, all: bool) {
        let now = Instant::now();
        self.silent.lock().retain(|(until, _)| !all && *until > now);
    }

    /// One room's life: a speaker (the founder every other cycle) and
    /// listeners coming and going, until the speaker's time is up.
    async fn room(self: &Arc<Self>, index: usize, cycle: usize, until: Instant) {
        let founded = cycle % 2 == 0;
        let (market, speaker_wallet) = if founded {
            self.tally.one(Event::FoundedRoom);
            self.founders[index * 2 + (cycle / 2) % 2].clone()
        } else {
            self.tally.one(Event::OpenRoom);
            (random_address(), Arc::new(TestWallet::new()))
        };
        let started = Instant::now();
        let end = (started + secs(ROOM_SECS)).min(until);
        let life = end.saturating_duration_since(started);
        let at = |share: f64| started + life.mul_f64(share);
        let mut speaker_reconnect =
            chance(SPEAKER_RECONNECT_SHARE).then(|| at(rand::random::<f64>()));
        // A place reserved and never taken: at a random moment, or just
        // before the room empties.
        let mut reservation = match rand::thread_rng().gen_range(0..3) {
            0 => Some(at(rand::random::<f64>())),
            1 => Some(end.checked_sub(Duration::from_secs(1)).unwrap_or(end)),
            _ => None,
        };
        let (stop, stopped) = watch::channel(false);
        let mut speaker = self.speak(&market, speaker_wallet.clone(), None).await;
        let mut listeners = JoinSet::new();
        while Instant::now() < end {
            while listeners.try_join_next().is_some() {}
            if listeners.len() < self.plan.listeners {
                let churn = self.clone();
                let (market, stopped) = (market.clone(), stopped.clone());
                listeners.spawn(async move { churn.listener(market, founded, stopped).await });
            }
            if speaker_reconnect.is_some_and(|t| Instant::now() >= t) {
                speaker_reconnect = None;
                let token = speaker.as_ref().map(|s| s.member.token.clone());
                if let Some(s) = speaker.take() {
                    self.tally.one(Event::Reconnect);
                    self.vanish(s).await;
                }
                sleep(reconnect_pause()).await;
                speaker = self.speak(&market, speaker_wallet.clone(), token).await;
            }
            self.reap_silent(false);
            if reservation.is_some_and(|t| Instant::now() >= t) {
                reservation = None;
                tokio::spawn(self.clone().abandoned_reservation(market.clone()));
            }
            sleep(TICK).await;
        }
        stop.send_replace(true);
        if let Some(s) = speaker {
            let send = s.talk.stop(&self.tally).await;
            self.depart(s.member, send.into_iter().collect(), Exit::pick())
                .await;
        }
        let all_left = tokio::time::timeout(LISTENERS_LEAVE_WITHIN, async {
            while listeners.join_next().await.is_some() {}
        })
        .await;
        if all_left.is_err() {
            self.tally.error("room", "listeners did not leave in time");
            listeners.abort_all();
        }
    }

    /// A speaker drops its socket and transport without a word.
    async fn vanish(&self, speaker: Speaker) {
        if let Some(send) = speaker.talk.stop(&self.tally).await {
            send.vanish();
        }
        drop(speaker.member.signal);
    }

    /// Logs in (unless `token` is given), connects and joins `market`.
    async fn join(
        &self,
        wallet: Arc<TestWallet>,
        token: Option<String>,
        market: &str,
    ) -> Option<Member> {
        let token = match token {
            Some(token) => token,
            None => match wallet.login(&self.http).await {
                Ok(token) => token,
                Err(e) => return self.failed("login", &e),
            },
        };
        let mut signal = match SignalClient::connect(&format!("{}?token={token}", self.ws)).await {
            Ok(signal) => signal,
            Err(e) => return self.failed("connect", &e.to_string()),
        };
        match signal
            .request("voice:join", json!({ "marketAddress": market }))
            .await
        {
            Ok(data) => {
                self.tally.one(Event::Join);
                Some(Member {
                    wallet,
                    token,
                    signal,
                    caps: data["rtpCapabilities"].clone(),
                })
            }
            Err(e) => self.failed("voice:join", &e.to_string()),
        }
    }

    fn failed<T>(&self, step: &str, detail: &str) -> Option<T> {
        self.tally.error(step, detail);
        None
    }

    /// Joins and produces; starts sending frames.
    async fn speak(
        &self,
        market: &str,
        wallet: Arc<TestWallet>,
        token: Option<String>,
    ) -> Option<Speaker> {
        let mut member = self.join(wallet, token, market).await?;
        let sending = async {
            let (send, _) = try_start_speaking(&mut member.signal, &member.caps).await?;
            send.wait_connected(T).await?;
            Ok::<_, String>(send)
        };
        match sending.await {
            Ok(send) => {
                self.tally.one(Event::Produce);
                Some(Speaker {
                    member,
                    talk: Talk::start(send),
                })
            }
            Err(e) => {
                self.depart(member, Vec::new(), Exit::Close).await;
                self.failed("speak", &e)
            }
        }
    }

    /// A listener: joins, maybe raises its hand, listens for a while, and
    /// goes; some drop everything once first and come back.
    async fn listener(
        self: Arc<Self>,
        market: String,
        founded: bool,
        stopped: watch::Receiver<bool>,
    ) {
        let Some(mut member) = self.join(Arc::new(TestWallet::new()), None, &market).await else {
            return;
        };
        if founded && chance(HAND_SHARE) {
            match member.signal.request("voice:raise_hand", json!({})).await {
                Ok(_) => self.tally.one(Event::RaisedHand),
                Err(e) => self.tally.error("voice:raise_hand", &e.to_string()),
            }
        }
        let mut recv = self.listen(&mut member, secs(STAY_SECS), &stopped).await;
        if chance(RECONNECT_SHARE) && !*stopped.borrow() {
            self.tally.one(Event::Reconnect);
            if let Some(recv) = recv.take() {
                recv.vanish();
            }
            let Member { wallet, token, .. } = member;
            sleep(reconnect_pause()).await;
            let Some(again) = self.join(wallet, Some(token), &market).await else {
                return;
            };
            member = again;
            recv = self
                .listen(&mut member, secs(STAY_SECS) / 2, &stopped)
                .await;
        }
        self.depart(member, recv.into_iter().collect(), Exit::pick())
            .await;
    }

    /// Opens a receive transport, consumes every producer there is and
    /// every new one, for `stay` or until the room ends; accounts the frames.
    async fn listen(
        &self,
        member: &mut Member,
        stay: Duration,
        stopped: &watch::Receiver<bool>,
    ) -> Option<RtcTransport> {
        let recv = match open_transport(&mut member.signal, &member.caps, "recv").await {
            Ok(recv) => recv,
            Err(e) => return self.failed("listen", &e),
        };
        match member.signal.request("voice:producers", json!({})).await {
            Ok(list) => {
                for p in list["producers"].as_array().into_iter().flatten() {
                    self.consume(member, &recv, &p["producerId"]).await;
                }
            }
            Err(e) => self.tally.error("voice:producers", &e.to_string()),
        }
        let end = Instant::now() + stay;
        while Instant::now() < end && !*stopped.borrow() {
            let wait = end
                .saturating_duration_since(Instant::now())
                .min(Duration::from_secs(1));
            let asked = Instant::now();
            match member.signal.next_event("voice:new_producer", wait).await {
                Some(event) => self.consume(member, &recv, &event["producerId"]).await,
                None if asked.elapsed() < wait => {
                    self.tally.error("listen", "socket closed by the server");
                    break;
                }
                None => {}
            }
            member.signal.clear_buffered();
        }
        self.tally.frames(&recv.received_frames());
        Some(recv)
    }

    async fn consume(&self, member: &mut Member, recv: &RtcTransport, producer: &Value) {
        let Some(producer) = producer.as_str() else {
            return self.tally.error("consume", "no producerId");
        };
        match consume(&mut member.signal, recv, &member.caps, producer).await {
            Ok(_) => self.tally.one(Event::Consume),
            Err(e) => self.tally.error("consume", &e),
        }
    }

    /// Goes in the way `exit` says.
    async fn depart(&self, mut member: Member, transports: Vec<RtcTransport>, exit: Exit) {
        match exit {
            Exit::Leave => {
                if let Err(e) = member.signal.request("voice:leave", json!({})).await {
                    self.tally.error("voice:leave", &e.to_string());
                }
                for t in transports {
                    t.close().await;
                }
                member.signal.close().await;
                self.tally.one(Event::Leave);
            }
            Exit::Close => {
                for t in transports {
                    t.close().await;
                }
                member.signal.close().await;
                self.tally.one(Event::Close);
            }
            Exit::Drop => {
                transports.into_iter().for_each(RtcTransport::vanish);
                drop(member.signal);
                self.tally.one(Event::Drop);
            }
            Exit::Silent => {
                transports.into_iter().for_each(RtcTransport::vanish);
                member.signal.stop_reading();
                self.silent
                    .lock()
                    .push((Instant::now() + SILENT_HOLD, member.signal));
                self.tally.one(Event::Silent);
            }
        }
    }

    /// `POST /api/voice/join` for a fresh wallet whose socket never comes.
    async fn abandoned_reservation(self: Arc<Self>, market: String) {
        match reserve(&self.http, &TestWallet::new(), &market).await {
            Ok((200, _)) => self.tally.one(Event::AbandonedReservation),
            Ok((_, answer)) => self.tally.error(
                "POST /api/voice/join",
                answer["error"]["code"].as_str().unwrap_or("no code"),
            ),
            Err(e) => self.tally.error("login", &e),
        }
    }
}
