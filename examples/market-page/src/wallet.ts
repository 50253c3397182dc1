/**
 * The page's own wallet, as a market site has it: the injected wallet
 * (Phantom, or any `window.solana`) when there is one, else a guest key
 * kept in this origin's localStorage (the same format the room page uses).
 */
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import type { Signer, VoiceAuth } from '@pnl-voice/client';
import bs58 from 'bs58';

ed.hashes.sha512 = sha512;

const GUEST_KEY_STORAGE = 'pnl-voice:guest-secret-key';

/** The part of an injected Solana wallet used here (Phantom's `signMessage` gives `{signature}`, others the bytes). */
export interface InjectedWallet {
  publicKey?: { toString(): string } | null;
  connect(): Promise<unknown>;
  signMessage(message: Uint8Array, display?: 'utf8'): Promise<{ signature: Uint8Array } | Uint8Array>;
}

declare global {
  interface Window {
    solana?: InjectedWallet;
    phantom?: { solana?: InjectedWallet };
  }
}

export function injectedWallet(): InjectedWallet | undefined {
  const provider = window.phantom?.solana ?? window.solana;
  return typeof provider?.signMessage === 'function' ? provider : undefined;
}

/** Connects the injected wallet (Phantom asks the user once) and signs with it. */
export async function walletSigner(provider: InjectedWallet): Promise<Signer> {
  const connected = await provider.connect();
  const key =
    typeof connected === 'object' && connected !== null && 'publicKey' in connected && connected.publicKey
      ? (connected.publicKey as { toString(): string })
      : provider.publicKey;
  if (!key) throw new Error('The wallet did not share its address.');
  return {
    publicKey: key.toString(),
    signMessage: async (message) => {
      const signed = await provider.signMessage(message, 'utf8');
      return signed instanceof Uint8Array ? signed : signed.signature;
    },
  };
}

/** This browser's guest key for this origin, created on first use. */
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
    return ed.utils.randomSecretKey(); // storage disabled: a key for this page view only
  }
}

/** How this page signs in to the voice room: called when the user presses Listen. */
export async function pageAuth(): Promise<VoiceAuth> {
  const provider = injectedWallet();
  return { signer: provider ? await walletSigner(provider) : guestSigner() };
}
