// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { ErrorCode } from "./ErrorCode.js";

/**
 * An error as clients see it: a code, a human message and, for
 * `WRONG_NODE`, where to go instead; `BANNED` says until when, and
 * `RATE_LIMITED` how long to wait, so a client can say it in its own
 * words and local time (the message says it in words, without
 * timestamps).
 */
export type WireError = { 
/**
 * Contract error code.
 */
code: ErrorCode, 
/**
 * Human-readable explanation (never holds secrets).
 */
message: string, 
/**
 * The owning node's WebSocket URL, with `WRONG_NODE`.
 */
workerUrl?: string, 
/**
 * With `BANNED`: when the ban ends (RFC 3339, whole seconds, rounded
 * up so that a join at that time is let in).
 */
until?: string, 
/**
 * With `RATE_LIMITED`: whole seconds (at least 1) before a retry can
 * succeed.
 */
retryAfterSecs?: number, };
