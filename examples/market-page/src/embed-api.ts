/**
 * The voice server's `dist/embed.js`, loaded at run time from the server
 * (so the page always gets the player that matches the server), and the
 * part of its `window.PNLVoice` API this page uses.
 */

/** An event the embedded room reports: `{type, ...fields}`. */
export interface EmbedEvent {
  type: string;
  [field: string]: unknown;
}

export interface EmbedController {
  readonly iframe: HTMLIFrameElement;
  join(): void;
  leave(): void;
  mute(muted: boolean): void;
  raiseHand(): void;
  lowerHand(): void;
  expand(expanded: boolean): void;
  destroy(): void;
}

export interface EmbedOptions {
  market: string;
  mode?: 'inline' | 'docked';
  serverUrl?: string;
  timeout?: number;
  onEvent?: (event: EmbedEvent) => void;
}

declare global {
  interface Window {
    PNLVoice?: { embed(options: EmbedOptions): EmbedController };
  }
}

/** Loads `${serverUrl}/dist/embed.js` once; resolves with `window.PNLVoice`. */
export function loadEmbedScript(serverUrl: string): Promise<NonNullable<Window['PNLVoice']>> {
  if (window.PNLVoice) return Promise.resolve(window.PNLVoice);
  const src = `${serverUrl}/dist/embed.js`;
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.onload = () => (window.PNLVoice ? resolve(window.PNLVoice) : reject(new Error(`${src} did not define PNLVoice`)));
    script.onerror = () => reject(new Error(`Could not load ${src}: is the voice server running?`));
    document.head.append(script);
  });
}
