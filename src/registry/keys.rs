//! Every Redis key and channel name the nodes use, built here and nowhere
//! else. Keys that one script or one pipeline touches together share a
//! hash tag (the part in braces), so that they live in one slot of a Redis
//! Cluster: a room's keys are tagged with its market (`room:{market}`,
//! `queue:{market}`, its bans and churn records), a node's own keys with
//! the node's id. On a single Redis the tags are just part of the names.

use crate::address::Address;

/// The set of known node ids (a slot of its own).
pub const NODES: &str = "nodes";

/// The channel every heartbeat's load is published on.
pub const WORKERS_CHANNEL: &str = "voice:workers";

/// The prefix of the rooms' channels. Every room channel shares the
/// `{room}` tag: a cluster routes `PUBLISH` by the channel's slot and counts
/// only the subscribers of the node it reached, so publishers and the
/// subscription (`voice:{room}:*`) meet on one node and the count, which
/// tells whether the owner listened, stays exact.
const ROOM_CHANNEL_PREFIX: &str = "voice:{room}:";

/// A room's record (hash: nodeId, workerId, wsUrl, httpUrl, participants,
/// createdAt, founderWallet).
pub fn room_key(room: &Address) -> String {
    format!("room:{{{room}}}")
}

/// A room's speaker queue (list), in the room's slot.
pub fn queue_key(room: &Address) -> String {
    format!("queue:{{{room}}}")
}

/// Where a wallet is connected (hash: roomId, nodeId).
pub fn user_key(wallet: &Address) -> String {
    format!("user:{{{wallet}}}")
}

/// A node's load (hash with a TTL: its existence means "alive").
pub fn node_key(node: &str) -> String {
    format!("node:{{{node}}}")
}

/// The markets of the rooms a node owns (set), in the node's slot.
pub fn node_rooms_key(node: &str) -> String {
    format!("node-rooms:{{{node}}}")
}

/// The wallets whose sessions a node holds (set), in the node's slot.
pub fn node_users_key(node: &str) -> String {
    format!("node-users:{{{node}}}")
}

/// One worker's load (hash with a TTL), in its node's slot.
pub fn worker_key(node: &str, worker: &str) -> String {
    format!("worker:{{{node}}}:{worker}")
}

/// A wallet's ban from a room (the ban's end in Unix milliseconds; expires
/// then), in the room's slot.
pub fn ban_key(room: &Address, wallet: &Address) -> String {
    format!("ban:{{{room}}}:{wallet}")
}

/// A wallet's recent joins of a room (sorted set of join times; expires
/// after the churn window), in the room's slot.
pub fn churn_key(room: &Address, wallet: &Address) -> String {
    format!("churn:{{{room}}}:{wallet}")
}

/// A wallet's join-rate slot (expires after the join interval).
pub fn join_rate_key(wallet: &Address) -> String {
    format!("join-rate:{{{wallet}}}")
}

/// The channel of messages for a room's owner.
pub fn room_channel(room: &Address) -> String {
    format!("{ROOM_CHANNEL_PREFIX}{room}")
}

/// The pattern every room channel matches.
pub fn room_channel_pattern() -> String {
    format!("{ROOM_CHANNEL_PREFIX}*")
}

/// The room a channel from [`room_channel`] names.
pub fn room_of_channel(channel: &str) -> Option<&str> {
    channel.strip_prefix(ROOM_CHANNEL_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rooms_keys_share_the_rooms_tag_and_a_nodes_the_nodes() {
        let (room, wallet) = (Address::from_bytes([7; 32]), Address::from_bytes([9; 32]));
        let tag = format!("{{{room}}}");
        for key in [
            room_key(&room),
            queue_key(&room),
            ban_key(&room, &wallet),
            churn_key(&room, &wallet),
        ] {
            assert_eq!(key.find('{'), key.find(&tag), "{key}");
        }
        for key in [
            node_key("n-1"),
            node_rooms_key("n-1"),
            node_users_key("n-1"),
            worker_key("n-1", "w"),
        ] {
            assert!(key.contains("{n-1}"), "{key}");
        }
        assert_eq!(room_of_channel(&room_channel(&room)), Some(room.as_str()));
    }
}
