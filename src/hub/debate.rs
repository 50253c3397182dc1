//! The hub's way to a room's debate: the host's commands (socket or REST)
//! reach the room's task wherever the call came in; a room another node
//! runs is named, for REST to pass the call there.

use super::errors::DebateOpError;
use super::Hub;
use crate::address::Address;
use crate::rooms::DebateCommand;

impl Hub {
    /// The host `actor` runs `market`'s debate (socket or REST). For a
    /// room another node runs, [`DebateOpError::Elsewhere`] names that node.
    pub async fn debate(
        &self,
        market: &Address,
        actor: &Address,
        command: DebateCommand,
    ) -> Result<(), DebateOpError> {
        let Some(room) = self.running_room(market) else {
            return Err(self
                .not_here(market, DebateOpError::Elsewhere, DebateOpError::NoRoom)
                .await);
        };
        room.debate(actor, command).await
    }
}
