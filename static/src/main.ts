/** Page entry: wires the view to login, signaling and the room. */
import { isAddress, marketFromLocation, shortAddress } from './address';
import { browserWalletSigner, findBrowserWallet, guestSigner, login, type Session } from './auth';
import { describeError, ProtocolError } from './protocol';
import { Room, type RoomListener } from './room';
import { Signaling } from './signaling';
import { View, type Identity } from './view';

/** A token this close to its expiry is renewed before use. */
const TOKEN_MARGIN_MS = 60_000;

const view = new View();
const browserWallet = findBrowserWallet();
let session: { identity: Identity; value: Session } | undefined;
let room: Room | undefined;

const listener: RoomListener = {
  roster: (participants, self) => view.renderParticipants(participants, self),
  trackAdded: (producerId, track) => view.addAudio(producerId, track),
  trackRemoved: (producerId) => view.removeAudio(producerId),
  micChanged: (mic) => view.setMic(mic),
  notice: (text) => view.setStatus(text, 'error'),
  ended: (reason) => {
    room = undefined;
    view.clearRoom();
    view.setPhase('idle');
    view.setStatus(reason);
  },
};

/** A valid session for `identity`, reusing the last one while its token lasts. */
async function signIn(identity: Identity): Promise<Session> {
  if (session?.identity === identity && session.value.expiresAt - TOKEN_MARGIN_MS > Date.now()) {
    return session.value;
  }
  view.setStatus(identity === 'wallet' ? 'Waiting for the wallet…' : 'Signing in…');
  const signer = identity === 'wallet' && browserWallet ? await browserWalletSigner(browserWallet) : guestSigner();
  const value = await login(signer);
  session = { identity, value };
  return value;
}

function socketUrl(base: string, token: string): string {
  return `${base}?token=${encodeURIComponent(token)}`;
}

/** Connects and joins; follows one `WRONG_NODE` redirect to the node that owns the room. */
async function enterRoom(market: string, token: string): Promise<{ room: Room; speaker: boolean }> {
  let base = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  for (let redirects = 0; ; redirects++) {
    view.setStatus('Connecting…');
    const signaling = await Signaling.connect(socketUrl(base, token));
    const joining = new Room(signaling, listener);
    view.setStatus('Joining the room…');
    try {
      const you = await joining.join(market);
      return { room: joining, speaker: you.isSpeaker };
    } catch (err) {
      if (!(err instanceof ProtocolError && err.code === 'WRONG_NODE' && err.workerUrl && redirects === 0)) {
        throw err;
      }
      base = err.workerUrl;
    }
  }
}

async function join(market: string, identity: Identity): Promise<void> {
  if (!isAddress(market)) {
    view.setMarketInvalid(true);
    view.setStatus('Enter a market address: base58 text of a 32-byte Solana public key.', 'error');
    return;
  }
  view.setMarketInvalid(false);
  view.setPhase('busy');
  try {
    const current = await signIn(identity);
    const entered = await enterRoom(market, current.token);
    room = entered.room;
    view.setPhase('joined');
    const role = entered.speaker ? 'a speaker (you start muted)' : 'a listener';
    view.setStatus(`In room ${shortAddress(market)} as ${shortAddress(current.walletAddress)}, ${role}.`);
  } catch (err) {
    // A refused token or socket may mean a stale session: sign in afresh next time.
    if (err instanceof ProtocolError && ['UNAUTHORIZED', 'DISCONNECTED'].includes(err.code)) session = undefined;
    view.clearRoom();
    view.setPhase('idle');
    view.setStatus(describeError(err), 'error');
  }
}

view.setMarket(marketFromLocation(location));
if (browserWallet) view.offerBrowserWallet();
view.setPhase('idle');
view.onJoin((market, identity) => void join(market, identity));
view.onLeave(() => void room?.leave());
view.onMute((muted) => {
  room?.setMuted(muted).catch((err: unknown) => view.setStatus(describeError(err), 'error'));
});
