// The REST helpers against a stubbed global fetch: sign-in, the preview, and their errors.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { fetchPreview, signIn, VoiceError } from '../dist/index.js';
import { MARKET, signer } from './fakes.mjs';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

/** Answers each path with `routes[path](body)` in the envelope; records the calls. */
function stub(routes) {
  const calls = [];
  globalThis.fetch = async (url, init) => {
    const { pathname, search } = new URL(url);
    const body = init?.body ? JSON.parse(init.body) : undefined;
    calls.push({ url: String(url), method: init?.method, body });
    const answer = routes[pathname]?.(body, search);
    const envelope = answer?.error ? { success: false, error: answer.error } : { success: true, data: answer };
    return { ok: !answer?.error, status: answer?.error ? 400 : 200, json: async () => envelope };
  };
  return calls;
}

test('signIn signs the exact challenge message and sends the signature in base58', async () => {
  const calls = stub({
    '/api/auth/challenge': ({ walletAddress }) => ({ nonce: 'n1', message: `Sign in as ${walletAddress}`, expiresAt: 'x' }),
    '/api/auth/verify': () => ({ token: 'jwt', expiresAt: '2030-01-01T00:00:00Z' }),
  });
  const key = signer();
  let signed = '';
  key.signMessage = async (message) => {
    signed = new TextDecoder().decode(message);
    return new Uint8Array(64).fill(1);
  };
  assert.deepEqual(await signIn('https://voice.example/', key), { token: 'jwt', expiresAt: '2030-01-01T00:00:00Z' });
  assert.equal(calls[0].url, 'https://voice.example/api/auth/challenge');
  assert.equal(signed, `Sign in as ${key.publicKey}`);
  assert.equal(calls[1].body.walletAddress, key.publicKey);
  assert.equal(calls[1].body.nonce, 'n1');
  assert.match(calls[1].body.signature, /^[1-9A-HJ-NP-Za-km-z]{80,90}$/);
});

test('fetchPreview asks for the market and returns the preview; a bad address rejects with its code', async () => {
  const preview = { marketAddress: MARKET, title: 'Will it rain?', live: true, speakers: 2, listeners: 41, host: null, startedAt: null };
  const calls = stub({ '/api/voice/preview': (_, search) => (search.includes(MARKET) ? preview : { error: { code: 'INVALID_ADDRESS', message: 'bad' } }) });
  assert.deepEqual(await fetchPreview('https://voice.example', MARKET), preview);
  assert.equal(calls[0].url, `https://voice.example/api/voice/preview?marketAddress=${MARKET}`);
  assert.equal(calls[0].method, 'GET');
  await assert.rejects(fetchPreview('https://voice.example', 'nope'), (err) => err instanceof VoiceError && err.code === 'INVALID_ADDRESS');
});

test('an unreachable server rejects with UNREACHABLE', async () => {
  globalThis.fetch = async () => {
    throw new TypeError('fetch failed');
  };
  await assert.rejects(fetchPreview('https://voice.example', MARKET), (err) => err.code === 'UNREACHABLE');
});
