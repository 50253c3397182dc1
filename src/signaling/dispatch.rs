//! What each request does, for one session: through the hub, or through
//! the session's own room handle for its member requests. Errors become
//! the wire's `ApiError` here (the edge), once.

use std::any::Any;
use std::net::IpAddr;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::FutureExt;

use crate::address::Address;
use crate::auth::Credential;
use crate::error::{ApiError, ErrorCode};
use crate::hub::{JoinError, MediaOpError, Outbox, RoomHandle};
use crate::media::wire;
use crate::protocol::{
    error_reply, ok_reply, Command, JoinData, Reply, Request, RoomCommand, RouterCapabilities,
    SettingsReply,
};

use super::SignalingContext;

/// The state of one socket session.
pub struct Session {
    ctx: Arc<SignalingContext>,
    wallet: Address,
    /// The market the token is bound to, and the grants it carries.
    credential: Credential,
    /// The client's address (limits on new rooms).
    client: Option<IpAddr>,
    outbox: Outbox,
    room: Option<RoomHandle>,
}

impl Session {
    /// A session of `credential`'s wallet, from `client`, that has not
    /// joined a room yet.
    pub fn new(
        ctx: Arc<SignalingContext>,
        credential: Credential,
        client: Option<IpAddr>,
        outbox: Outbox,
    ) -> Self {
        Self {
            ctx,
            wallet: credential.wallet.clone(),
            credential,
            client,
            outbox,
            room: None,
        }
    }

    /// Answers one request with its reply frame: exactly one, even when
    /// the handler panics (`INTERNAL`, the panic logged), so the socket
    /// and its session live on.
    pub async fn handle(&mut self, request: Request) -> String {
        let method = request.command.method();
        let started = std::time::Instant::now();
        let result = AssertUnwindSafe(self.execute(request.command))
            .catch_unwind()
            .await
            .unwrap_or_else(|panic| Err(panicked(method, panic.as_ref())));
        let code = result.as_ref().err().map(|e| e.code);
        crate::telemetry::signaling_request(method, code, started.elapsed());
        match result {
            Ok(data) => ok_reply(&request.id, data),
            Err(error) => {
                tracing::debug!(wallet = %self.wallet, method, code = ?error.code, "request refused");
                crate::error_log::refused(&error, method);
                error_reply(&request.id, &error)
            }
        }
    }

    async fn execute(&mut self, command: Command) -> Result<Reply, ApiError> {
        match command {
            Command::Join { market } => {
                self.credential.may_act_in(&market)?;
                self.ctx
                    .may_start_room(&self.wallet, &market, self.client)
                    .await?;
                Ok(self.join(&market).await?.into())
            }
            Command::Leave => {
                self.leave_now().await;
                Ok(().into())
            }
            Command::Room(command) => self.in_room(command).await,
        }
    }

    async fn in_room(&mut self, command: RoomCommand) -> Result<Reply, ApiError> {
        let room = self.room()?;
        let wallet = &self.wallet;
        let session = self.outbox.session();
        let hub = &self.ctx.hub;
        Ok(match command {
            RoomCommand::GetRouterRtpCapabilities => RouterCapabilities(wire::json(
                &room.router_capabilities(wallet, session).await?,
            ))
            .into(),
            RoomCommand::CreateTransport { direction } => room
                .create_transport(wallet, session, direction)
                .await?
                .into(),
            RoomCommand::ConnectTransport {
                transport_id,
                dtls_parameters,
            } => room
                .connect_transport(
                    wallet,
                    session,
                    transport_id,
                    wire::dtls_parameters(&dtls_parameters)?,
                )
                .await?
                .into(),
            RoomCommand::Produce {
                transport_id,
                rtp_parameters,
            } => room
                .produce(
                    wallet,
                    session,
                    transport_id,
                    wire::rtp_parameters(&rtp_parameters)?,
                )
                .await?
                .into(),
            RoomCommand::Consume {
                transport_id,
                producer_id,
                rtp_capabilities,
            } => room
                .consume(
                    wallet,
                    session,
                    transport_id,
                    producer_id,
                    wire::rtp_capabilities(&rtp_capabilities)?,
                )
                .await?
                .into(),
            RoomCommand::ResumeConsumer { consumer_id } => room
                .set_consumer(wallet, session, consumer_id, true)
                .await?
                .into(),
            RoomCommand::PauseConsumer { consumer_id } => room
                .set_consumer(wallet, session, consumer_id, false)
                .await?
                .into(),
            RoomCommand::RestartIce { transport_id } => room
                .restart_ice(wallet, session, transport_id)
                .await?
                .into(),
            RoomCommand::CloseProducer { producer_id } => room
                .close_producer(wallet, session, producer_id)
                .await?
                .into(),
            RoomCommand::Mute { muted } => hub
                .set_muted(&room.id, wallet, Some(session), muted)
                .await?
                .into(),
            RoomCommand::Producers => room.producers(wallet, session).await?.into(),
            RoomCommand::RaiseHand => room.raise_hand(wallet, session).await?.into(),
            RoomCommand::LowerHand => room.lower_hand(wallet, session).await?.into(),
            RoomCommand::Moderate { action, target } => hub
                .moderate(&room.id, wallet, action, target.as_ref())
                .await?
                .into(),
            RoomCommand::React { emoji } => room.react(wallet, session, emoji).await?.into(),
            RoomCommand::InviteResponse { accept } => room
                .respond_to_invite(wallet, session, accept)
                .await?
                .into(),
            RoomCommand::UpdateSettings(patch) => {
                let settings = hub.update_settings(&room.id, wallet, patch).await?;
                SettingsReply { settings }.into()
            }
            RoomCommand::Debate(command) => hub.debate(&room.id, wallet, command).await?.into(),
            RoomCommand::DebateVote { side } => {
                room.debate_vote(wallet, session, side).await?.into()
            }
        })
    }

    /// The session's room, while its task runs (the task checks
    /// membership on every request).
    fn room(&self) -> Result<RoomHandle, MediaOpError> {
        match &self.room {
            Some(room) if !room.is_closed() => Ok(room.clone()),
            _ => Err(MediaOpError::NotJoined),
        }
    }

    async fn join(&mut self, market: &Address) -> Result<JoinData, JoinError> {
        if self.room.as_ref().is_some_and(|r| !r.is_closed()) {
            return Err(JoinError::AlreadyInRoom);
        }
        let (room, admission) = self
            .ctx
            .hub
            .join(
                &self.wallet,
                market,
                self.credential.grants,
                self.outbox.clone(),
            )
            .await?;
        let data = self.ctx.join_data(&room, admission, &self.wallet);
        self.room = Some(room);
        Ok(data)
    }

    /// Leaves the room, if in one, and waits until it is done.
    pub async fn leave_now(&mut self) {
        if let Some(room) = self.room.take() {
            self.ctx
                .hub
                .leave_now(&self.wallet, &room.id, self.outbox.session())
                .await;
        }
    }

    /// Drops the room without leaving (the hub already removed the member).
    pub fn forget_room(&mut self) {
        self.room = None;
    }
}

/// The answer to a request whose handler panicked; the panic's message
/// goes to the log only.
fn panicked(method: &str, panic: &(dyn Any + Send)) -> ApiError {
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    tracing::error!(method, panic = message, "request handler panicked");
    ApiError::new(ErrorCode::Internal, "internal server error")
}

impl Drop for Session {
    /// A session task that ends any way, a panic included, leaves its room
    /// (without waiting): no member stays behind without a socket.
    fn drop(&mut self) {
        if let Some(room) = self.room.take() {
            self.ctx
                .hub
                .leave(&self.wallet, &room.id, self.outbox.session());
        }
    }
}
