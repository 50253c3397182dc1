/** Page entry: wires sign-in, the room session and the views. */
import { isAddress, marketFromLocation, shortAddress } from './address';
import { browserWalletSigner, findBrowserWallet, guestSigner, login, type Session } from './auth';
import type { RoomState } from './room-state';
import { VoiceSession, type Phase, type SessionListener, type TokenSource } from './session';
import { AudioSink } from './view/audio';
import { Controls } from './view/controls';
import { JoinForm, type Identity } from './view/join-form';
import { RoomView } from './view/room-view';
import { StatusView } from './view/status';

/** A token this close to its expiry is renewed before use. */
const TOKEN_MARGIN_MS = 60_000;
const DEFAULT_TITLE = 'Market voice rooms';

const status = new StatusView();
const form = new JoinForm();
const audio = new AudioSink();
const title = document.getElementById('title');
const browserWallet = findBrowserWallet();
let voice: VoiceSession | undefined;
let room: RoomState | undefined;
let signedIn: { identity: Identity; session: Session } | undefined;

const roomView = new RoomView((action, target) => void voice?.moderate(action, target));
const controls = new Controls({
  mute: (muted) => void voice?.setMuted(muted),
  hand: (raised) => void voice?.setHand(raised),
  chooseMic: (deviceId) => void voice?.chooseMic(deviceId),
  muteAll: () => void voice?.moderate('mute_all'),
  leave: () => void voice?.leave(),
});

/** What the status line says in the room, by role. */
function roleText(state: RoomState | undefined): string {
  const me = state?.me;
  if (!state || !me) return 'You are in the room.';
  if (me.isFounder) return 'You host this room.';
  if (me.isSpeaker) return 'You are on stage.';
  return state.settings.speakerOnly ? 'You are listening. Raise your hand to ask to speak.' : 'You are listening.';
}

function setTitle(market: string): void {
  const text = market ? `Room ${shortAddress(market)}` : DEFAULT_TITLE;
  if (title) title.textContent = text;
  document.title = market ? `${text} · PNL Voice` : 'PNL Voice Rooms';
}

function onPhase(phase: Phase): void {
  status.phase(phase, roleText(room));
  controls.setOnline(phase.kind === 'joined');
  if (phase.kind === 'joined') {
    form.show(false);
    roomView.show(true);
    if (!phase.rejoined) roomView.focus();
  } else if (phase.kind === 'reconnecting') {
    roomView.silence();
  } else if (phase.kind === 'ended') {
    voice = undefined;
    room = undefined;
    if (phase.reason === 'error') signedIn = undefined; // perhaps a stale token: sign in afresh
    roomView.clear();
    roomView.show(false);
    audio.clear();
    form.show(true);
    form.setBusy(false);
    form.focus();
    setTitle('');
  }
}

const listener: SessionListener = {
  phase: onPhase,
  room: (state) => {
    room = state;
    roomView.render(state);
    controls.setRoom(state);
    status.role(roleText(state));
  },
  levels: (levels) => roomView.levels(levels),
  activeSpeaker: (wallet) => roomView.activeSpeaker(wallet),
  mic: (mic) => {
    controls.setMic(mic);
    if (!mic.muted) status.clearNotice('speak-now', 'muted-by-founder');
  },
  notice: (notice) => status.showNotice(notice),
  audioPath: (state) => status.audioPath(state),
  problem: (text) => status.problem(text),
  trackAdded: (producerId, wallet, track) => audio.add(producerId, wallet, track),
  trackRemoved: (producerId) => audio.remove(producerId),
};

/** Tokens for `identity`: the cached one while it lasts, else a new challenge signed by the wallet or guest key. */
function tokens(identity: Identity): TokenSource {
  return async (fresh) => {
    const cached = signedIn?.identity === identity ? signedIn.session : undefined;
    if (!fresh && cached && cached.expiresAt - TOKEN_MARGIN_MS > Date.now()) return cached.token;
    const wallet = identity === 'wallet' ? browserWallet : undefined;
    status.message(wallet ? 'Approve the sign-in message in your wallet…' : 'Signing in…');
    const session = await login(wallet ? await browserWalletSigner(wallet) : guestSigner());
    signedIn = { identity, session };
    return session.token;
  };
}

form.onJoin((market, identity) => {
  if (voice) return;
  if (!isAddress(market)) {
    form.setInvalid(true);
    status.message('Enter a market address: the base58 text of a 32-byte Solana public key.', 'error');
    return;
  }
  form.setInvalid(false);
  form.setBusy(true);
  setTitle(market);
  voice = new VoiceSession(market, tokens(identity), listener);
  void voice.start();
});

if (window.top !== window.self) document.documentElement.dataset.embedded = 'true';
form.setMarket(marketFromLocation(location));
if (browserWallet) form.offerBrowserWallet();
status.phase({ kind: 'idle' });
