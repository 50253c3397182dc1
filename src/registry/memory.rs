//! The registry of a single node: every room is its own.

use async_trait::async_trait;
use parking_lot::Mutex;

use super::{NodeLoad, Registry, RegistryError, RoomMessage, RoomOwner, UserSession};
use crate::address::Address;

/// In-process registry (no Redis): this node owns every room.
#[derive(Default)]
pub struct MemoryRegistry {
    load: Mutex<Option<NodeLoad>>,
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

    async fn release_room(&self, _room: &Address, _node_id: &str) -> Result<(), RegistryError> {
        Ok(())
    }

    async fn set_room_state(
        &self,
        _room: &Address,
        _node_id: &str,
        _count: usize,
        _queue: &[Address],
    ) -> Result<(), RegistryError> {
        Ok(())
    }

    async fn heartbeat(&self, load: &NodeLoad, _ttl_secs: u64) -> Result<(), RegistryError> {
        *self.load.lock() = Some(load.clone());
        Ok(())
    }

    async fn live_nodes(&self) -> Result<Vec<NodeLoad>, RegistryError> {
        Ok(self.load.lock().iter().cloned().collect())
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
