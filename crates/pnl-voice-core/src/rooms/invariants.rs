//! What holds in every state a room can reach. The property tests and the
//! room fuzz target check it after every command.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::room::{Room, MAX_CO_HOSTS};
use super::settings::SettingsPatch;
use crate::address::Address;

impl Room {
    /// `Err` with the first invariant this room breaks at `now`, in words.
    /// `banned_until` is the moderation ledger as the caller keeps it: no
    /// wallet it bans at `now` may be inside.
    pub fn check_invariants(
        &self,
        now: DateTime<Utc>,
        banned_until: impl Fn(&Address) -> Option<DateTime<Utc>>,
    ) -> Result<(), &'static str> {
        let views = self.views();
        let queue = self.speaker_queue();
        let inside: HashSet<&Address> = views.iter().map(|v| &v.wallet_address).collect();
        let settings = self.settings();
        ensure(
            inside.len() == views.len() && self.len() == views.len(),
            "no one is inside twice",
        )?;
        ensure(
            self.speaker_count() == views.iter().filter(|v| v.is_speaker).count(),
            "the speaker count counts the speakers",
        )?;
        for v in &views {
            let w = &v.wallet_address;
            ensure(
                v.is_founder == (self.founder() == Some(w)),
                "only the founder is the founder",
            )?;
            ensure(!v.is_founder || v.is_speaker, "the founder always speaks")?;
            ensure(
                v.is_co_host == self.co_hosts().contains(w),
                "co-hosts, and only they, show as co-hosts",
            )?;
            ensure(!v.is_co_host || v.is_speaker, "co-hosts always speak")?;
            ensure(
                v.is_host == (self.host() == Some(w)),
                "only the host shows as the host",
            )?;
            ensure(
                self.reservation(w, now).is_none_or(|r| !r.holds_place),
                "no member holds a reserved place",
            )?;
            ensure(v.is_speaker || v.is_muted, "whoever may not speak is muted")?;
            ensure(
                banned_until(w).is_none_or(|until| until <= now),
                "no banned wallet inside",
            )?;
            ensure(
                v.hand_raised == queue.contains(w),
                "a raised hand is a place in the queue",
            )?;
            ensure(
                self.may_produce(w).is_ok() == v.is_speaker,
                "speakers, and only they, produce",
            )?;
        }
        ensure(
            queue.iter().collect::<HashSet<_>>().len() == queue.len(),
            "the queue has no duplicates",
        )?;
        ensure(
            queue
                .iter()
                .all(|w| inside.contains(w) && self.may_produce(w).is_err()),
            "the queue holds members who may not speak",
        )?;
        ensure(
            settings.speaker_only || queue.is_empty(),
            "an open floor has no queue",
        )?;
        ensure(
            self.invitations
                .wallets()
                .all(|w| inside.contains(w) && self.may_produce(w).is_err()),
            "invitations are for listeners in the room",
        )?;
        ensure(
            views
                .iter()
                .all(|v| v.invited == self.invitation(&v.wallet_address).is_some()),
            "the invited, and only they, show as invited",
        )?;
        ensure(
            self.founder().is_some() || !settings.speaker_only,
            "without a founder the floor is open",
        )?;
        let co_hosts = self.co_hosts();
        ensure(
            self.founder().is_none_or(|f| !co_hosts.contains(f)),
            "the founder is never a co-host",
        )?;
        ensure(co_hosts.len() <= MAX_CO_HOSTS, "co-hosts are few")?;
        ensure(
            self.founder().is_some() || (co_hosts.is_empty() && self.host().is_none()),
            "without a founder nobody hosts",
        )?;
        ensure(
            self.host()
                .is_none_or(|h| self.founder() == Some(h) || co_hosts.contains(h)),
            "the host is the founder or a co-host",
        )?;
        ensure(
            self.founder().is_none() || self.host().is_some(),
            "a founder's room always has a host",
        )?;
        ensure(
            settings.patched(&SettingsPatch::default()).is_ok(),
            "the settings are in range",
        )
    }
}

fn ensure(holds: bool, invariant: &'static str) -> Result<(), &'static str> {
    if holds {
        Ok(())
    } else {
        Err(invariant)
    }
}
