// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { DebateSummary } from "./DebateSummary.js";

/**
 * What happened, as `type` and `data`.
 */
export type WebhookEventType = { "type": "room_started", "data": Record<symbol, never> } | { "type": "room_ended", "data": { 
/**
 * Why.
 */
reason: string, } } | { "type": "participant_joined", "data": { 
/**
 * Who.
 */
walletAddress: string, } } | { "type": "participant_left", "data": { 
/**
 * Who.
 */
walletAddress: string, } } | { "type": "speaker_granted", "data": { 
/**
 * Who.
 */
walletAddress: string, } } | { "type": "debate_started", "data": { 
/**
 * Each turn's length, in seconds.
 */
turnSeconds: number, } } | { "type": "debate_ended", "data": { 
/**
 * The debate's record.
 */
summary: DebateSummary, } } | { "type": "report_filed", "data": { 
/**
 * The report's id.
 */
reportId: string, 
/**
 * Who reported.
 */
reporterWallet: string | null, 
/**
 * Whom.
 */
targetWallet: string | null, 
/**
 * Why, in the reporter's words.
 */
reason: string, } };
