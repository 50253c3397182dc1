/**
 * Loads the voice server's `embed.js` at run time, from the server itself,
 * so that the page always gets the player that matches the server it talks to.
 */
import type { PNLVoiceEmbedApi } from './embed-api.js';

/** The page's globals that `embed.js` needs and defines; read when called, never at import. */
interface EmbedGlobals {
  PNLVoice?: PNLVoiceEmbedApi;
  document?: Document;
}

/** The script while it loads: concurrent calls (React's strict mode runs effects twice) share it. */
let loading: Promise<PNLVoiceEmbedApi> | undefined;

/**
 * Injects `${serverUrl}/dist/embed.js` once and resolves with its API
 * (`window.PNLVoice`); at once when it is already there. A page embeds
 * rooms of one voice server. Rejects on the server (no `document`) and when
 * the script cannot be loaded; a later call then tries again.
 */
export function loadEmbed(serverUrl: string): Promise<PNLVoiceEmbedApi> {
  const page = globalThis as EmbedGlobals;
  if (page.PNLVoice) return Promise.resolve(page.PNLVoice);
  const doc = page.document;
  if (!doc) return Promise.reject(new Error('loadEmbed runs in the browser: call it from an effect or an event handler.'));
  loading ??= new Promise<PNLVoiceEmbedApi>((resolve, reject) => {
    const src = `${serverUrl.replace(/\/+$/, '')}/dist/embed.js`;
    const script = doc.createElement('script');
    script.src = src;
    script.async = true;
    const fail = (message: string) => {
      script.remove();
      reject(new Error(message));
    };
    script.onload = () => {
      loading = undefined;
      if (page.PNLVoice) resolve(page.PNLVoice);
      else fail(`${src} did not define PNLVoice.`);
    };
    script.onerror = () => {
      loading = undefined;
      fail(`Could not load ${src}: is the voice server running?`);
    };
    doc.head.append(script);
  });
  return loading;
}
