/** What a host page asks `embed.js` for: from the JS API or from the script tag's `data-*` attributes. */
import type { HostSigner } from './wallet-bridge';
import type { FrameEvent } from './protocol';

export type EmbedMode = 'inline' | 'docked';

export interface EmbedOptions {
  /** The market's address (base58). */
  market: string;
  /** `inline` (an iframe where the script or container is, default) or `docked` (a pill fixed to the viewport). */
  mode?: EmbedMode;
  /** Inline mode: the element the iframe goes into (default: after the script tag, else the end of the body). */
  container?: Element;
  /** Signs the sign-in challenge for the embedded room; default: the injected wallet. */
  signer?: HostSigner;
  /** Called with every event the room reports. */
  onEvent?: (event: FrameEvent) => void;
  /** The voice server, e.g. `https://voice.example.com` (default: where embed.js was loaded from). */
  serverUrl?: string;
  /** Milliseconds to wait for the room to load before explaining why it did not (default 8000). */
  timeout?: number;
  /** Inline mode: the iframe's CSS height (default 560px). */
  height?: string;
  /** The iframe's accessible title (default "Market voice room"). */
  title?: string;
}

export const DEFAULT_TIMEOUT_MS = 8_000;

/** Options from `<script data-market data-mode data-timeout data-height data-title>`; undefined without data-market. */
export function optionsFromScript(script: HTMLScriptElement): EmbedOptions | undefined {
  const data = script.dataset;
  const market = data.market?.trim() ?? '';
  if (!market) return undefined;
  const timeout = Number(data.timeout);
  return {
    market,
    mode: data.mode === 'docked' ? 'docked' : 'inline',
    serverUrl: script.src,
    timeout: Number.isFinite(timeout) && timeout > 0 ? timeout : undefined,
    height: data.height,
    title: data.title,
  };
}
