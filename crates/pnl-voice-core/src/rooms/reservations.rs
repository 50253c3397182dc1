//! Places held by `POST /api/voice/join` for the socket's `voice:join`.
//!
//! A reservation costs nothing to make (no socket, a throw-away wallet), so
//! it must not be able to lock a room: only a share of `maxParticipants`
//! may be held at once, a hold is short and never renewed, and a wallet
//! whose hold lapsed without its socket joining holds no place again until
//! its cool-down is over. A reservation past those limits is still
//! recorded (it spares its socket's join the per-wallet join interval) but
//! holds no place.

use std::collections::HashMap;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::address::Address;

/// How a room treats reservations (from the configuration's `rooms.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReservationPolicy {
    /// How long a reservation lasts.
    pub hold: Duration,
    /// Percent of `maxParticipants` that reservations may hold at once
    /// (at least one place when not 0; 0: reservations hold no place).
    pub share_percent: u32,
    /// How long a wallet whose reservation lapsed unused holds no place.
    pub cooldown: Duration,
}

impl Default for ReservationPolicy {
    fn default() -> Self {
        Self {
            hold: Duration::seconds(10),
            share_percent: 10,
            cooldown: Duration::minutes(10),
        }
    }
}

impl ReservationPolicy {
    /// Most places reservations may hold in a room of `max_participants`.
    pub fn cap(&self, max_participants: u32) -> usize {
        if self.share_percent == 0 {
            return 0;
        }
        let share = u64::from(max_participants) * u64::from(self.share_percent) / 100;
        usize::try_from(share.max(1)).unwrap_or(usize::MAX)
    }
}

/// One wallet's reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    /// When it lapses.
    pub until: DateTime<Utc>,
    /// Whether it holds a place (counts against `maxParticipants`).
    pub holds_place: bool,
}

/// A reservation as the founder, the host and co-hosts see it (the join
/// data's `reservations`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "Reservation")]
pub struct ReservationView {
    /// Who reserved.
    pub wallet_address: Address,
    /// RFC 3339 time it lapses unless its socket joins first.
    pub expires_at: String,
    /// Whether it holds a place (past the cap or the cool-down it does not).
    pub holds_place: bool,
}

/// A room's reservations and the wallets whose reservations lapsed.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Reservations {
    live: HashMap<Address, Reservation>,
    /// Wallet -> until when it holds no place.
    lapsed: HashMap<Address, DateTime<Utc>>,
}

/// Lapse records kept before old ones are dropped.
const LAPSED_KEPT: usize = 256;

impl Reservations {
    /// Moves reservations that lapsed by `now` to the lapsed wallets.
    pub(super) fn expire(&mut self, now: DateTime<Utc>, cooldown: Duration) {
        let lapsed: Vec<(Address, DateTime<Utc>)> = self
            .live
            .iter()
            .filter(|(_, r)| r.until <= now)
            .map(|(w, r)| (w.clone(), r.until))
            .collect();
        for (wallet, until) in lapsed {
            self.live.remove(&wallet);
            self.lapsed.insert(wallet, until + cooldown);
        }
        if self.lapsed.len() > LAPSED_KEPT {
            self.lapsed.retain(|_, until| *until > now);
        }
    }

    /// `wallet`'s reservation, if it is live at `now`.
    pub(super) fn get(&self, wallet: &Address, now: DateTime<Utc>) -> Option<Reservation> {
        self.live.get(wallet).copied().filter(|r| r.until > now)
    }

    /// Places held at `now` by reservations of others than `wallet`.
    pub(super) fn held_by_others(&self, wallet: &Address, now: DateTime<Utc>) -> usize {
        self.live
            .iter()
            .filter(|(w, r)| *w != wallet && r.holds_place && r.until > now)
            .count()
    }

    /// Places held at `now`.
    pub(super) fn held(&self, now: DateTime<Utc>) -> usize {
        self.live
            .values()
            .filter(|r| r.holds_place && r.until > now)
            .count()
    }

    /// Whether `wallet`'s last reservation lapsed unused and its
    /// cool-down is not over at `now`.
    pub(super) fn cooling_down(&self, wallet: &Address, now: DateTime<Utc>) -> bool {
        self.lapsed.get(wallet).is_some_and(|until| *until > now)
    }

    /// Records `wallet`'s reservation.
    pub(super) fn insert(&mut self, wallet: &Address, reservation: Reservation) {
        self.live.insert(wallet.clone(), reservation);
    }

    /// `wallet` joined by socket: its reservation is used and its lapses
    /// forgotten.
    pub(super) fn taken(&mut self, wallet: &Address) {
        self.live.remove(wallet);
        self.lapsed.remove(wallet);
    }

    /// Drops every reservation (a host cleared them): each wallet holds no
    /// place until its cool-down is over. Returns how many were dropped.
    pub(super) fn clear(&mut self, now: DateTime<Utc>, cooldown: Duration) -> usize {
        let cleared = self.live.len();
        for (wallet, _) in self.live.drain() {
            self.lapsed.insert(wallet, now + cooldown);
        }
        cleared
    }

    /// Forgets everything (the room closes).
    pub(super) fn forget(&mut self) {
        self.live.clear();
        self.lapsed.clear();
    }

    /// The live reservations at `now`, first to lapse first.
    pub(super) fn views(&self, now: DateTime<Utc>) -> Vec<ReservationView> {
        let mut live: Vec<(&Address, &Reservation)> =
            self.live.iter().filter(|(_, r)| r.until > now).collect();
        live.sort_by(|a, b| (a.1.until, a.0).cmp(&(b.1.until, b.0)));
        live.into_iter()
            .map(|(wallet, r)| ReservationView {
                wallet_address: wallet.clone(),
                expires_at: r.until.to_rfc3339_opts(SecondsFormat::Millis, true),
                holds_place: r.holds_place,
            })
            .collect()
    }

    /// When each live reservation lapses.
    pub(super) fn expiries(&self, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let mut until: Vec<_> = self
            .live
            .values()
            .map(|r| r.until)
            .filter(|u| *u > now)
            .collect();
        until.sort_unstable();
        until
    }
}
