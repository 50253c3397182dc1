// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { Direction } from "./Direction.js";

/**
 * `createTransport`.
 */
export type CreateTransportRequest = { 
/**
 * `send` (speakers only) or `recv`.
 */
direction: Direction, };
