//! The `data` of each client request, as `decode` reads it. TypeScript
//! clients get the same shapes (`clients/js/src/wire/`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::command::{Direction, ModerationAction};
use super::ids::{ConsumerId, ProducerId, TransportId};
use super::media_json::{DtlsParameters, MediaKind, RtpCapabilities, RtpParameters};
use crate::error::ApiError;
use crate::rooms::{
    DebateCommand, DebateSide, DEFAULT_TURN_SECONDS, MAX_TURN_SECONDS, MIN_TURN_SECONDS,
};

/// `voice:join`.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JoinRequest {
    /// The market (= room) to join: a base58 Solana address.
    pub market_address: String,
}

/// `createTransport`.
#[derive(Debug, Deserialize, TS)]
pub struct CreateTransportRequest {
    /// `send` (speakers only) or `recv`.
    pub direction: Direction,
}

/// `connectTransport`.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectTransportRequest {
    /// The transport.
    pub transport_id: TransportId,
    /// The client's DTLS role and fingerprints.
    #[ts(type = "import('mediasoup-client').types.DtlsParameters")]
    pub dtls_parameters: DtlsParameters,
}

/// `produce`: audio only.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProduceRequest {
    /// The send transport.
    pub transport_id: TransportId,
    /// Must be `audio`.
    #[ts(type = "import('mediasoup-client').types.MediaKind")]
    pub kind: MediaKind,
    /// The client's RTP parameters.
    #[ts(type = "import('mediasoup-client').types.RtpParameters")]
    pub rtp_parameters: RtpParameters,
}

/// `consume`.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConsumeRequest {
    /// The receive transport.
    pub transport_id: TransportId,
    /// The producer to receive.
    pub producer_id: ProducerId,
    /// The client device's capabilities.
    #[ts(type = "import('mediasoup-client').types.RtpCapabilities")]
    pub rtp_capabilities: RtpCapabilities,
}

/// `resumeConsumer` and `pauseConsumer`.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerRequest {
    /// The consumer.
    pub consumer_id: ConsumerId,
}

/// `restartIce`.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TransportRequest {
    /// The transport.
    pub transport_id: TransportId,
}

/// `closeProducer`.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProducerRequest {
    /// One's own producer.
    pub producer_id: ProducerId,
}

/// `voice:mute`.
#[derive(Debug, Deserialize, TS)]
pub struct MuteRequest {
    /// Muted or live.
    pub muted: bool,
}

/// `voice:moderate` (the founder, the host and co-hosts).
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModerateRequest {
    /// What to do.
    pub action: ModerationAction,
    /// To whom: required by all but `mute_all`, `end_room` and
    /// `clear_reservations`.
    #[ts(optional)]
    pub target_wallet: Option<String>,
}

/// What a host asks of a debate (`voice:debate`, `POST /api/voice/debate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DebateAction {
    /// Start a debate (`turnSeconds` 15..=600, default 90).
    Start,
    /// End the current turn early and give the next.
    Next,
    /// End the turns and open the poll for 30 s.
    End,
    /// Lift the turn's pauses: every debater may unmute.
    OpenFloor,
    /// Pause every debater but the turn's again.
    CloseFloor,
    /// Close the poll early.
    ClosePoll,
}

/// `voice:debate` (the host: the founder or a co-host).
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DebateRequest {
    /// What to do.
    pub action: DebateAction,
    /// With `start` only: each turn's length in seconds, 15..=600
    /// (default 90).
    #[ts(optional)]
    pub turn_seconds: Option<u32>,
}

impl DebateAction {
    /// The command, with `turn_seconds` checked: `BAD_REQUEST` out of
    /// range, or given with another action than `start`.
    pub fn command(self, turn_seconds: Option<u32>) -> Result<DebateCommand, ApiError> {
        if self != Self::Start && turn_seconds.is_some() {
            return Err(ApiError::bad_request(
                "`turnSeconds` goes with the `start` action only",
            ));
        }
        Ok(match self {
            Self::Start => {
                let turn_seconds = turn_seconds.unwrap_or(DEFAULT_TURN_SECONDS);
                if !(MIN_TURN_SECONDS..=MAX_TURN_SECONDS).contains(&turn_seconds) {
                    return Err(ApiError::bad_request(format!(
                        "`turnSeconds` must be {MIN_TURN_SECONDS}..={MAX_TURN_SECONDS}"
                    )));
                }
                DebateCommand::Start { turn_seconds }
            }
            Self::Next => DebateCommand::Next,
            Self::End => DebateCommand::End,
            Self::OpenFloor => DebateCommand::OpenFloor,
            Self::CloseFloor => DebateCommand::CloseFloor,
            Self::ClosePoll => DebateCommand::ClosePoll,
        })
    }
}

/// `voice:debate_vote`: which side argued better (while the poll is open).
#[derive(Debug, Deserialize, TS)]
pub struct DebateVoteRequest {
    /// `YES` or `NO`.
    pub side: DebateSide,
}
