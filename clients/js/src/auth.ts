/**
 * Wallet sign-in (docs/protocol.md, "Signing in"): the server's challenge,
 * signed by the wallet, traded for a JWT.
 */
import bs58 from 'bs58';
import { callApi } from './api.js';
import type { Platform } from './platform.js';

/** A wallet that can sign: a browser wallet, a key, or a bridge to one. */
export interface Signer {
  /** The wallet address (base58 public key). */
  publicKey: string;
  /** Signs the exact bytes (an ed25519 signature, 64 bytes). */
  signMessage(message: Uint8Array): Promise<Uint8Array>;
}

/** A JWT for the socket and REST. */
export interface SignedIn {
  token: string;
  /** ISO 8601. */
  expiresAt: string;
}

interface Challenge {
  nonce: string;
  message: string;
  expiresAt: string;
}

/** Challenge, sign its exact `message` text, verify. */
export async function signInWith(fetcher: Platform['fetch'], serverUrl: string, signer: Signer): Promise<SignedIn> {
  const walletAddress = signer.publicKey;
  const challenge = await callApi<Challenge>(fetcher, serverUrl, '/api/auth/challenge', { walletAddress });
  const signature = await signer.signMessage(new TextEncoder().encode(challenge.message));
  return callApi<SignedIn>(fetcher, serverUrl, '/api/auth/verify', {
    walletAddress,
    nonce: challenge.nonce,
    signature: bs58.encode(signature),
  });
}

/** Signs `signer` in to the server at `serverUrl` (`POST /api/auth/challenge`, then `/api/auth/verify`). */
export function signIn(serverUrl: string, signer: Signer): Promise<SignedIn> {
  return signInWith((input, init) => globalThis.fetch(input, init), serverUrl, signer);
}
