// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { Position } from "./Position.js";

/**
 * `Participant` as clients see it (docs/protocol.md, "Participant").
 */
export type Participant = { 
/**
 * Wallet address.
 */
walletAddress: string, 
/**
 * Short form of the wallet.
 */
displayName: string, 
/**
 * YES, NO or NONE.
 */
position: Position, 
/**
 * Size of the holding.
 */
positionSize: number, 
/**
 * The market's founder.
 */
isFounder: boolean, 
/**
 * Holds the host role (the founder's, unless handed to a co-host).
 */
isHost: boolean, 
/**
 * A co-host: grants, revokes, mutes and kicks members who are not
 * hosts.
 */
isCoHost: boolean, 
/**
 * May produce audio.
 */
isSpeaker: boolean, 
/**
 * Producer paused.
 */
isMuted: boolean, 
/**
 * In the speaker queue.
 */
handRaised: boolean, 
/**
 * Invited to speak by a moderator, not yet answered.
 */
invited: boolean, 
/**
 * RFC 3339 join time.
 */
joinedAt: string, 
/**
 * Seconds heard speaking so far (an addition to the contract).
 */
speakingTime: number, };
