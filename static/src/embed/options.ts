/** What a host page asks `embed.js` for: from the JS API (`EmbedOptions`) or from the script tag's `data-*` attributes. */
import type { EmbedOptions } from '@pnl-voice/client/embed';

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
