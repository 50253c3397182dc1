/** REST calls with the `{success, data | error}` envelope (PROTOCOL.md section 2). */
import { ProtocolError, type WireError } from './protocol';

type Envelope<T> = { success: true; data: T } | { success: false; error: WireError };

/** POSTs `body` as JSON to a same-origin `path`; resolves with `data` or throws a ProtocolError. */
export async function postJson<T>(path: string, body: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ProtocolError('UNREACHABLE', 'Could not reach the voice server.');
  }
  let envelope: Envelope<T>;
  try {
    envelope = (await response.json()) as Envelope<T>;
  } catch {
    throw new ProtocolError(`HTTP ${response.status}`, response.statusText || 'not a JSON answer');
  }
  if (!envelope.success) throw new ProtocolError(envelope.error.code, envelope.error.message);
  return envelope.data;
}
