//! Rooms bigger than one worker: past `fanout_listeners_per_router`
//! listeners on a router, new listeners' receive transports go to a router
//! on another worker, and the speakers' producers they consume are piped
//! there with `pipe_producer_to_router` (mediasoup's own fan-out). A pipe
//! lives as long as its producer. Listeners cannot tell the difference.

use mediasoup::prelude::*;

use super::live_room::{Inner, LiveRoom};
use crate::error::ApiError;
use crate::media::{MediaError, WorkerSlot};
use crate::protocol::Direction;

/// A router of a room beside its main one.
pub struct Fanout {
    /// The router.
    pub router: Router,
    /// Its worker.
    pub slot: WorkerSlot,
}

impl Inner {
    /// Listeners with a receive transport on router `place` (None: the main one).
    fn listeners_on(&self, place: Option<usize>) -> usize {
        self.members
            .values()
            .filter(|m| m.media.fanout == place && m.media.has_direction(Direction::Recv))
            .count()
    }
}

impl LiveRoom {
    /// Where a new receive transport goes: `None` for the main router, or
    /// the index of a fan-out router (created when all are full).
    pub(super) async fn recv_placement(&self) -> Result<Option<usize>, ApiError> {
        let limit = self.fanout_threshold;
        if limit == 0 {
            return Ok(None);
        }
        let _serial = self.fanout_lock.lock().await;
        let (used, open) = {
            let inner = self.lock();
            if inner.listeners_on(None) < limit {
                return Ok(None);
            }
            let open = (0..inner.fanouts.len()).find(|i| inner.listeners_on(Some(*i)) < limit);
            let mut used = vec![self.slot.worker.id()];
            used.extend(inner.fanouts.iter().map(|f| f.slot.worker.id()));
            (used, open)
        };
        if open.is_some() {
            return Ok(open);
        }
        let Some(slot) = self.pool.pick_except(&used) else {
            return Ok(None);
        };
        let router = self.pool.create_router(&slot).await?;
        tracing::info!(room = %self.id, worker = slot.index, "fan-out router added");
        let mut inner = self.lock();
        inner.fanouts.push(Fanout { router, slot });
        Ok(Some(inner.fanouts.len() - 1))
    }

    /// The router and worker of placement `place`.
    pub(super) fn placed(&self, place: Option<usize>) -> (Router, WorkerSlot) {
        match place.and_then(|i| {
            self.lock()
                .fanouts
                .get(i)
                .map(|f| (f.router.clone(), f.slot.clone()))
        }) {
            Some(found) => found,
            None => (self.router.clone(), self.slot.clone()),
        }
    }

    /// Makes `producer` consumable on placement `place`, piping it there once.
    pub(super) async fn ensure_piped(
        &self,
        place: Option<usize>,
        producer: ProducerId,
    ) -> Result<(), ApiError> {
        let Some(index) = place else { return Ok(()) };
        let _serial = self.fanout_lock.lock().await;
        let target = {
            let inner = self.lock();
            if inner.piped.contains(&(index, producer)) {
                return Ok(());
            }
            inner.fanouts[index].router.clone()
        };
        self.router
            .pipe_producer_to_router(producer, PipeToRouterOptions::new(target))
            .await
            .map_err(|e| ApiError::from(MediaError::Worker(format!("pipe to router: {e}"))))?;
        self.lock().piped.insert((index, producer));
        Ok(())
    }
}
