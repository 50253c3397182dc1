//! What can go wrong with each operation of the hub, as types: one enum per
//! kind of operation, each wrapping its causes as sources (the rules'
//! `RoomError`, mediasoup's `RequestError` inside `MediaError`, the
//! registry's error). They become the wire's `ApiError` here, exactly once,
//! at the edge (http and signaling call `ApiError::from`), with the same
//! codes and messages the contract documents; internal faults are logged
//! here, once, with their cause, and never shown to clients.

use crate::error::{ApiError, ErrorCode};
use crate::media::MediaError;
use crate::registry::{RegistryError, RoomOwner};
use crate::rooms::{DebateError, RoomError, VoteError};

/// The room's task has ended (closed, destroyed, its worker died): whoever
/// held its handle retries the join or is no longer in a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the room is closed")]
pub struct RoomGone;

/// Why a join (`voice:join`) or a reservation (`POST /api/voice/join`) failed.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    /// At most one join per second per wallet.
    #[error("at most one join per second per wallet")]
    RateLimited,
    /// The socket is in a room already.
    #[error("this connection is in a room already; leave first")]
    AlreadyInRoom,
    /// The room kept closing under the join (three tries).
    #[error("the room is being recreated; try again")]
    Recreating,
    /// The node shuts down and takes no new room.
    #[error("this node is shutting down; join again to be placed elsewhere")]
    Draining,
    /// Every node is at its CPU threshold.
    #[error("every node is at capacity; try again later")]
    NoCapacity,
    /// Another node owns the room.
    #[error("this room runs on node {}", .0.node_id)]
    WrongNode(RoomOwner),
    /// The room's rules refused.
    #[error(transparent)]
    Rules(#[from] RoomError),
    /// The room's router could not be made.
    #[error("cannot start the room's media")]
    Media(#[source] MediaError),
    /// The registry did not answer.
    #[error("room registry")]
    Registry(#[source] RegistryError),
}

impl From<MediaError> for JoinError {
    fn from(e: MediaError) -> Self {
        Self::Media(e)
    }
}

impl From<RegistryError> for JoinError {
    fn from(e: RegistryError) -> Self {
        Self::Registry(e)
    }
}

/// Why a member's media or in-room request (transports, produce, consume,
/// mute, hands) failed.
#[derive(Debug, thiserror::Error)]
pub enum MediaOpError {
    /// The session is not (or no longer) a member: kicked, replaced, or
    /// never joined.
    #[error("join a room first")]
    NotJoined,
    /// The wallet is not a member of the room (REST, or a race).
    #[error("not in this room")]
    NotInRoom,
    /// No room of that market runs on this node (REST).
    #[error("no running room for this market (or you are not in it)")]
    NoRoom,
    /// Another node owns the room (REST: the call goes there).
    #[error("this room runs on node {}", .0.node_id)]
    Elsewhere(RoomOwner),
    /// The registry did not answer where the room is.
    #[error("room registry")]
    Registry(#[from] RegistryError),
    /// No such transport, producer or consumer (the message says which).
    #[error("{0}")]
    NotFound(String),
    /// A malformed use (a transport of the wrong direction).
    #[error("{0}")]
    BadRequest(String),
    /// The request conflicts with what exists.
    #[error("{0}")]
    Conflict(&'static str),
    /// The room's rules refused.
    #[error(transparent)]
    Rules(#[from] RoomError),
    /// mediasoup refused or failed.
    #[error(transparent)]
    Media(#[from] MediaError),
}

impl From<RoomGone> for MediaOpError {
    fn from(_: RoomGone) -> Self {
        Self::NotJoined
    }
}

/// Why a founder's moderation failed.
#[derive(Debug, thiserror::Error)]
pub enum ModerateError {
    /// The action needs a `targetWallet`.
    #[error("`targetWallet` is required for this action")]
    MissingTarget,
    /// Only the market's founder moderates.
    #[error("only the market's founder may moderate")]
    NotFounder,
    /// No node runs the room.
    #[error("no running room for this market")]
    NoRoom,
    /// Another node owns the room (REST: the call goes there).
    #[error("this room runs on node {}", .0.node_id)]
    Elsewhere(RoomOwner),
    /// The room's rules refused.
    #[error(transparent)]
    Rules(#[from] RoomError),
    /// Muting a producer failed in mediasoup.
    #[error(transparent)]
    Media(#[from] MediaError),
    /// The registry did not answer.
    #[error("room registry")]
    Registry(#[source] RegistryError),
}

impl From<RegistryError> for ModerateError {
    fn from(e: RegistryError) -> Self {
        Self::Registry(e)
    }
}

impl From<RoomGone> for ModerateError {
    fn from(_: RoomGone) -> Self {
        Self::NoRoom
    }
}

/// Why a settings change failed.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// No room of that market runs on this node.
    #[error("no running room for this market (or you are not in it)")]
    NoRoom,
    /// Another node owns the room (REST: the call goes there).
    #[error("this room runs on node {}", .0.node_id)]
    Elsewhere(RoomOwner),
    /// The room's rules refused (not the founder, values out of range).
    #[error(transparent)]
    Rules(#[from] RoomError),
    /// The registry did not answer where the room is.
    #[error("room registry")]
    Registry(#[from] RegistryError),
}

impl From<RoomGone> for SettingsError {
    fn from(_: RoomGone) -> Self {
        Self::NoRoom
    }
}

/// Why a debate command (`voice:debate`, `POST /api/voice/debate`) or a
/// vote (`voice:debate_vote`) failed.
#[derive(Debug, thiserror::Error)]
pub enum DebateOpError {
    /// No room of that market runs on this node.
    #[error("no running room for this market")]
    NoRoom,
    /// The session is not (or no longer) a member (a vote).
    #[error("join a room first")]
    NotJoined,
    /// Another node owns the room (REST: the call goes there).
    #[error("this room runs on node {}", .0.node_id)]
    Elsewhere(RoomOwner),
    /// The room's rules refused the command.
    #[error(transparent)]
    Rules(#[from] DebateError),
    /// The room's rules refused the vote.
    #[error(transparent)]
    Vote(#[from] VoteError),
    /// Pausing or resuming a debater's producer failed in mediasoup.
    #[error(transparent)]
    Media(#[from] MediaError),
    /// The registry did not answer where the room is.
    #[error("room registry")]
    Registry(#[from] RegistryError),
}

impl From<RoomGone> for DebateOpError {
    fn from(_: RoomGone) -> Self {
        Self::NoRoom
    }
}

/// Why `POST /api/voice/leave` or a report found nobody.
#[derive(Debug, thiserror::Error)]
pub enum LeaveError {
    /// The wallet is in no room of that market on this node.
    #[error("not in this room")]
    NotInRoom,
    /// Another node owns the room (the call goes there).
    #[error("this room runs on node {}", .0.node_id)]
    Elsewhere(RoomOwner),
    /// The registry did not answer where the room is.
    #[error("room registry")]
    Registry(#[from] RegistryError),
}

/// Why a read of a room (participants, preview, stats) is not answered
/// here.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Another node owns the room: it answers (the call goes there).
    #[error("this room runs on node {}", .0.node_id)]
    Elsewhere(RoomOwner),
    /// The registry did not answer where the room is.
    #[error("room registry")]
    Registry(#[from] RegistryError),
}

/// An operation's error that may mean "another node owns this room": the
/// REST edge then passes the call to that node and answers what it
/// answers (`http::forward`), so every node answers as the owner would.
pub trait OwnedElsewhere {
    /// The room's owner, when that is why the operation failed here.
    fn elsewhere(&self) -> Option<&RoomOwner>;
}

impl OwnedElsewhere for JoinError {
    fn elsewhere(&self) -> Option<&RoomOwner> {
        match self {
            Self::WrongNode(owner) => Some(owner),
            _ => None,
        }
    }
}

/// `OwnedElsewhere` for operation errors whose `Elsewhere` variant says so.
macro_rules! owned_elsewhere {
    ($($error:ty),+) => {$(
        impl OwnedElsewhere for $error {
            fn elsewhere(&self) -> Option<&RoomOwner> {
                match self {
                    Self::Elsewhere(owner) => Some(owner),
                    _ => None,
                }
            }
        }
    )+};
}

owned_elsewhere!(
    MediaOpError,
    ModerateError,
    SettingsError,
    DebateOpError,
    LeaveError,
    ReadError
);

/// An internal fault: logged once, here, with its chain of causes; clients
/// get the generic message.
fn internal(op: &'static str, e: &(dyn std::error::Error + 'static)) -> ApiError {
    let mut causes = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        causes.push(s.to_string());
        source = s.source();
    }
    tracing::error!(op, error = %e, causes = ?causes, "internal error");
    ApiError::new(ErrorCode::Internal, "internal server error")
}

/// A media failure on the wire: capacity, the client's mistake, or an
/// internal fault (logged, never shown).
impl From<MediaError> for ApiError {
    fn from(e: MediaError) -> Self {
        match e {
            MediaError::NoWorker | MediaError::NoPorts => {
                ApiError::new(ErrorCode::Capacity, e.to_string())
            }
            MediaError::Worker(_) | MediaError::Request { .. } | MediaError::Shared(_) => {
                internal("media", &e)
            }
            MediaError::BadRtpParameters(_) | MediaError::BadDtlsParameters(_) => {
                ApiError::bad_request(e.to_string())
            }
            MediaError::CannotConsume(_) => ApiError::new(ErrorCode::CannotConsume, e.to_string()),
        }
    }
}

/// `WRONG_NODE` pointing at `owner`.
fn wrong_node(owner: &RoomOwner) -> ApiError {
    ApiError::new(
        ErrorCode::WrongNode,
        format!("this room runs on node {}", owner.node_id),
    )
    .with_worker_url(owner.ws_url.clone())
}

impl From<JoinError> for ApiError {
    fn from(e: JoinError) -> Self {
        match e {
            JoinError::RateLimited => ApiError::new(ErrorCode::RateLimited, e.to_string()),
            JoinError::AlreadyInRoom => ApiError::new(ErrorCode::Conflict, e.to_string()),
            JoinError::Recreating | JoinError::Draining | JoinError::NoCapacity => {
                ApiError::new(ErrorCode::Capacity, e.to_string())
            }
            JoinError::WrongNode(owner) => wrong_node(&owner),
            JoinError::Rules(e) => e.into(),
            JoinError::Media(e) => e.into(),
            JoinError::Registry(e) => e.into(),
        }
    }
}

impl From<MediaOpError> for ApiError {
    fn from(e: MediaOpError) -> Self {
        match e {
            MediaOpError::NotJoined | MediaOpError::NotInRoom | MediaOpError::NoRoom => {
                ApiError::new(ErrorCode::NotInRoom, e.to_string())
            }
            MediaOpError::NotFound(message) => ApiError::not_found(message),
            MediaOpError::BadRequest(message) => ApiError::bad_request(message),
            MediaOpError::Conflict(message) => ApiError::new(ErrorCode::Conflict, message),
            MediaOpError::Elsewhere(owner) => wrong_node(&owner),
            MediaOpError::Registry(e) => e.into(),
            MediaOpError::Rules(e) => e.into(),
            MediaOpError::Media(e) => e.into(),
        }
    }
}

impl From<ModerateError> for ApiError {
    fn from(e: ModerateError) -> Self {
        match e {
            ModerateError::MissingTarget => ApiError::bad_request(e.to_string()),
            ModerateError::NotFounder => ApiError::forbidden(e.to_string()),
            ModerateError::NoRoom => ApiError::not_found(e.to_string()),
            ModerateError::Elsewhere(owner) => wrong_node(&owner),
            ModerateError::Rules(e) => e.into(),
            ModerateError::Media(e) => e.into(),
            ModerateError::Registry(e) => e.into(),
        }
    }
}

impl From<SettingsError> for ApiError {
    fn from(e: SettingsError) -> Self {
        match e {
            SettingsError::NoRoom => ApiError::not_found(e.to_string()),
            SettingsError::Elsewhere(owner) => wrong_node(&owner),
            SettingsError::Rules(e) => e.into(),
            SettingsError::Registry(e) => e.into(),
        }
    }
}

impl From<DebateOpError> for ApiError {
    fn from(e: DebateOpError) -> Self {
        match e {
            DebateOpError::NoRoom => ApiError::not_found(e.to_string()),
            DebateOpError::NotJoined => ApiError::new(ErrorCode::NotInRoom, e.to_string()),
            DebateOpError::Elsewhere(owner) => wrong_node(&owner),
            DebateOpError::Rules(e) => e.into(),
            DebateOpError::Vote(e) => e.into(),
            DebateOpError::Media(e) => e.into(),
            DebateOpError::Registry(e) => e.into(),
        }
    }
}

impl From<LeaveError> for ApiError {
    fn from(e: LeaveError) -> Self {
        match e {
            LeaveError::NotInRoom => ApiError::new(ErrorCode::NotInRoom, e.to_string()),
            LeaveError::Elsewhere(owner) => wrong_node(&owner),
            LeaveError::Registry(e) => e.into(),
        }
    }
}

impl From<ReadError> for ApiError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Elsewhere(owner) => wrong_node(&owner),
            ReadError::Registry(e) => e.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_operation_keeps_the_wire_codes_and_messages() {
        let e = ApiError::from(MediaOpError::NotJoined);
        assert_eq!(
            (e.code, e.message.as_str()),
            (ErrorCode::NotInRoom, "join a room first")
        );
        let e = ApiError::from(SettingsError::NoRoom);
        assert_eq!(e.code, ErrorCode::NotFound);
        let e = ApiError::from(ModerateError::NotFounder);
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                ErrorCode::Forbidden,
                "only the market's founder may moderate"
            )
        );
        let e = ApiError::from(JoinError::Recreating);
        assert_eq!(e.code, ErrorCode::Capacity);
        let owner = RoomOwner {
            node_id: "b".into(),
            worker_id: String::new(),
            ws_url: "ws://b/ws".into(),
            http_url: "http://b".into(),
        };
        let e = ApiError::from(JoinError::WrongNode(owner.clone()));
        assert_eq!(e.code, ErrorCode::WrongNode);
        assert_eq!(e.worker_url.as_deref(), Some("ws://b/ws"));
        let elsewhere = SettingsError::Elsewhere(owner.clone());
        assert_eq!(elsewhere.elsewhere(), Some(&owner), "REST forwards it");
        assert_eq!(ApiError::from(elsewhere).code, ErrorCode::WrongNode);
        assert_eq!(ModerateError::NoRoom.elsewhere(), None);
    }
}
