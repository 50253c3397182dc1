/**
 * Webhook verification, for a site's backend (Node, Deno, Bun, edge
 * runtimes): the voice server POSTs a `WebhookEvent` as JSON with
 * `X-PNL-Signature: t=<unix seconds>,v1=<hex>`, the HMAC-SHA256 of
 * `<t>.<body>` under the webhook secret (the scheme of Stripe and Svix; the
 * server's side is `protocol/webhook.rs` in the core crate, and both check one shared vector).
 * Checking the signature proves the server sent the body; checking the
 * timestamp's age stops a captured delivery from being replayed later.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { WebhookEvent } from './wire/index.js';

/** How far a signature's timestamp may be from now, either way, by default (the server's `SIGNATURE_TOLERANCE_SECS`). */
const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * Why a delivery was refused: no signature header (`missing`), a header that is not
 * `t=…,v1=…` (`malformed`), a timestamp outside the tolerance (`stale`, a replay or a
 * wrong clock), no `v1` matching the body under the secret (`mismatch`), or a signed body
 * that is not an event (`body`).
 */
export type WebhookVerificationReason = 'missing' | 'malformed' | 'stale' | 'mismatch' | 'body';

/** A refused delivery: answer it with a 4xx (400 or 401) and do not act on it. */
export class WebhookVerificationError extends Error {
  constructor(
    readonly reason: WebhookVerificationReason,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** How `verifyWebhook` checks the timestamp. */
export interface VerifyWebhookOptions {
  /** How far the timestamp may be from now, either way, in seconds (default 300, as the server). */
  toleranceSeconds?: number;
  /** Now, in unix seconds (default the clock; tests pin it). */
  now?: number;
}

/**
 * Verifies one webhook delivery and returns its event; throws a
 * `WebhookVerificationError` (with its `reason`) when the delivery is refused.
 *
 * - `body` must be the raw request body exactly as received (a string, or the
 *   bytes: a Node `Buffer` is fine), never JSON parsed and serialised again:
 *   any other byte (spacing, key order, escapes) makes the signature mismatch.
 * - `header` is the `X-PNL-Signature` value. While a secret is rotated it holds
 *   several `v1=` entries; one matching is enough.
 * - Delivery is at least once (a failed delivery is retried with the same
 *   event): drop events whose `id` was already handled.
 * - Events of a type this SDK version does not know pass through: give a
 *   `switch` on `event.type` a default branch that ignores them.
 *
 * Async although it computes synchronously (HMAC-SHA256 from `@noble/hashes`,
 * so it runs where WebCrypto is missing), so that it can move to WebCrypto
 * without breaking callers.
 */
export async function verifyWebhook(
  body: string | Uint8Array,
  header: string | null | undefined,
  secret: string,
  options: VerifyWebhookOptions = {},
): Promise<WebhookEvent> {
  // A misconfiguration, not a refused delivery: an empty key would accept anyone's signature.
  if (typeof secret !== 'string' || secret === '') throw new TypeError('verifyWebhook: the webhook secret is empty');
  if (header == null || header.trim() === '') {
    throw new WebhookVerificationError('missing', 'no X-PNL-Signature header');
  }
  const { timestamp, signatures } = parseHeader(header);
  const { toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now = Math.floor(Date.now() / 1000) } = options;
  if (Math.abs(now - timestamp) > toleranceSeconds) {
    throw new WebhookVerificationError('stale', 'the signature timestamp is outside the tolerance');
  }
  const encoder = new TextEncoder();
  const bytes = typeof body === 'string' ? encoder.encode(body) : body;
  // What the server signs: the timestamp in decimal, a dot, the body.
  const prefix = encoder.encode(`${timestamp}.`);
  const expected = hmac.create(sha256, encoder.encode(secret)).update(prefix).update(bytes).digest();
  if (!signatures.some((signature) => equalBytes(signature, expected))) {
    throw new WebhookVerificationError('mismatch', 'no signature matches the body under the secret');
  }
  return parseEvent(bytes);
}

/** The timestamp and the `v1` signatures of `t=…,v1=…[,v1=…]`; other `k=v` parts are ignored, as the server does. */
function parseHeader(header: string): { timestamp: number; signatures: Uint8Array[] } {
  let timestamp: number | undefined;
  const signatures: Uint8Array[] = [];
  for (const part of header.split(',')) {
    const trimmed = part.trim();
    const eq = trimmed.indexOf('=');
    if (eq < 0) throw malformed(`"${trimmed}" is not k=v`);
    const key = trimmed.slice(0, eq);
    const value = trimmed.slice(eq + 1);
    if (key === 't') {
      const t = /^[+-]?\d+$/.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(t)) throw malformed('t is not a whole number of seconds');
      timestamp = t;
    } else if (key === 'v1') {
      const signature = hexToBytes(value);
      if (!signature) throw malformed('v1 is not hex');
      signatures.push(signature);
    }
  }
  if (timestamp === undefined) throw malformed('no t');
  if (signatures.length === 0) throw malformed('no v1');
  return { timestamp, signatures };
}

function malformed(why: string): WebhookVerificationError {
  return new WebhookVerificationError('malformed', `malformed X-PNL-Signature header: ${why}`);
}

/** Hex (either case, as the server accepts) as bytes; `undefined` when it is not hex. */
function hexToBytes(hex: string): Uint8Array | undefined {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/**
 * Whether `a` and `b` are equal, in a time that depends only on their lengths
 * (public: a SHA-256 MAC is 32 bytes), so that timing does not tell an attacker
 * how many leading bytes of a forged signature are right.
 */
function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The signed body as an event: a JSON object with a string `id` and `type`. */
function parseEvent(bytes: Uint8Array): WebhookEvent {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new WebhookVerificationError('body', 'the signed body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WebhookVerificationError('body', 'the signed body is not a JSON object');
  }
  const { id, type } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof type !== 'string') {
    throw new WebhookVerificationError('body', 'the signed body is not an event (no string id and type)');
  }
  return value as WebhookEvent;
}
