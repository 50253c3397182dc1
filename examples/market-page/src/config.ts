/**
 * Where the voice server is and which market this page shows, from the
 * query string: `?server=http://127.0.0.1:3001&market=ADDRESS` (the route
 * follows in the hash: `#/react`, `#/hook`, `#/embed`). `timeout` (ms)
 * shortens the embed's wait before it explains a refused frame.
 */
export interface PageConfig {
  serverUrl: string;
  market: string;
  embedTimeoutMs?: number;
}

/** `make run` serves the voice server here. */
export const DEFAULT_SERVER = 'http://127.0.0.1:3001';
/** Any valid address works: a room opens for the first visitor. */
export const DEFAULT_MARKET = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';

export function readConfig(search: string): PageConfig {
  const query = new URLSearchParams(search);
  const timeout = Number(query.get('timeout'));
  return {
    serverUrl: (query.get('server') ?? DEFAULT_SERVER).replace(/\/+$/, ''),
    market: query.get('market') ?? DEFAULT_MARKET,
    embedTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : undefined,
  };
}
