/**
 * Who framed this page. The parent's origin comes from
 * `location.ancestorOrigins` (Chromium, Safari) or the referrer (the
 * parent's origin under the default referrer policy); it is trusted only
 * when the voice server lists it in `/api/embed/config`.
 */
import { originOf } from '../embed/protocol';

export function isFramed(): boolean {
  return window.parent !== window;
}

/** The parent's origin as the browser reports it, or '' when it does not. */
export function reportedParentOrigin(): string {
  const ancestors = location.ancestorOrigins;
  if (ancestors && ancestors.length > 0) return ancestors[0] === 'null' ? '' : ancestors[0];
  return originOf(document.referrer);
}

interface ConfigEnvelope {
  success: boolean;
  data?: { allowedOrigins?: unknown };
}

/** The origins the voice server lets frame its rooms and use the wallet bridge (none when it cannot be read). */
export async function allowedOrigins(): Promise<string[]> {
  try {
    const response = await fetch('/api/embed/config');
    const body = (await response.json()) as ConfigEnvelope;
    const list = body.success ? body.data?.allowedOrigins : undefined;
    return Array.isArray(list) ? list.filter((o): o is string => typeof o === 'string') : [];
  } catch {
    return [];
  }
}

/** Whether `origin` may drive this frame: the server's own origin or a listed one. */
export function isTrusted(origin: string, allowed: readonly string[]): boolean {
  return origin !== '' && (origin === location.origin || allowed.includes(origin));
}
