/**
 * The host end of the wallet bridge. Wallet extensions usually inject
 * `window.solana` into the top page only, so the room in the iframe asks
 * the host page for the wallet's address and for the signature of its
 * sign-in challenge. The host answers with the `signer` the page passed to
 * `PNLVoice.embed`, else with the injected wallet.
 *
 * Only the sign-in challenge of PNL Voice for this very wallet is signed:
 * the bridge can never be used to make the user sign anything else.
 */
import { injectedWallet, walletSigner } from '@pnl-voice/client';
import type { BridgeRequest, BridgeResponse, HostSigner } from '@pnl-voice/client/embed';
import { fromBase64, toBase64 } from './protocol';

/** The line of the server's challenge that says what the signature is for. */
const SIGN_IN_LINE = 'Sign in to PNL Voice Rooms.';

/** Whether `message` is the voice server's sign-in challenge for `address`. */
function isSignInChallenge(message: Uint8Array, address: string): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(message);
  } catch {
    return false;
  }
  const lines = text.split('\n');
  return lines[0]?.endsWith(' wants you to sign in with your Solana account:') === true &&
    lines[1] === address &&
    lines.includes(SIGN_IN_LINE);
}

export class WalletBridge {
  private signer: Promise<HostSigner | undefined> | undefined;

  constructor(private readonly configured: HostSigner | undefined) {}

  /** The answer to one bridge request of the frame. */
  async answer(request: BridgeRequest): Promise<BridgeResponse> {
    if (request.type === 'wallet-request') {
      try {
        const signer = await this.resolve();
        return { type: 'wallet-response', id: request.id, publicKey: signer ? signer.publicKey.toString() : null };
      } catch {
        this.signer = undefined; // the user declined to connect: ask again next time
        return { type: 'wallet-response', id: request.id, publicKey: null };
      }
    }
    try {
      const signer = await this.resolve();
      if (!signer) throw new Error('This page has no wallet to sign with.');
      const message = fromBase64(request.message);
      if (!isSignInChallenge(message, signer.publicKey.toString())) {
        throw new Error('Only the PNL Voice sign-in message of this wallet is signed.');
      }
      const signature = await signer.signMessage(message);
      return { type: 'sign-response', id: request.id, signature: toBase64(signature) };
    } catch (error) {
      return { type: 'sign-response', id: request.id, error: error instanceof Error ? error.message : String(error) };
    }
  }

  private resolve(): Promise<HostSigner | undefined> {
    if (this.configured) return Promise.resolve(this.configured);
    const provider = injectedWallet();
    if (!provider) return Promise.resolve(undefined);
    this.signer ??= walletSigner(provider);
    return this.signer;
  }
}
