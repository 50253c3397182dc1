/**
 * The page's own wallet, as a market site has it: the injected wallet
 * (Phantom, Solflare or any `window.solana`) when there is one, else a
 * guest key kept in this origin's localStorage. Both come from the SDK.
 */
import { guestSigner, injectedWallet, walletSigner, type VoiceAuth } from '@pnl-voice/client';

/** How this page signs in to the voice room: called when the user presses Listen. */
export async function pageAuth(): Promise<VoiceAuth> {
  const provider = injectedWallet();
  return { signer: provider ? await walletSigner(provider) : guestSigner() };
}
