//! The room's task: the one owner of a running room. It creates the room's
//! router and observers, then loops over
//!
//! - requests from [`RoomHandle`](super::RoomHandle)s (a bounded queue),
//! - the commits of its child futures (the slow mediasoup calls it started:
//!   transports, produce, consume, pipes, ICE restarts, ...), so a long call
//!   never holds up other requests,
//! - the observers' findings (a bounded queue their handlers `try_send` to),
//! - its timers (the audible set's expiry, invitations to speak that
//!   lapse, a debate's turn and poll, an empty room's destruction),
//! - the order to close (or a host ending the room),
//!
//! and after each step publishes a [`RoomSnapshot`] for synchronous readers.
//! Every mediasoup object of the room is created and dropped here, and no
//! lock of ours is ever held around it.

use std::time::{Duration, Instant};

use futures_util::future::{join_all, try_join_all, BoxFuture};
use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, StreamExt};
use mediasoup::prelude::*;
use tokio::sync::{mpsc, oneshot, watch};

use super::messages::{Closed, RoomMsg, RoomSnapshot, StreamQuality};
use super::speaking::Observers;
use super::state::{Child, Commit, LoadGuard, RoomState};
use crate::media::{MediaError, WorkerPool, WorkerSlot};
use crate::protocol::{event, ServerEvent};
use crate::rooms::Room;
use crate::server_api::WebhookEventType;
use crate::store::Recorder;

/// Longest wait, when the room closes, for its producers to leave the
/// observers before the router goes.
const RETIRE_WAIT: Duration = Duration::from_secs(5);

/// What a room starts from.
pub struct RoomSetup {
    /// The rules state (settings restored, founder known).
    pub rules: Room,
    /// The worker its router goes on.
    pub slot: WorkerSlot,
    /// The pool, for fan-out routers.
    pub pool: std::sync::Arc<WorkerPool>,
    /// Listeners per router before fan-out (0: never).
    pub fanout_threshold: usize,
    /// The store's write path.
    pub recorder: Recorder,
}

/// The task's inputs.
pub(super) struct Inputs {
    pub(super) requests: mpsc::Receiver<RoomMsg>,
    pub(super) close: watch::Receiver<Option<&'static str>>,
    pub(super) snapshot: watch::Sender<RoomSnapshot>,
    pub(super) ready: oneshot::Sender<Result<RtpCapabilitiesFinalized, MediaError>>,
}

/// Runs the room until it closes; returns who was still in it.
pub(super) async fn run(setup: RoomSetup, inputs: Inputs) -> Closed {
    let Inputs {
        mut requests,
        mut close,
        snapshot,
        ready,
    } = inputs;
    let media = async {
        let router = setup.pool.create_router(&setup.slot).await?;
        let (observers, findings) = Observers::create(&router).await?;
        Ok::<_, MediaError>((router, observers, findings))
    };
    let (router, observers, mut findings) = match media.await {
        Ok(media) => media,
        Err(e) => {
            let _ = ready.send(Err(e));
            return Closed {
                reason: "not_started",
                members: Vec::new(),
            };
        }
    };
    let _room_load = LoadGuard::new(&setup.slot.rooms);
    crate::telemetry::room_created();
    let _ = ready.send(Ok(router.rtp_capabilities().clone()));
    let mut state = RoomState::new(
        setup.rules,
        router,
        setup.slot,
        setup.pool,
        setup.fanout_threshold,
        observers,
        setup.recorder,
    );
    let mut children: FuturesUnordered<Child> = FuturesUnordered::new();
    let mut retiring: FuturesUnordered<BoxFuture<'static, ()>> = FuturesUnordered::new();
    let mut expiry: Option<Instant> = None;
    let mut invitations: Option<Instant> = None;

    let reason = loop {
        if let Some(reason) = state.ending {
            break reason;
        }
        children.extend(state.tick_debate().map(unwinding));
        for producer in state.retiring.drain(..) {
            retiring.push(producer.retire().boxed());
        }
        snapshot.send_if_modified(|current| {
            let now = state.snapshot();
            let changed = *current != now;
            *current = now;
            changed
        });
        tokio::select! {
            biased;
            changed = close.changed() => {
                break match changed {
                    Ok(()) => close.borrow().unwrap_or("closed"),
                    Err(_) => "dropped",
                };
            }
            Some(commit) = children.next(), if !children.is_empty() => commit(&mut state),
            Some(()) = retiring.next(), if !retiring.is_empty() => {}
            request = requests.recv() => match request {
                Some(request) => {
                    children.extend(handle(&mut state, request).map(unwinding));
                    invitations = state.next_invitation_expiry();
                }
                None => break "dropped",
            },
            Some(finding) = findings.recv() => {
                state.apply_finding(finding);
                expiry = state.expire_audible(Instant::now());
            }
            () = sleep_until(expiry) => expiry = state.expire_audible(Instant::now()),
            () = sleep_until(invitations) => invitations = state.expire_invitations(),
            () = sleep_until(state.debate_wake()) => {}
            () = sleep_until(state.destroy_at.map(tokio::time::Instant::into_std)) => {
                if state.destroy_due() {
                    break "idle";
                }
            }
        }
    };

    requests.close();
    let frame = event(&ServerEvent::RoomClosed {
        reason: reason.into(),
    });
    let members = state.close(&frame, reason);
    // Calls still running are cancelled; what they made is dropped here.
    drop(children);
    for producer in state.retiring.drain(..) {
        retiring.push(producer.retire().boxed());
    }
    let retired = async { while retiring.next().await.is_some() {} };
    if tokio::time::timeout(RETIRE_WAIT, retired).await.is_err() {
        tracing::warn!(room = %state.id, "producers not retired in time; closing the router");
    }
    snapshot.send_replace(state.snapshot());
    let lived = (chrono::Utc::now() - state.rules.created_at())
        .to_std()
        .unwrap_or_default();
    crate::telemetry::room_destroyed(lived);
    state.recorder.webhook(
        &state.id,
        WebhookEventType::RoomEnded {
            reason: reason.into(),
        },
    );
    // The fan-out routers, the observers and the router go last, here.
    drop(state);
    Closed { reason, members }
}

/// Handles one request: answered now, or by the commit of the child
/// future returned.
fn handle(state: &mut RoomState, request: RoomMsg) -> Option<Child> {
    match request {
        RoomMsg::Admit {
            wallet,
            profile,
            standing,
            outbox,
            reply,
        } => {
            let _ = reply.send(state.admit(&wallet, profile, &standing, outbox));
        }
        RoomMsg::Reserve {
            wallet,
            profile,
            standing,
            reply,
        } => {
            let _ = reply.send(state.reserve(&wallet, profile, &standing));
        }
        RoomMsg::Remove {
            wallet,
            session,
            close_reason,
            reply,
        } => {
            let departed = state.remove(&wallet, session).map(|(departed, outbox)| {
                if let Some(reason) = close_reason {
                    let frame = event(&ServerEvent::RoomClosed {
                        reason: reason.into(),
                    });
                    outbox.close(frame, reason);
                }
                departed
            });
            let _ = reply.send(departed);
        }
        RoomMsg::HasReservation { wallet, reply } => {
            let _ = reply.send(state.has_reservation(&wallet));
        }
        RoomMsg::IsParticipant { wallet, reply } => {
            let _ = reply.send(state.rules.get(&wallet).is_some());
        }
        RoomMsg::Participants { reply } => {
            let _ = reply.send(state.rules.views());
        }
        RoomMsg::SpeakerQueue { reply } => {
            let _ = reply.send(state.rules.speaker_queue());
        }
        RoomMsg::Member {
            wallet,
            session,
            op,
        } => return state.member_op(&wallet, session, op),
        RoomMsg::Moderate {
            actor,
            action,
            target,
            reply,
        } => return state.moderate(&actor, action, target.as_ref(), reply),
        RoomMsg::UpdateSettings {
            actor,
            patch,
            reply,
        } => {
            let _ = reply.send(state.update_settings(&actor, &patch));
        }
        RoomMsg::Debate {
            actor,
            command,
            reply,
        } => return state.debate(&actor, command, reply),
        RoomMsg::DebateVote {
            wallet,
            session,
            side,
            reply,
        } => {
            let _ = reply.send(state.debate_vote(&wallet, session, side));
        }
        RoomMsg::Dumps { reply } => {
            let routers = state.routers();
            return Some(
                async move {
                    let dumps = try_join_all(routers.iter().map(Router::dump))
                        .await
                        .map_err(MediaError::request("dump router"));
                    Box::new(move |_: &mut RoomState| {
                        let _ = reply.send(dumps);
                    }) as Commit
                }
                .boxed(),
            );
        }
        RoomMsg::Quality { budget, reply } => return Some(quality(state, budget, reply)),
        #[cfg(test)]
        RoomMsg::Test(probe) => return probe(state),
    }
    None
}

/// Reads the stats of up to `budget` of the room's streams, producers
/// first (a child: stats are worker requests).
fn quality(state: &RoomState, budget: usize, reply: oneshot::Sender<Vec<StreamQuality>>) -> Child {
    let producers: Vec<Producer> = state
        .members
        .values()
        .filter_map(|m| m.media.producer.as_deref().cloned())
        .take(budget)
        .collect();
    let consumers: Vec<Consumer> = state
        .members
        .values()
        .flat_map(|m| m.media.consumers.values().cloned())
        .take(budget.saturating_sub(producers.len()))
        .collect();
    async move {
        let mut found = Vec::new();
        for stats in join_all(producers.iter().map(Producer::get_stats)).await {
            for s in stats.into_iter().flatten() {
                found.push(StreamQuality {
                    fraction_lost: s.fraction_lost,
                    round_trip_ms: s.round_trip_time,
                });
            }
        }
        for stats in join_all(consumers.iter().map(Consumer::get_stats))
            .await
            .into_iter()
            .flatten()
        {
            let s = stats.consumer_stats();
            found.push(StreamQuality {
                fraction_lost: s.fraction_lost,
                round_trip_ms: s.round_trip_time,
            });
        }
        Box::new(move |_: &mut RoomState| {
            let _ = reply.send(found);
        }) as Commit
    }
    .boxed()
}

/// `child`, whose panic (a bug, in mediasoup or here) is logged and ends
/// only that call, not the room: its commit is skipped, and its caller,
/// whose answer was dropped, gets `INTERNAL` (`RoomHandle::member`).
fn unwinding(child: Child) -> Child {
    std::panic::AssertUnwindSafe(child)
        .catch_unwind()
        .map(|done| {
            done.unwrap_or_else(|_| {
                tracing::error!("a room's media call panicked");
                Box::new(|_: &mut RoomState| {}) as Commit
            })
        })
        .boxed()
}

/// Sleeps until `at`, or forever without one.
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}
