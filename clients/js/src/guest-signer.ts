/**
 * A guest wallet for users without a wallet extension: an ed25519 key made
 * in the browser and kept in its storage, so the same browser comes back
 * with the same address.
 */
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import bs58 from 'bs58';
import type { Signer } from './auth.js';

/** Where the room page (`static/`) keeps its guest key; the default, so a browser keeps its address. */
const GUEST_KEY_STORAGE_KEY = 'pnl-voice:guest-secret-key';

export interface GuestSignerOptions {
  /** Where the secret key is kept (base58); default `localStorage`. */
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
  /** The storage key; default `pnl-voice:guest-secret-key`. */
  storageKey?: string;
}

/**
 * This browser's guest signer: the stored key, or a new one that is stored
 * for next time. Without usable storage (private mode, a policy, the
 * server) the key lives as long as the signer.
 */
export function guestSigner(options: GuestSignerOptions = {}): Signer {
  // Synchronous SHA-512 for ed25519: WebCrypto is missing on plain-http pages outside localhost.
  ed.hashes.sha512 ??= sha512;
  const secretKey = loadOrCreateKey(options.storageKey ?? GUEST_KEY_STORAGE_KEY, options.storage);
  return {
    publicKey: bs58.encode(ed.getPublicKey(secretKey)),
    signMessage: async (message) => ed.sign(message, secretKey),
  };
}

function loadOrCreateKey(storageKey: string, given: GuestSignerOptions['storage']): Uint8Array {
  try {
    // Reading `localStorage` itself throws where storage is disabled.
    const storage = given ?? globalThis.localStorage;
    if (!storage) return ed.utils.randomSecretKey();
    const stored = bs58.decodeUnsafe(storage.getItem(storageKey) ?? '');
    if (stored?.length === 32) return stored;
    const secretKey = ed.utils.randomSecretKey();
    storage.setItem(storageKey, bs58.encode(secretKey));
    return secretKey;
  } catch {
    return ed.utils.randomSecretKey();
  }
}
