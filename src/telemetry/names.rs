//! The name of every series, and its help text.

use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};

/// Running rooms (gauge).
pub const ROOMS_ACTIVE: &str = "voice_rooms_active";
/// Rooms created (counter).
pub const ROOMS_CREATED: &str = "voice_rooms_created_total";
/// How long rooms lived, seconds (histogram).
pub const ROOM_DURATION: &str = "voice_room_duration_seconds";
/// Users in rooms now (gauge).
pub const USERS_CONCURRENT: &str = "voice_users_concurrent";
/// Joins (counter).
pub const USERS_JOINED: &str = "voice_users_joined_total";
/// How long users stayed, seconds (histogram).
pub const USER_SESSION_DURATION: &str = "voice_user_session_duration_seconds";
/// Round-trip time of streams, seconds (histogram).
pub const RTT_SECONDS: &str = "voice_rtt_seconds";
/// Fraction of packets lost per stream, 0 to 1 (histogram).
pub const PACKET_LOSS_RATIO: &str = "voice_packet_loss_ratio";
/// Rejoins within moments of leaving, and replaced sessions (counter).
pub const RECONNECTIONS: &str = "voice_reconnections_total";
/// CPU time of a worker thread, seconds (counter, label `worker`): its
/// rate is the share of one core the worker uses.
pub const WORKER_CPU_SECONDS: &str = "voice_worker_cpu_seconds_total";
/// Memory of the workers' process, bytes (gauge, label `worker`).
pub const WORKER_MEMORY: &str = "voice_worker_memory_bytes";
/// Rooms on a worker (gauge, label `worker`).
pub const WORKER_ROOMS: &str = "voice_worker_rooms";
/// Users on a worker (gauge, label `worker`).
pub const WORKER_USERS: &str = "voice_worker_users";
/// 1 when a worker sends through io_uring, 0 when through libuv (gauge,
/// label `worker`; media.toml's `io_uring`, and what the kernel allows).
pub const WORKER_IO_URING: &str = "voice_worker_io_uring";
/// The machine's memory, bytes (gauge), for the memory alert's ratio.
pub const HOST_MEMORY: &str = "voice_host_memory_bytes";
/// Signaling requests by method and answer code (counter).
pub const SIGNALING_REQUESTS: &str = "voice_signaling_requests_total";
/// Signaling request latency by method, seconds (histogram).
pub const SIGNALING_SECONDS: &str = "voice_signaling_request_duration_seconds";
/// Records waiting for the store (gauge).
pub const STORE_QUEUE: &str = "voice_store_queue_depth";
/// Records dropped because the store's queue was full (counter).
pub const STORE_DROPPED: &str = "voice_store_dropped_total";
/// Webhook delivery attempts by outcome: `delivered`, `retried`,
/// `given_up` (counter).
pub const WEBHOOK_DELIVERIES: &str = "voice_webhook_deliveries_total";
/// Open signaling sockets (gauge).
pub const SOCKETS_OPEN: &str = "voice_sockets_open";
/// Always 1, labelled with the server's `version` and git `revision`
/// (gauge), so dashboards can tell which build each node runs.
pub const BUILD_INFO: &str = "voice_build_info";
/// 1 while the node answers `/health/ready` with 200, else 0 (gauge).
pub const READY: &str = "voice_ready";

/// Every series this server exports (docs/operations.md, "Metrics").
pub const ALL: &[&str] = &[
    ROOMS_ACTIVE,
    ROOMS_CREATED,
    ROOM_DURATION,
    USERS_CONCURRENT,
    USERS_JOINED,
    USER_SESSION_DURATION,
    RTT_SECONDS,
    PACKET_LOSS_RATIO,
    RECONNECTIONS,
    WORKER_CPU_SECONDS,
    WORKER_MEMORY,
    WORKER_ROOMS,
    WORKER_USERS,
    WORKER_IO_URING,
    HOST_MEMORY,
    SIGNALING_REQUESTS,
    SIGNALING_SECONDS,
    STORE_QUEUE,
    STORE_DROPPED,
    WEBHOOK_DELIVERIES,
    SOCKETS_OPEN,
    BUILD_INFO,
    READY,
];

pub(super) fn describe() {
    describe_gauge!(ROOMS_ACTIVE, "Rooms running on this node");
    describe_counter!(ROOMS_CREATED, "Rooms created");
    describe_histogram!(ROOM_DURATION, Unit::Seconds, "How long rooms lived");
    describe_gauge!(USERS_CONCURRENT, "Users in rooms on this node");
    describe_counter!(USERS_JOINED, "Joins");
    describe_histogram!(
        USER_SESSION_DURATION,
        Unit::Seconds,
        "How long users stayed in a room"
    );
    describe_histogram!(
        RTT_SECONDS,
        Unit::Seconds,
        "Round-trip time of audio streams (mediasoup stream stats, from RTCP)"
    );
    describe_histogram!(
        PACKET_LOSS_RATIO,
        "Fraction of packets lost per audio stream, 0 to 1 (mediasoup stats fraction lost)"
    );
    describe_counter!(
        RECONNECTIONS,
        "Rejoins within a minute of leaving, and replaced sessions"
    );
    describe_counter!(
        WORKER_CPU_SECONDS,
        Unit::Seconds,
        "CPU time of a mediasoup worker thread (user and system), whole seconds"
    );
    describe_gauge!(
        WORKER_MEMORY,
        Unit::Bytes,
        "Resident memory of the process the workers run in"
    );
    describe_gauge!(WORKER_ROOMS, "Rooms on a mediasoup worker");
    describe_gauge!(WORKER_USERS, "Users on a mediasoup worker");
    describe_gauge!(
        WORKER_IO_URING,
        "1 when a mediasoup worker sends through io_uring, 0 when through libuv"
    );
    describe_gauge!(HOST_MEMORY, Unit::Bytes, "Memory of the machine");
    describe_counter!(
        SIGNALING_REQUESTS,
        "Signaling requests by method and answer code"
    );
    describe_histogram!(
        SIGNALING_SECONDS,
        Unit::Seconds,
        "Signaling request latency by method"
    );
    describe_gauge!(STORE_QUEUE, "Records waiting for the store");
    describe_counter!(
        STORE_DROPPED,
        "Records dropped because the store's queue was full"
    );
    describe_counter!(
        WEBHOOK_DELIVERIES,
        "Webhook delivery attempts by outcome (delivered, retried, given_up)"
    );
    describe_gauge!(SOCKETS_OPEN, "Open signaling sockets");
    describe_gauge!(
        BUILD_INFO,
        "Always 1; the labels name the server's version and git revision"
    );
    describe_gauge!(
        READY,
        "1 while the node is ready for traffic (/health/ready answers 200), else 0"
    );
}
