//! Client frame -> [`Request`], answering every malformed case with the
//! contract's error (never a panic).

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::command::{Command, RoomCommand};
use super::media_json::MediaKind;
use super::requests::{
    ConnectTransportRequest, ConsumeRequest, ConsumerRequest, CreateTransportRequest,
    DebateRequest, DebateVoteRequest, JoinRequest, ModerateRequest, MuteRequest, ProduceRequest,
    ProducerRequest, TransportRequest,
};
use crate::address::Address;
use crate::error::ApiError;

/// A decoded request: its id (echoed in the reply) and command.
#[derive(Debug, Clone)]
pub struct Request {
    /// The client's request id (a number or a string).
    pub id: Value,
    /// What the client asks for.
    pub command: Command,
}

/// A frame that could not be decoded: the id to answer (`null` when none
/// could be read) and the error.
#[derive(Debug, Clone)]
pub struct DecodeError {
    /// The id to echo.
    pub id: Value,
    /// `BAD_REQUEST` or `INVALID_ADDRESS`.
    pub error: ApiError,
}

/// Decodes one text frame.
pub fn decode(text: &str) -> Result<Request, Box<DecodeError>> {
    let frame: Value = serde_json::from_str(text).map_err(|e| DecodeError {
        id: Value::Null,
        error: ApiError::bad_request(format!("malformed JSON: {e}")),
    })?;
    let Value::Object(mut frame) = frame else {
        return Err(Box::new(DecodeError {
            id: Value::Null,
            error: ApiError::bad_request("a request is a JSON object"),
        }));
    };
    let id = match frame.remove("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id,
        _ => {
            return Err(Box::new(DecodeError {
                id: Value::Null,
                error: ApiError::bad_request("`id` must be a number or a string"),
            }))
        }
    };
    let fail = |error: ApiError| DecodeError {
        id: id.clone(),
        error,
    };
    let method = match frame.remove("method") {
        Some(Value::String(m)) => m,
        _ => return Err(fail(ApiError::bad_request("`method` must be a string")).into()),
    };
    let data = match frame.remove("data") {
        None | Some(Value::Null) => Value::Object(Default::default()),
        Some(data @ Value::Object(_)) => data,
        Some(_) => return Err(fail(ApiError::bad_request("`data` must be an object")).into()),
    };
    let command = command(&method, data).map_err(fail)?;
    Ok(Request { id, command })
}

fn command(method: &str, data: Value) -> Result<Command, ApiError> {
    Ok(match method {
        "voice:join" => {
            let d: JoinRequest = fields(method, data)?;
            Command::Join {
                market: Address::parse(&d.market_address)?,
            }
        }
        "voice:leave" => Command::Leave,
        _ => Command::Room(room_command(method, data)?),
    })
}

fn room_command(method: &str, data: Value) -> Result<RoomCommand, ApiError> {
    Ok(match method {
        "getRouterRtpCapabilities" => RoomCommand::GetRouterRtpCapabilities,
        "createTransport" => {
            let d: CreateTransportRequest = fields(method, data)?;
            RoomCommand::CreateTransport {
                direction: d.direction,
            }
        }
        "connectTransport" => {
            ascii_fingerprints(&data)?;
            let d: ConnectTransportRequest = fields(method, data)?;
            RoomCommand::ConnectTransport {
                transport_id: d.transport_id,
                dtls_parameters: d.dtls_parameters,
            }
        }
        "produce" => {
            let d: ProduceRequest = fields(method, data)?;
            if d.kind != MediaKind::Audio {
                return Err(ApiError::bad_request("only `audio` may be produced"));
            }
            RoomCommand::Produce {
                transport_id: d.transport_id,
                rtp_parameters: d.rtp_parameters,
            }
        }
        "consume" => {
            let d: ConsumeRequest = fields(method, data)?;
            RoomCommand::Consume {
                transport_id: d.transport_id,
                producer_id: d.producer_id,
                rtp_capabilities: d.rtp_capabilities,
            }
        }
        "resumeConsumer" => RoomCommand::ResumeConsumer {
            consumer_id: fields::<ConsumerRequest>(method, data)?.consumer_id,
        },
        "pauseConsumer" => RoomCommand::PauseConsumer {
            consumer_id: fields::<ConsumerRequest>(method, data)?.consumer_id,
        },
        "restartIce" => RoomCommand::RestartIce {
            transport_id: fields::<TransportRequest>(method, data)?.transport_id,
        },
        "closeProducer" => RoomCommand::CloseProducer {
            producer_id: fields::<ProducerRequest>(method, data)?.producer_id,
        },
        "voice:mute" => RoomCommand::Mute {
            muted: fields::<MuteRequest>(method, data)?.muted,
        },
        "voice:raise_hand" => RoomCommand::RaiseHand,
        "voice:lower_hand" => RoomCommand::LowerHand,
        "voice:moderate" => {
            let d: ModerateRequest = fields(method, data)?;
            let target = d.target_wallet.as_deref().map(Address::parse).transpose()?;
            if target.is_none() && d.action.needs_target() {
                return Err(ApiError::bad_request(
                    "`targetWallet` is required for this action",
                ));
            }
            RoomCommand::Moderate {
                action: d.action,
                target,
            }
        }
        "voice:producers" => RoomCommand::Producers,
        "voice:update_settings" => RoomCommand::UpdateSettings(fields(method, data)?),
        "voice:debate" => {
            let d: DebateRequest = fields(method, data)?;
            RoomCommand::Debate(d.action.command(d.turn_seconds)?)
        }
        "voice:debate_vote" => RoomCommand::DebateVote {
            side: fields::<DebateVoteRequest>(method, data)?.side,
        },
        other => return Err(ApiError::bad_request(format!("unknown method {other:?}"))),
    })
}

/// mediasoup 0.12 reads a DTLS fingerprint's hex digits at byte offsets and
/// panics on a value that is not ASCII (found by fuzzing): such a value is
/// refused before it gets there.
fn ascii_fingerprints(data: &Value) -> Result<(), ApiError> {
    let values = data
        .pointer("/dtlsParameters/fingerprints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| f.get("value").and_then(Value::as_str));
    for value in values {
        if !value.is_ascii() {
            return Err(ApiError::bad_request(
                "connectTransport: a DTLS fingerprint value is hex text",
            ));
        }
    }
    Ok(())
}

fn fields<T: DeserializeOwned>(method: &str, data: Value) -> Result<T, ApiError> {
    serde_json::from_value(data).map_err(|e| ApiError::bad_request(format!("{method}: {e}")))
}
