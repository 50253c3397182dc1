// The ready-made signers: the guest key (with injected storage) and the
// injected wallet adapter (with fake Phantom- and Solflare-style providers).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ed from '@noble/ed25519';
import bs58 from 'bs58';
import { guestSigner, injectedWallet, walletSigner } from '../dist/index.js';

/** A Storage stand-in that records writes. */
function memoryStorage() {
  const items = new Map();
  const writes = [];
  return {
    items,
    writes,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      writes.push(key);
      items.set(key, String(value));
    },
  };
}

const MESSAGE = new TextEncoder().encode('Sign in to PNL Voice Rooms.');

test('guestSigner creates a key once, stores it under the room page key and reuses it', () => {
  const storage = memoryStorage();
  const first = guestSigner({ storage });
  const second = guestSigner({ storage });
  assert.equal(first.publicKey, second.publicKey);
  assert.deepEqual(storage.writes, ['pnl-voice:guest-secret-key']);
  assert.equal(bs58.decode(storage.items.get('pnl-voice:guest-secret-key')).length, 32);
  assert.equal(bs58.decode(first.publicKey).length, 32);
});

test('guestSigner honours storageKey, and a different key is a different guest', () => {
  const storage = memoryStorage();
  const a = guestSigner({ storage, storageKey: 'a' });
  const b = guestSigner({ storage, storageKey: 'b' });
  assert.notEqual(a.publicKey, b.publicKey);
  assert.deepEqual(storage.writes, ['a', 'b']);
  assert.equal(guestSigner({ storage, storageKey: 'a' }).publicKey, a.publicKey);
});

test('guestSigner signatures verify against its address', async () => {
  const signer = guestSigner({ storage: memoryStorage() });
  const signature = await signer.signMessage(MESSAGE);
  assert.equal(signature.length, 64);
  assert.equal(ed.verify(signature, MESSAGE, bs58.decode(signer.publicKey)), true);
});

test('guestSigner without working storage still signs, with a key of its own', async () => {
  const broken = {
    getItem: () => {
      throw new Error('SecurityError');
    },
    setItem: () => undefined,
  };
  const signer = guestSigner({ storage: broken });
  const signature = await signer.signMessage(MESSAGE);
  assert.equal(ed.verify(signature, MESSAGE, bs58.decode(signer.publicKey)), true);
});

const ADDRESS = 'Wa11et1111111111111111111111111111111111111';
const SIGNATURE = new Uint8Array(64).fill(7);

/** A fake injected wallet; `connectsWith` is what `connect()` resolves with. */
function fakeWallet({ publicKey = null, connectsWith, signsWith = (bytes) => bytes } = {}) {
  const calls = { connect: 0, sign: [] };
  const provider = {
    publicKey,
    async connect() {
      calls.connect += 1;
      return connectsWith?.(provider);
    },
    async signMessage(message, display) {
      calls.sign.push({ message, display });
      return signsWith(SIGNATURE);
    },
  };
  return { provider, calls };
}

test('walletSigner connects a wallet that has no address yet (Phantom: connect resolves with {publicKey})', async () => {
  const { provider, calls } = fakeWallet({ connectsWith: () => ({ publicKey: { toString: () => ADDRESS } }) });
  const signer = await walletSigner(provider);
  assert.equal(calls.connect, 1);
  assert.equal(signer.publicKey, ADDRESS);
});

test('walletSigner reads the key from the provider when connect resolves with a boolean (Solflare)', async () => {
  const { provider, calls } = fakeWallet({
    connectsWith: (p) => {
      p.publicKey = { toString: () => ADDRESS };
      return true;
    },
  });
  assert.equal((await walletSigner(provider)).publicKey, ADDRESS);
  assert.equal(calls.connect, 1);
});

test('walletSigner does not connect a wallet that already shared its address', async () => {
  const { provider, calls } = fakeWallet({ publicKey: { toString: () => ADDRESS } });
  assert.equal((await walletSigner(provider)).publicKey, ADDRESS);
  assert.equal(calls.connect, 0);
});

test('walletSigner rejects when the wallet gives no address', async () => {
  const { provider } = fakeWallet({ connectsWith: () => false });
  await assert.rejects(walletSigner(provider), /did not share its address/);
});

test('walletSigner returns the signature bytes of both signMessage shapes', async () => {
  const phantom = fakeWallet({ publicKey: ADDRESS, signsWith: (signature) => ({ signature }) });
  const solflare = fakeWallet({ publicKey: ADDRESS, signsWith: (signature) => signature });
  for (const { provider, calls } of [phantom, solflare]) {
    const signer = await walletSigner(provider);
    assert.deepEqual(await signer.signMessage(MESSAGE), SIGNATURE);
    assert.deepEqual(calls.sign, [{ message: MESSAGE, display: 'utf8' }]);
  }
});

test('injectedWallet prefers Phantom, then Solflare, then window.solana, and skips providers that cannot sign', () => {
  const wallet = (name) => ({ name, connect: async () => undefined, signMessage: async () => SIGNATURE });
  const saved = { phantom: globalThis.phantom, solflare: globalThis.solflare, solana: globalThis.solana };
  try {
    assert.equal(injectedWallet(), null);
    globalThis.solana = wallet('solana');
    assert.equal(injectedWallet()?.name, 'solana');
    globalThis.solflare = wallet('solflare');
    assert.equal(injectedWallet()?.name, 'solflare');
    globalThis.phantom = { solana: { name: 'no-sign' } };
    assert.equal(injectedWallet()?.name, 'solflare');
    globalThis.phantom = { solana: wallet('phantom') };
    assert.equal(injectedWallet()?.name, 'phantom');
  } finally {
    Object.assign(globalThis, saved);
    for (const [key, value] of Object.entries(saved)) if (value === undefined) delete globalThis[key];
  }
});
