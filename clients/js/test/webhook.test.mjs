// verifyWebhook: the vector shared with the server's Rust test
// (crates/pnl-voice-core/src/server_api/tests.rs), each refusal reason, secret
// rotation, and a realistic event signed here with node:crypto.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { verifyWebhook, WebhookVerificationError } from '../dist/index.js';

const SECRET = 'whsec_test';
const T = 1_700_000_000;
const BODY = '{"id":"evt_test"}';
const HEADER = 't=1700000000,v1=14c4f43763339dcb1c15f41a1ff31a94f2f09f8de278f8b4392ca0d7cbcd257e';

const EVENT_BODY =
  '{"id":"evt_1","createdAt":"2026-12-04T10:00:00.000Z","marketAddress":"So11111111111111111111111111111111111111112",' +
  '"type":"participant_joined","data":{"walletAddress":"9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin"}}';

/** The server's signature of `body` at `t` under `secret`, as node:crypto computes it. */
function sign(secret, t, body) {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
}

const EVENT_HEADER = `t=${T},v1=${sign(SECRET, T, EVENT_BODY)}`;

/** Rejects with a WebhookVerificationError of `reason`. */
async function refused(promise, reason) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof WebhookVerificationError, `not a WebhookVerificationError: ${err}`);
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'WebhookVerificationError');
    assert.equal(err.reason, reason, err.message);
    return true;
  });
}

test('the shared vector: node:crypto signs alike, and its signature verifies', async () => {
  assert.equal(`t=${T},v1=${sign(SECRET, T, BODY)}`, HEADER);
  // The vector's body has no `type`, so it is no event: refused past the signature, as `body`.
  await refused(verifyWebhook(BODY, HEADER, SECRET, { now: T }), 'body');
  await refused(verifyWebhook(BODY, HEADER, 'whsec_other', { now: T }), 'mismatch');
});

test('a realistic event round-trips with its type and data', async () => {
  const event = await verifyWebhook(EVENT_BODY, EVENT_HEADER, SECRET, { now: T + 12 });
  assert.deepEqual(event, JSON.parse(EVENT_BODY));
  assert.equal(event.type, 'participant_joined');
  assert.equal(event.data.walletAddress, '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin');
});

test('a Uint8Array (or Buffer) body verifies as its string does', async () => {
  const bytes = new TextEncoder().encode(EVENT_BODY);
  assert.equal((await verifyWebhook(bytes, EVENT_HEADER, SECRET, { now: T })).id, 'evt_1');
  assert.equal((await verifyWebhook(Buffer.from(EVENT_BODY), EVENT_HEADER, SECRET, { now: T })).id, 'evt_1');
});

test('a non-ASCII body is signed over its UTF-8 bytes', async () => {
  const body = '{"id":"evt_2","type":"room_ended","data":{"reason":"fermée 🔥"}}';
  const header = `t=${T},v1=${sign(SECRET, T, Buffer.from(body, 'utf8'))}`;
  assert.equal((await verifyWebhook(body, header, SECRET, { now: T })).data.reason, 'fermée 🔥');
  assert.equal((await verifyWebhook(Buffer.from(body), header, SECRET, { now: T })).id, 'evt_2');
});

test('a wrong secret is a mismatch', async () => {
  await refused(verifyWebhook(BODY, HEADER, 'whsec_other', { now: T }), 'mismatch');
});

test('a body changed by one byte is a mismatch', async () => {
  await refused(verifyWebhook('{"id":"evt_tesT"}', HEADER, SECRET, { now: T }), 'mismatch');
  await refused(verifyWebhook(`${BODY}\n`, HEADER, SECRET, { now: T }), 'mismatch');
  // Re-serialised JSON is another body.
  await refused(verifyWebhook(JSON.stringify(JSON.parse(BODY), null, 1), HEADER, SECRET, { now: T }), 'mismatch');
});

test('a signature for another timestamp is a mismatch', async () => {
  const header = HEADER.replace('t=1700000000', 't=1700000001');
  await refused(verifyWebhook(BODY, header, SECRET, { now: T }), 'mismatch');
});

test('the tolerance is 300 seconds either way', async () => {
  assert.equal((await verifyWebhook(EVENT_BODY, EVENT_HEADER, SECRET, { now: T + 300 })).id, 'evt_1');
  assert.equal((await verifyWebhook(EVENT_BODY, EVENT_HEADER, SECRET, { now: T - 300 })).id, 'evt_1');
  await refused(verifyWebhook(BODY, HEADER, SECRET, { now: T + 301 }), 'stale');
  // A timestamp in the future beyond the tolerance.
  await refused(verifyWebhook(BODY, HEADER, SECRET, { now: T - 301 }), 'stale');
  // Checked before the signature: a replay is stale whatever it carries.
  await refused(verifyWebhook(BODY, HEADER, 'whsec_other', { now: T + 301 }), 'stale');
});

test('toleranceSeconds widens or narrows the window', async () => {
  assert.equal((await verifyWebhook(EVENT_BODY, EVENT_HEADER, SECRET, { now: T + 3600, toleranceSeconds: 3600 })).id, 'evt_1');
  await refused(verifyWebhook(BODY, HEADER, SECRET, { now: T + 11, toleranceSeconds: 10 }), 'stale');
});

test('without `now`, the clock decides: an old signature is stale, a fresh one verifies', async () => {
  await refused(verifyWebhook(BODY, HEADER, SECRET), 'stale');
  const now = Math.floor(Date.now() / 1000);
  const header = `t=${now},v1=${sign(SECRET, now, EVENT_BODY)}`;
  assert.equal((await verifyWebhook(EVENT_BODY, header, SECRET)).id, 'evt_1');
});

test('no header is missing', async () => {
  await refused(verifyWebhook(BODY, undefined, SECRET, { now: T }), 'missing');
  await refused(verifyWebhook(BODY, null, SECRET, { now: T }), 'missing');
  await refused(verifyWebhook(BODY, '', SECRET, { now: T }), 'missing');
});

test('a header that is not t=…,v1=… is malformed', async () => {
  const v1 = sign(SECRET, T, BODY);
  for (const header of [
    `t=${T},v1=zz`,
    `t=${T},v1=abc`, // odd length
    `v1=${v1}`, // no t
    `t=${T}`, // no v1
    `t=${T},v1=${v1},garbage`, // a part without '='
    `t=soon,v1=${v1}`,
    `t=,v1=${v1}`,
    `t=1.7e9,v1=${v1}`,
    'v1=00',
  ]) {
    await refused(verifyWebhook(BODY, header, SECRET, { now: T }), 'malformed');
  }
});

test('unknown parts are ignored and spaces around parts are allowed', async () => {
  const v1 = sign(SECRET, T, EVENT_BODY);
  assert.equal((await verifyWebhook(EVENT_BODY, `t=${T}, v0=abc, v1=${v1}, k=v`, SECRET, { now: T })).id, 'evt_1');
  assert.equal((await verifyWebhook(EVENT_BODY, `v1=${v1.toUpperCase()},t=${T}`, SECRET, { now: T })).id, 'evt_1');
});

test('while a secret is rotated, one matching v1 of several is enough', async () => {
  const rotated = `${EVENT_HEADER},v1=${sign('whsec_new', T, EVENT_BODY)}`;
  // The second v1 matches the new secret, the first the old one.
  assert.equal((await verifyWebhook(EVENT_BODY, rotated, 'whsec_new', { now: T })).id, 'evt_1');
  assert.equal((await verifyWebhook(EVENT_BODY, rotated, SECRET, { now: T })).id, 'evt_1');
  await refused(verifyWebhook(EVENT_BODY, rotated, 'whsec_third', { now: T }), 'mismatch');
});

test('a correctly signed body that is not an event is refused as body', async () => {
  for (const body of ['not json', '[1,2]', 'null', '"evt"', '{"type":"room_started"}', '{"id":"evt_3"}', '{"id":3,"type":"x"}']) {
    const header = `t=${T},v1=${sign(SECRET, T, body)}`;
    await refused(verifyWebhook(body, header, SECRET, { now: T }), 'body');
  }
  const invalidUtf8 = Uint8Array.from([0x7b, 0xff, 0x7d]);
  await refused(verifyWebhook(invalidUtf8, `t=${T},v1=${sign(SECRET, T, invalidUtf8)}`, SECRET, { now: T }), 'body');
});

test('an empty secret is a configuration error, not a refusal', async () => {
  await assert.rejects(verifyWebhook(EVENT_BODY, EVENT_HEADER, '', { now: T }), TypeError);
  await assert.rejects(verifyWebhook(EVENT_BODY, EVENT_HEADER, undefined, { now: T }), TypeError);
});
