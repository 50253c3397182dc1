//! What each request does, for one session.

use std::sync::Arc;

use crate::address::Address;
use crate::app::App;
use crate::error::{ApiError, ErrorCode};
use crate::hub::{LiveRoom, Outbox};
use crate::media::wire;
use crate::protocol::{
    error_reply, ok_reply, Command, JoinData, Reply, Request, RoomCommand, RouterCapabilities,
    SettingsReply,
};

/// The state of one socket session.
pub struct Session {
    app: Arc<App>,
    wallet: Address,
    outbox: Outbox,
    room: Option<Arc<LiveRoom>>,
}

impl Session {
    /// A session of `wallet` that has not joined a room yet.
    pub fn new(app: Arc<App>, wallet: Address, outbox: Outbox) -> Self {
        Self {
            app,
            wallet,
            outbox,
            room: None,
        }
    }

    /// Answers one request with its reply frame.
    pub async fn handle(&mut self, request: Request) -> String {
        let method = request.command.method();
        let started = std::time::Instant::now();
        let result = self.execute(request.command).await;
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
            Command::Join { market } => self.join(&market).await.map(Reply::from),
            Command::Leave => {
                self.leave();
                Ok(().into())
            }
            Command::Room(command) => self.in_room(command).await,
        }
    }

    async fn in_room(&mut self, command: RoomCommand) -> Result<Reply, ApiError> {
        let room = self.room()?;
        let wallet = &self.wallet;
        Ok(match command {
            RoomCommand::GetRouterRtpCapabilities => {
                RouterCapabilities(wire::json(room.router.rtp_capabilities())).into()
            }
            RoomCommand::CreateTransport { direction } => {
                room.create_transport(wallet, direction).await?.into()
            }
            RoomCommand::ConnectTransport {
                transport_id,
                dtls_parameters,
            } => room
                .connect_transport(
                    wallet,
                    transport_id.as_str(),
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
                    transport_id.as_str(),
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
                    transport_id.as_str(),
                    producer_id.as_str(),
                    wire::rtp_capabilities(&rtp_capabilities)?,
                )
                .await?
                .into(),
            RoomCommand::ResumeConsumer { consumer_id } => room
                .resume_consumer(wallet, consumer_id.as_str())
                .await?
                .into(),
            RoomCommand::PauseConsumer { consumer_id } => room
                .pause_consumer(wallet, consumer_id.as_str())
                .await?
                .into(),
            RoomCommand::RestartIce { transport_id } => room
                .restart_ice(wallet, transport_id.as_str())
                .await?
                .into(),
            RoomCommand::CloseProducer { producer_id } => {
                room.close_producer(wallet, producer_id.as_str())?.into()
            }
            RoomCommand::Mute { muted } => room.set_muted(wallet, muted).await?.into(),
            RoomCommand::Producers => room.producers(wallet)?.into(),
            RoomCommand::RaiseHand => room.raise_hand(wallet)?.into(),
            RoomCommand::LowerHand => room.lower_hand(wallet)?.into(),
            RoomCommand::Moderate { action, target } => self
                .app
                .hub
                .moderate(&room.id, wallet, action, target.as_ref())
                .await?
                .into(),
            RoomCommand::UpdateSettings(patch) => {
                let settings = room.update_settings(wallet, &patch)?;
                SettingsReply { settings }.into()
            }
        })
    }

    fn room(&self) -> Result<Arc<LiveRoom>, ApiError> {
        match &self.room {
            Some(room) if room.has_member(&self.wallet, self.outbox.session()) => Ok(room.clone()),
            _ => Err(ApiError::new(ErrorCode::NotInRoom, "join a room first")),
        }
    }

    async fn join(&mut self, market: &Address) -> Result<JoinData, ApiError> {
        if self.room().is_ok() {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                "this connection is in a room already; leave first",
            ));
        }
        let (room, admission) = self
            .app
            .hub
            .join(&self.wallet, market, self.outbox.clone())
            .await?;
        let data = self.app.join_data(&room, admission, &self.wallet);
        self.room = Some(room);
        Ok(data)
    }

    /// Leaves the room, if in one.
    pub fn leave(&mut self) {
        if let Some(room) = self.room.take() {
            self.app
                .hub
                .leave(&self.wallet, &room.id, self.outbox.session());
        }
    }

    /// Drops the room without leaving (the hub already removed the member).
    pub fn forget_room(&mut self) {
        self.room = None;
    }
}

impl Drop for Session {
    /// A session task that ends any way, a panic included, leaves its room:
    /// no member stays behind without a socket.
    fn drop(&mut self) {
        self.leave();
    }
}
