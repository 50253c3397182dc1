// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { ErrorCode } from "./ErrorCode.js";

/**
 * An error as clients see it: a code, a human message and, for
 * `WRONG_NODE`, where to go instead.
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
workerUrl?: string, };
