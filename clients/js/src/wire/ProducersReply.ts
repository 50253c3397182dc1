// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { ProducerInfo } from "./ProducerInfo.js";

/**
 * Reply of `voice:producers`.
 */
export type ProducersReply = { 
/**
 * Every audio source in the room but the caller's.
 */
producers: Array<ProducerInfo>, };
