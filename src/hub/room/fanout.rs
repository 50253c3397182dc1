//! Rooms bigger than one worker: past `fanout_listeners_per_router`
//! listeners on a router, new listeners' receive transports go to a router
//! on another worker, and the speakers' producers they consume are piped
//! there with `pipe_producer_to_router` (mediasoup's own fan-out). A pipe
//! lives as long as its producer. Listeners cannot tell the difference.
//!
//! Both slow steps (a new fan-out router, a pipe) are shared futures the
//! room's task keeps while they run, so concurrent requests wait for the
//! same one instead of making two (no lock serialises them).

use std::sync::Arc;

use futures_util::future::{BoxFuture, FutureExt, Shared};
use mediasoup::prelude::*;

use crate::media::{MediaError, WorkerPool, WorkerSlot};

/// A router of a room beside its main one.
pub(super) struct Fanout {
    /// The router.
    pub(super) router: Router,
    /// Its worker.
    pub(super) slot: WorkerSlot,
}

/// A fan-out router being made, awaited by every request that needs it.
pub(super) type NewRouter =
    Shared<BoxFuture<'static, Result<(Router, WorkerSlot), Arc<MediaError>>>>;

/// A producer being (or already) piped to a fan-out router.
pub(super) type Pipe = Shared<BoxFuture<'static, Result<(), Arc<MediaError>>>>;

/// Makes a router on `slot`'s worker, shared.
pub(super) fn new_router(pool: Arc<WorkerPool>, slot: WorkerSlot) -> NewRouter {
    async move {
        let router = pool.create_router(&slot).await.map_err(Arc::new)?;
        Ok((router, slot))
    }
    .boxed()
    .shared()
}

/// Pipes `producer` from `main` to `target`, shared. The pipe's two ends
/// live as long as the producer (mediasoup keeps them).
pub(super) fn pipe(main: Router, target: Router, producer: ProducerId) -> Pipe {
    async move {
        main.pipe_producer_to_router(producer, PipeToRouterOptions::new(target))
            .await
            .map(drop)
            .map_err(|e| Arc::new(MediaError::Worker(format!("pipe to router: {e}"))))
    }
    .boxed()
    .shared()
}
