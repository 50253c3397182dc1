// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * An error code of the wire contract.
 */
export type ErrorCode = "BAD_REQUEST" | "INVALID_ADDRESS" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "NOT_IN_ROOM" | "ROOM_FULL" | "BANNED" | "RATE_LIMITED" | "CANNOT_CONSUME" | "CONFLICT" | "WRONG_NODE" | "CAPACITY" | "INTERNAL" | "UNAVAILABLE" | "PAYLOAD_TOO_LARGE";
