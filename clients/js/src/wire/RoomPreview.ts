// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * The `data` of a preview (TypeScript: `RoomPreview`).
 */
export type RoomPreview = { 
/**
 * The market (= room).
 */
marketAddress: string, 
/**
 * The market's question, from the markets file.
 */
title: string | null, 
/**
 * Someone is in the room.
 */
live: boolean, 
/**
 * Participants who may speak (the founder and granted speakers, or
 * everyone in a room that is not speaker-only).
 */
speakers: number, 
/**
 * Everyone else in the room.
 */
listeners: number, 
/**
 * The market's founder, who moderates the room.
 */
host: { 
/**
 * The founder's wallet.
 */
walletAddress: string, } | null, 
/**
 * When the running room was created (RFC 3339), `null` when not live.
 */
startedAt: string | null, };
