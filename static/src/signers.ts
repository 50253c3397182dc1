/**
 * The page's signers for `@pnl-voice/client`: the browser wallet when one
 * is injected (Phantom-style `signMessage`), else a guest ed25519 key kept
 * in localStorage so the browser keeps its address.
 */
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import type { Signer } from '@pnl-voice/client';
import bs58 from 'bs58';

// Synchronous SHA-512: WebCrypto is missing on plain-http pages outside localhost.
ed.hashes.sha512 = sha512;

const GUEST_KEY_STORAGE = 'pnl-voice:guest-secret-key';

interface PublicKeyLike {
  toString(): string;
}

/**
 * The part of an injected Solana wallet used here. Phantom's `signMessage`
 * resolves with `{signature}`, Solflare's with the signature bytes; Phantom's
 * `connect` resolves with `{publicKey}`, Solflare's with a boolean.
 */
export interface SolanaProvider {
  publicKey?: PublicKeyLike | null;
  connect(): Promise<unknown>;
  signMessage(message: Uint8Array, display?: 'utf8'): Promise<{ signature: Uint8Array } | Uint8Array>;
}

declare global {
  interface Window {
    solana?: SolanaProvider;
    phantom?: { solana?: SolanaProvider };
    solflare?: SolanaProvider;
  }
}

/** The injected wallet (Phantom, Solflare or another `window.solana`), if one can sign messages. */
export function findBrowserWallet(): SolanaProvider | undefined {
  for (const provider of [window.phantom?.solana, window.solflare, window.solana]) {
    if (typeof provider?.signMessage === 'function') return provider;
  }
  return undefined;
}

/** Asks the browser wallet to connect and signs with it. */
export async function browserWalletSigner(provider: SolanaProvider): Promise<Signer> {
  const connected = await provider.connect();
  const publicKey = hasPublicKey(connected) ? connected.publicKey : provider.publicKey;
  if (!publicKey) throw new Error('The wallet did not share its address.');
  return {
    publicKey: publicKey.toString(),
    signMessage: async (message) => {
      const signed = await provider.signMessage(message, 'utf8');
      return signed instanceof Uint8Array ? signed : signed.signature;
    },
  };
}

function hasPublicKey(value: unknown): value is { publicKey: PublicKeyLike } {
  return typeof value === 'object' && value !== null && 'publicKey' in value && value.publicKey != null;
}

/** This browser's guest key, created on first use. */
export function guestSigner(): Signer {
  const secretKey = loadOrCreateGuestKey();
  return {
    publicKey: bs58.encode(ed.getPublicKey(secretKey)),
    signMessage: async (message) => ed.sign(message, secretKey),
  };
}

function loadOrCreateGuestKey(): Uint8Array {
  try {
    const stored = bs58.decodeUnsafe(localStorage.getItem(GUEST_KEY_STORAGE) ?? '');
    if (stored?.length === 32) return stored;
    const secretKey = ed.utils.randomSecretKey();
    localStorage.setItem(GUEST_KEY_STORAGE, bs58.encode(secretKey));
    return secretKey;
  } catch {
    // Storage disabled (private mode, policy): a key for this page only.
    return ed.utils.randomSecretKey();
  }
}
