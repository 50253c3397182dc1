/**
 * `dist/embed.js`: puts a PNL Voice room into any market page.
 *
 *   <script src="https://VOICE_HOST/dist/embed.js" data-market="MARKET_ADDRESS" async></script>
 *   <script src="https://VOICE_HOST/dist/embed.js" data-market="MARKET_ADDRESS" data-mode="docked" async></script>
 *
 * or from script: `const room = PNLVoice.embed({market, mode: 'docked', signer, onEvent})`.
 * The page's origin must be in the voice server's PNL_VOICE_ALLOWED_ORIGINS
 * (the server refuses to be framed by other origins); when the room does not
 * load, a readable message says so. See static/README.md, "Embedding in a market page".
 */
import type { EmbedController, EmbedOptions, PNLVoiceEmbedApi } from '@pnl-voice/client/embed';
import { embedRoom } from './embed/controller';
import { optionsFromScript } from './embed/options';

declare global {
  interface Window {
    PNLVoice?: PNLVoiceEmbedApi;
  }
}

(() => {
  const script = document.currentScript instanceof HTMLScriptElement ? document.currentScript : null;
  const embed = (options: EmbedOptions): EmbedController =>
    embedRoom({ ...options, serverUrl: options.serverUrl ?? script?.src }, null);
  window.PNLVoice ??= { embed };
  if (!script || script.dataset.market === undefined) return;
  const options = optionsFromScript(script);
  if (!options) {
    console.error('PNL Voice embed: set data-market to the market address.');
    return;
  }
  const start = () => embedRoom(options, script);
  // A docked frame goes into <body>, which a script in <head> runs before.
  if (options.mode === 'docked' && !document.body) document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
})();
