//! The registry of a single node: every room is its own.

use std::collections::HashMap;

use async_trait::async_trait;
use parking_lot::Mutex;

use super::{NodeLoad, Registry, RegistryError, RoomMessage, RoomOwner, RoomSummary, UserSession};
use crate::address::Address;

/// In-process registry (no Redis): this node owns every room.
#[derive(Default)]
pub struct MemoryRegistry {
    load: Mutex<Option<NodeLoad>>,
    /// The rooms as last recorded, until released.
    rooms: Mutex<HashMap<Address, RoomSummary>>,
}

#[async_trait]
impl Registry for MemoryRegistry {
    async fn claim_room(
        &self,
        _room: &Address,
        me: &RoomOwner,
        _founder: Option<&Address>,
    ) -> Result<RoomOwner, RegistryError> {
        Ok(me.clone())
    }

    async fn room_owner(&self, _room: &Address) -> Result<Option<RoomOwner>, RegistryError> {
        Ok(None)
    }

    async fn release_room(&self, room: &Address, _node_id: &str) -> Result<(), RegistryError> {
        self.rooms.lock().remove(room);
        Ok(())
    }

    async fn set_room_state(
        &self,
        room: &RoomSummary,
        _node_id: &str,
        _queue: &[Address],
    ) -> Result<(), RegistryError> {
        self.rooms.lock().insert(room.id.clone(), room.clone());
        Ok(())
    }

    async fn rooms(&self) -> Result<Vec<RoomSummary>, RegistryError> {
        Ok(self.rooms.lock().values().cloned().collect())
    }

    async fn is_live(&self, node_id: &str) -> Result<bool, RegistryError> {
        Ok(self
            .load
            .lock()
            .as_ref()
            .is_some_and(|l| l.node_id == node_id))
    }

    async fn heartbeat(&self, load: &NodeLoad, _ttl_secs: u64) -> Result<(), RegistryError> {
        *self.load.lock() = Some(load.clone());
        Ok(())
    }

    async fn live_nodes(&self) -> Result<Vec<NodeLoad>, RegistryError> {
        Ok(self.load.lock().iter().cloned().collect())
    }

    async fn ping(&self) -> Result<(), RegistryError> {
        Ok(())
    }

    async fn deregister(&self, _node_id: &str) -> Result<(), RegistryError> {
        *self.load.lock() = None;
        Ok(())
    }

    async fn set_user(
        &self,
        _wallet: &Address,
        _session: &UserSession,
    ) -> Result<(), RegistryError> {
        Ok(())
    }

    async fn user(&self, _wallet: &Address) -> Result<Option<UserSession>, RegistryError> {
        Ok(None)
    }

    async fn clear_user(
        &self,
        _wallet: &Address,
        _session: &UserSession,
    ) -> Result<(), RegistryError> {
        Ok(())
    }

    async fn publish(
        &self,
        _room: &Address,
        _message: &RoomMessage,
    ) -> Result<usize, RegistryError> {
        Ok(0)
    }

    fn subscribe(&self) -> Option<tokio::sync::mpsc::Receiver<(Address, RoomMessage)>> {
        None
    }
}
