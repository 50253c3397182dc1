/**
 * A `Signer` backed by the host page's wallet over the wallet bridge: the
 * embedded user signs in with the wallet of the top window (which extensions
 * inject into) and keeps the position badge of that wallet.
 */
import { fromBase64, toBase64 } from '../embed/protocol';
import type { FrameChannel } from './channel';
import type { Signer } from './room-api';

/** A 32-byte base58 address, as the server expects. */
const ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

/** The host's wallet as a signer, or undefined when the host has none (or declined). */
export async function bridgeSigner(channel: FrameChannel): Promise<Signer | undefined> {
  if (!channel.connected) return undefined;
  const answer = await channel.request({ type: 'wallet-request' });
  if (answer.type !== 'wallet-response' || !answer.publicKey || !ADDRESS.test(answer.publicKey)) return undefined;
  return {
    publicKey: answer.publicKey,
    signMessage: async (message) => {
      const signed = await channel.request({ type: 'sign-request', message: toBase64(message) });
      if (signed.type !== 'sign-response') throw new Error('The host page answered something else.');
      if ('error' in signed) throw new Error(`The wallet did not sign: ${signed.error}`);
      return fromBase64(signed.signature);
    },
  };
}
