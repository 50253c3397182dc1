/**
 * `@pnl-voice/client/embed`: for a page that embeds a room with the voice
 * server's `embed.js` (an iframe, no SDK in the page): the typed loader and
 * the types of its API and of its postMessage protocol. Importing it
 * touches no browser global (safe for server-side rendering).
 */
export { loadEmbed } from './load-embed.js';
export type { EmbedController, EmbedMode, EmbedOptions, HostSigner, PNLVoiceEmbedApi } from './embed-api.js';
export type * from './protocol.js';
