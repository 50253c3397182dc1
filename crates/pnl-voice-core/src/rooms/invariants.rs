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
        )?;
        self.check_debate()
    }

    /// The debate's invariants, which hold after every
    /// [`Room::debate_tick`] (the room's task runs one after each change).
    fn check_debate(&self) -> Result<(), &'static str> {
        let Some(debate) = self.debate() else {
            return Ok(());
        };
        let debaters = self.debaters();
        if let Some(poll) = debate.poll() {
            let result = poll.result();
            ensure(
                (result.yes.votes + result.no.votes) as usize == poll.voters(),
                "the poll counts every vote once",
            )?;
            return ensure(
                result.yes.weight >= 0.0 && result.no.weight >= 0.0,
                "weights are never negative",
            );
        }
        let Some(turn) = debate.turn() else {
            return ensure(debaters.is_empty(), "a debater always has a turn to go to");
        };
        ensure(
            debaters.contains(&(turn.wallet.clone(), turn.side)),
            "a turn names a current debater of its side",
        )?;
        ensure(turn.ends_at > turn.started_at, "a turn has a length")?;
        let live = debaters
            .iter()
            .filter(|(w, _)| self.is_muted(w) == Ok(false))
            .count();
        let others_live = debaters
            .iter()
            .any(|(w, _)| *w != turn.wallet && self.is_muted(w) == Ok(false));
        ensure(
            debate.floor_open() || (live <= 1 && !others_live),
            "at most the turn's debater is live while the floor is closed",
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
