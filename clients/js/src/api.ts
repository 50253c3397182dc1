/** REST calls with the `{success, data | error}` envelope (docs/protocol.md, "REST API"). */
import type { Platform } from './platform.js';
import { VoiceError } from './protocol.js';
import type { WireError } from './wire/index.js';

type Envelope<T> = { success: true; data: T } | { success: false; error: WireError };

/** `serverUrl` without a trailing slash, so paths can be appended. */
export function baseUrl(serverUrl: string): string {
  return serverUrl.replace(/\/+$/, '');
}

/** The signaling socket of `serverUrl`: `https://voice.example` → `wss://voice.example/ws`. */
export function socketUrl(serverUrl: string): string {
  return `${baseUrl(serverUrl).replace(/^http/, 'ws')}/ws`;
}

/**
 * Calls `path` on the server (with `token` as the Bearer token when given);
 * resolves with the envelope's `data` or rejects with a VoiceError.
 */
export async function callApi<T>(
  fetcher: Platform['fetch'],
  serverUrl: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  let response: Response;
  const auth: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  try {
    response = await fetcher(
      `${baseUrl(serverUrl)}${path}`,
      body === undefined
        ? { method: 'GET', headers: auth }
        : { method: 'POST', headers: { 'Content-Type': 'application/json', ...auth }, body: JSON.stringify(body) },
    );
  } catch {
    throw new VoiceError('UNREACHABLE', 'Could not reach the voice server.');
  }
  let envelope: Envelope<T>;
  try {
    envelope = (await response.json()) as Envelope<T>;
  } catch {
    throw new VoiceError('HTTP', `HTTP ${response.status}: ${response.statusText || 'not a JSON answer'}`);
  }
  if (!envelope.success) throw VoiceError.fromWire(envelope.error);
  return envelope.data;
}

/** The server answers HTTP (`GET /health`): a refused socket then means a refused token. */
export async function serverUp(fetcher: Platform['fetch'], serverUrl: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetcher(`${baseUrl(serverUrl)}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok;
  } catch {
    return false;
  }
}
