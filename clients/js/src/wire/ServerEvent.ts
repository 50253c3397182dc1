// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { DebateSide } from "./DebateSide.js";
import type { DebateSummary } from "./DebateSummary.js";
import type { Participant } from "./Participant.js";
import type { ProducerInfo } from "./ProducerInfo.js";
import type { RoomSettings } from "./RoomSettings.js";
import type { WireError } from "./WireError.js";

/**
 * A server event: serializes to the whole frame, `{"event": name, "data": ...}`.
 * TypeScript sees a union discriminated by `event`.
 */
export type ServerEvent = { "event": "voice:user_joined", "data": { 
/**
 * Who.
 */
user: Participant, } } | { "event": "voice:user_left", "data": { 
/**
 * Who.
 */
walletAddress: string, } } | { "event": "voice:user_muted", "data": { 
/**
 * Who.
 */
walletAddress: string, 
/**
 * Muted or live.
 */
muted: boolean, } } | { "event": "voice:speaker_granted", "data": { 
/**
 * Who.
 */
walletAddress: string, } } | { "event": "voice:speaker_revoked", "data": { 
/**
 * Who.
 */
walletAddress: string, } } | { "event": "voice:hand_raised", "data": { 
/**
 * Who.
 */
walletAddress: string, 
/**
 * The queue after the change, first in line first.
 */
queue: Array<string>, } } | { "event": "voice:hand_lowered", "data": { 
/**
 * Who.
 */
walletAddress: string, 
/**
 * The queue after the change, first in line first.
 */
queue: Array<string>, } } | { "event": "voice:new_producer", "data": ProducerInfo } | { "event": "voice:producer_closed", "data": ProducerInfo } | { "event": "voice:active_speaker", "data": { 
/**
 * Who speaks loudest now.
 */
walletAddress: string, } } | { "event": "voice:speaking", "data": { 
/**
 * Everyone audible now, in address order (empty: silence).
 */
walletAddresses: Array<string>, } } | { "event": "voice:kicked", "data": { 
/**
 * Why.
 */
reason: string, } } | { "event": "voice:room_closed", "data": { 
/**
 * Why: `ended` (the host ended it), `server_shutdown`, `replaced`, ...
 */
reason: string, } } | { "event": "voice:settings_updated", "data": { 
/**
 * The settings after the change.
 */
settings: RoomSettings, } } | { "event": "voice:hosts_changed", "data": { 
/**
 * Who holds the host role (the founder unless handed on).
 */
host: string | null, 
/**
 * The co-hosts, present or not, in address order.
 */
coHosts: Array<string>, } } | { "event": "voice:debate_started", "data": { 
/**
 * Each turn's length, in seconds.
 */
turnSeconds: number, 
/**
 * RFC 3339 start.
 */
startedAt: string, } } | { "event": "voice:debate_turn", "data": { 
/**
 * The side speaking.
 */
side: DebateSide | null, 
/**
 * Who speaks (every other debater is paused).
 */
walletAddress: string | null, 
/**
 * RFC 3339 end of the turn (unless the host moves on first).
 */
endsAt: string | null, 
/**
 * The turn's 1-based number (with no turn: turns given so far).
 */
turn: number, } } | { "event": "voice:debate_floor", "data": { 
/**
 * Open or closed.
 */
open: boolean, } } | { "event": "voice:debate_poll", "data": { 
/**
 * RFC 3339 time it closes by itself.
 */
closesAt: string, } } | { "event": "voice:debate_ended", "data": { 
/**
 * Its turns, speaking time per side and the poll's result.
 */
summary: DebateSummary, } } | { "event": "voice:error", "data": WireError };
