// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { DebateSummary } from "./DebateSummary.js";

/**
 * One webhook delivery's body.
 */
export type WebhookEvent = { 
/**
 * Unique per event (`evt_…`); a retried delivery repeats it.
 */
id: string, 
/**
 * RFC 3339 time the event happened.
 */
createdAt: string, 
/**
 * The market (= room).
 */
marketAddress: string, } & ({ "type": "room_started", "data": Record<symbol, never> } | { "type": "room_ended", "data": { 
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
reason: string, } });
