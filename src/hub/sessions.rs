//! Which session each wallet is on: the one structure that knows it, owned
//! by the [`Hub`](super::Hub). On this node it is the map below; across
//! nodes it mirrors each entry into the registry (`user:<wallet>`), telling
//! a session of the same wallet on another node to end. Entries are made
//! by a join and removed by every departure (leave, kick, replacement, a
//! closed room), always through these methods.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::outbox::{Outbox, SessionId};
use crate::address::Address;
use crate::registry::{Registry, RoomMessage, UserSession};

/// A join this soon after the wallet left counts as a reconnection.
const RECONNECT_WINDOW: Duration = Duration::from_secs(60);

/// Where one wallet is.
#[derive(Debug, Clone)]
pub struct Seat {
    /// Its socket session.
    pub session: SessionId,
    /// That session's outbox (to close it when replaced).
    pub outbox: Outbox,
    /// The room it is in.
    pub market: Address,
}

/// The wallets' sessions on this node, and when each last left. Each lock
/// guards one map for a lookup or an update: no await, no mediasoup object.
pub struct Sessions {
    seats: Mutex<HashMap<Address, Seat>>,
    last_left: Mutex<HashMap<Address, Instant>>,
    registry: Arc<dyn Registry>,
    node_id: String,
    runtime: tokio::runtime::Handle,
}

impl Sessions {
    /// No session yet; entries are mirrored into `registry` as `node_id`.
    pub fn new(
        registry: Arc<dyn Registry>,
        node_id: String,
        runtime: tokio::runtime::Handle,
    ) -> Self {
        Self {
            seats: Mutex::default(),
            last_left: Mutex::default(),
            registry,
            node_id,
            runtime,
        }
    }

    /// Where `wallet` is, if anywhere on this node.
    pub fn seat_of(&self, wallet: &Address) -> Option<Seat> {
        self.seats.lock().get(wallet).cloned()
    }

    /// Sessions holding a wallet.
    pub fn len(&self) -> usize {
        self.seats.lock().len()
    }

    /// Whether no session holds a wallet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether joining now is a reconnection: the wallet is on a session
    /// still, or left moments ago.
    pub fn is_reconnection(&self, wallet: &Address) -> bool {
        self.seats.lock().contains_key(wallet)
            || self
                .last_left
                .lock()
                .get(wallet)
                .is_some_and(|t| t.elapsed() < RECONNECT_WINDOW)
    }

    /// `wallet` joined `seat.market` from `seat.session`: recorded here and
    /// in the registry, where a session of it on another node is told to end.
    pub fn seated(&self, wallet: &Address, seat: Seat) {
        let market = seat.market.clone();
        self.seats.lock().insert(wallet.clone(), seat);
        let registry = self.registry.clone();
        let me = self.node_id.clone();
        let wallet = wallet.clone();
        self.runtime.spawn(async move {
            if let Ok(Some(old)) = registry.user(&wallet).await {
                if old.node_id != me {
                    let replace = RoomMessage::Replace {
                        wallet: wallet.clone(),
                        by_node: me.clone(),
                    };
                    let _ = registry.publish(&old.room_id, &replace).await;
                }
            }
            let session = UserSession {
                room_id: market,
                node_id: me,
            };
            if let Err(e) = registry.set_user(&wallet, &session).await {
                tracing::warn!(%wallet, error = %e, "cannot record the session");
            }
        });
    }

    /// Forgets that `wallet` is on `session` (a later session of it stays).
    pub fn unseat(&self, wallet: &Address, session: SessionId) {
        let mut seats = self.seats.lock();
        if seats.get(wallet).is_some_and(|s| s.session == session) {
            seats.remove(wallet);
        }
    }

    /// `wallet` left `market` from `session`: unseated, its leaving time
    /// kept (reconnections), its registry entry cleared.
    pub fn left(&self, wallet: &Address, session: SessionId, market: &Address) {
        self.unseat(wallet, session);
        self.last_left.lock().insert(wallet.clone(), Instant::now());
        let registry = self.registry.clone();
        let entry = UserSession {
            room_id: market.clone(),
            node_id: self.node_id.clone(),
        };
        let wallet = wallet.clone();
        self.runtime.spawn(async move {
            let _ = registry.clear_user(&wallet, &entry).await;
        });
    }

    /// Forgets leaving times too old to matter (each heartbeat).
    pub fn forget_old(&self) {
        let mut times = self.last_left.lock();
        times.retain(|_, t| t.elapsed() < RECONNECT_WINDOW);
        if times.len() * 4 < times.capacity() {
            times.shrink_to_fit();
        }
    }
}
