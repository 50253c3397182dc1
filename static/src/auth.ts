/**
 * Wallet login (PROTOCOL.md section 1): sign the server's challenge, get a JWT.
 * The signer is either a guest ed25519 key kept in localStorage or a browser
 * wallet (Phantom-style `signMessage`).
 */
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import bs58 from 'bs58';
import { postJson } from './api';

// Synchronous SHA-512: WebCrypto is missing on plain-http pages outside localhost.
ed.hashes.sha512 = sha512;

const GUEST_KEY_STORAGE = 'pnl-voice:guest-secret-key';

/** Something that owns a wallet address and can sign bytes with its key. */
export interface WalletSigner {
  address: string;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** A logged-in wallet. */
export interface Session {
  walletAddress: string;
  token: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

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
export async function browserWalletSigner(provider: SolanaProvider): Promise<WalletSigner> {
  const connected = await provider.connect();
  const publicKey = hasPublicKey(connected) ? connected.publicKey : provider.publicKey;
  if (!publicKey) throw new Error('The wallet did not share its address.');
  return {
    address: publicKey.toString(),
    sign: async (message) => {
      const signed = await provider.signMessage(message, 'utf8');
      return signed instanceof Uint8Array ? signed : signed.signature;
    },
  };
}

function hasPublicKey(value: unknown): value is { publicKey: PublicKeyLike } {
  return typeof value === 'object' && value !== null && 'publicKey' in value && value.publicKey != null;
}

/** This browser's guest key, created on first use. */
export function guestSigner(): WalletSigner {
  const secretKey = loadOrCreateGuestKey();
  return {
    address: bs58.encode(ed.getPublicKey(secretKey)),
    sign: async (message) => ed.sign(message, secretKey),
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

interface Challenge {
  nonce: string;
  message: string;
  expiresAt: string;
}

interface Verified {
  token: string;
  expiresAt: string;
}

/** Challenge, sign the exact `message` text, verify: returns the JWT session. */
export async function login(signer: WalletSigner): Promise<Session> {
  const walletAddress = signer.address;
  const challenge = await postJson<Challenge>('/api/auth/challenge', { walletAddress });
  const signature = await signer.sign(new TextEncoder().encode(challenge.message));
  const verified = await postJson<Verified>('/api/auth/verify', {
    walletAddress,
    nonce: challenge.nonce,
    signature: bs58.encode(signature),
  });
  return { walletAddress, token: verified.token, expiresAt: Date.parse(verified.expiresAt) };
}
