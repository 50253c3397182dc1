/**
 * The browser's wallet extension as a `Signer`. Phantom, Solflare and most
 * Solana wallets inject a provider with `connect` and `signMessage`; they
 * differ in what those resolve with, so both shapes are accepted.
 */
import type { Signer } from './auth.js';

/**
 * The part of an injected Solana wallet the SDK uses. Phantom's
 * `signMessage` resolves with `{signature}`, Solflare's with the signature
 * bytes; Phantom's `connect` resolves with `{publicKey}`, Solflare's with a
 * boolean (the key is then on the provider).
 */
export interface InjectedWallet {
  /** Set once the wallet is connected; `toString()` is the base58 address. */
  publicKey?: { toString(): string } | null;
  connect(): Promise<unknown>;
  signMessage(message: Uint8Array, display?: 'utf8'): Promise<{ signature: Uint8Array } | Uint8Array>;
}

/** Where wallets put their provider; read from `globalThis` when asked, never at import. */
interface WalletGlobals {
  phantom?: { solana?: InjectedWallet };
  solflare?: InjectedWallet;
  solana?: InjectedWallet;
}

/**
 * The injected wallet that can sign messages: Phantom's, else Solflare's,
 * else any other `window.solana`; `null` when there is none (or on the server).
 */
export function injectedWallet(): InjectedWallet | null {
  const globals = globalThis as WalletGlobals;
  for (const provider of [globals.phantom?.solana, globals.solflare, globals.solana]) {
    if (typeof provider?.signMessage === 'function') return provider;
  }
  return null;
}

function hasPublicKey(value: unknown): value is { publicKey: { toString(): string } } {
  return typeof value === 'object' && value !== null && 'publicKey' in value && value.publicKey != null;
}

/**
 * Signs with `provider`, asking it to connect first when it has not shared
 * its address yet (the wallet may show the user a prompt: call this from a
 * click). Rejects when the user declines or the wallet gives no address.
 */
export async function walletSigner(provider: InjectedWallet): Promise<Signer> {
  let publicKey = provider.publicKey;
  if (!publicKey) {
    const connected = await provider.connect();
    publicKey = hasPublicKey(connected) ? connected.publicKey : provider.publicKey;
  }
  if (!publicKey) throw new Error('The wallet did not share its address.');
  return {
    publicKey: publicKey.toString(),
    signMessage: async (message) => {
      const signed = await provider.signMessage(message, 'utf8');
      return signed instanceof Uint8Array ? signed : signed.signature;
    },
  };
}
