/** Page entry: wires the sign-in choice, the room (`@pnl-voice/client`) and the views. */
import {
  describeError,
  fetchPreview,
  guestSigner,
  injectedWallet,
  VoiceRoom,
  walletSigner,
  type CloseReason,
  type MicrophoneDevice,
  type ReconnectCause,
  type RoomSnapshot,
  type Signer,
  type VoiceRoomEvents,
} from '@pnl-voice/client';
import { isAddress, marketFromLocation, shortAddress } from './address';
import { EmbeddedPage } from './frame/embedded-page';
import { rememberedMicrophone, rememberMicrophone, watchMicrophones } from './microphone';
import { AudioSink } from './view/audio';
import { Controls } from './view/controls';
import { startDebateView } from './view/debate';
import { JoinForm, type Identity } from './view/join-form';
import { isMiniView } from './view/mini';
import { startMini } from './view/mini-page';
import { startPreview } from './view/preview-page';
import { RoomView } from './view/room-view';
import { StatusView, type EndReason, type Phase } from './view/status';
import { startTallyView } from './view/tally';

const DEFAULT_TITLE = 'Market voice rooms';

const RECONNECT_WHY: Record<ReconnectCause, string> = {
  'connection-lost': 'Connection lost.',
  'media-failed': 'The audio connection failed.',
  'worker-died': 'The room’s media server restarted.',
  'server-shutdown': 'The server is restarting; moving you to another one.',
};

/** `?ice=relay` on the page forces every connection through TURN (for checking TURN). */
const iceTransportPolicy = new URLSearchParams(location.search).get('ice') === 'relay' ? 'relay' : 'all';
const room = new VoiceRoom({ serverUrl: location.origin, iceTransportPolicy });

const status = new StatusView();
const form = new JoinForm();
const audio = new AudioSink();
const title = document.getElementById('title');
const browserWallet = injectedWallet();
/** The signer of each identity, once made (the browser wallet connects once). */
const signers = new Map<Identity, Signer>();
let devices: MicrophoneDevice[] = [];
/** A join is under way or the page is in a room. */
let busy = false;

const roomView = new RoomView((action, target) => {
  const act =
    action === 'grant_speaker' ? room.grantSpeaker(target)
    : action === 'revoke_speaker' ? room.revokeSpeaker(target)
    : action === 'kick' ? room.kick(target)
    : room.muteAll();
  act.catch(problem);
});
const controls = new Controls({
  mute: (muted) => room.setMuted(muted).catch(problem),
  pushToTalk: (held) => room.setPushToTalk(held).catch(problem),
  hand: (raised) => (raised ? room.raiseHand() : room.lowerHand()).catch(problem),
  chooseMic: (deviceId) => {
    rememberMicrophone(deviceId);
    room.setMicrophone(deviceId).catch(problem);
  },
  muteAll: () => room.muteAll().catch(problem),
  leave: () => void room.leave(),
});
const microphones = watchMicrophones((list) => {
  devices = list;
  renderMic(room.state);
});

function problem(err: unknown): void {
  status.problem(describeError(err));
}

/** What the status line says in the room, by role. */
function roleText(state: RoomSnapshot): string {
  const me = state.you;
  if (!me) return 'You are in the room.';
  if (me.isFounder) return 'You host this room.';
  if (me.isSpeaker) return 'You are on stage.';
  return state.settings?.speakerOnly ? 'You are listening. Raise your hand to ask to speak.' : 'You are listening.';
}

function setTitle(market: string): void {
  const text = market ? (preview?.latest?.title ?? `Room ${shortAddress(market)}`) : DEFAULT_TITLE;
  if (title) title.textContent = text;
  document.title = market ? `${text} · PNL Voice` : 'PNL Voice Rooms';
}

function renderMic(state: RoomSnapshot): void {
  controls.setMic({ ...state.microphone, speaker: state.you?.isSpeaker ?? false, devices });
}

function onPhase(phase: Phase): void {
  status.phase(phase, roleText(room.state));
  controls.setOnline(phase.kind === 'joined');
  if (phase.kind === 'joined') {
    form.show(false);
    roomView.show(true);
    if (!phase.rejoined) roomView.focus();
  } else if (phase.kind === 'ended') {
    busy = false;
    roomView.clear();
    roomView.show(false);
    audio.clear();
    form.show(true);
    form.setBusy(false);
    form.focus();
    setTitle('');
  }
}

/** Why the stay ended, in the page's words. */
function endOf({ reason, error, serverReason }: VoiceRoomEvents['closed']): { reason: EndReason; text: string } {
  const texts: Record<CloseReason, () => { reason: EndReason; text: string }> = {
    left: () => ({ reason: 'left', text: 'You left the room.' }),
    kicked: () => ({ reason: 'kicked', text: 'The founder removed you from this room.' }),
    replaced: () => ({
      reason: 'replaced',
      text: 'You joined this room from another tab or device, so you left it here.',
    }),
    'room-closed': () => ({ reason: 'closed', text: `The room closed (${serverReason ?? 'closed'}).` }),
    error: () => ({ reason: 'error', text: describeError(error) }),
  };
  return texts[reason]();
}

room.on('connected', ({ rejoined }) => onPhase({ kind: 'joined', rejoined }));
room.on('reconnecting', ({ attempt, cause }) => onPhase({ kind: 'reconnecting', attempt, why: RECONNECT_WHY[cause] }));
room.on('closed', (closed) => onPhase({ kind: 'ended', ...endOf(closed) }));
/** Someone came, left or changed, or the queue or settings did: the room is drawn again (not for speaking time alone). */
let roomChanged = false;
for (const event of ['participant-joined', 'participant-left', 'participant-updated', 'you', 'queue', 'settings'] as const) {
  room.on(event, () => {
    roomChanged = true;
  });
}
room.on('state', (state) => {
  if (!roomChanged || !state.you) return;
  roomChanged = false;
  roomView.render(state);
  controls.setRoom(state);
  renderMic(state);
  status.role(roleText(state));
});
room.on('levels', (levels) => roomView.levels(levels, room.state.participants));
room.on('speaking', ({ walletAddress }) => roomView.activeSpeaker(walletAddress));
room.on('microphone', (mic) => {
  renderMic(room.state);
  if (mic.ready) microphones.refresh(); // the input labels are readable once the microphone is open
  if (!mic.muted) status.clearNotice('speak-now', 'muted-by-founder');
});
room.on('notice', (notice) => status.showNotice(notice));
room.on('audio-path', (path) => status.audioPath(path));
room.on('error', problem);
room.on('audio', ({ producerId, walletAddress, track }) => audio.add(producerId, walletAddress, track));
room.on('audio-ended', ({ producerId }) => audio.remove(producerId));
startDebateView(room, problem);
startTallyView(room);

/**
 * The signer of `identity`: the browser wallet (asking it to connect once) or the guest key;
 * framed by a market page that answers the wallet bridge, that page's wallet.
 */
async function signerFor(identity: Identity): Promise<Signer> {
  const bridged = await (await embedded)?.signer();
  if (bridged) {
    status.message('Approve the sign-in message in your wallet…');
    return bridged;
  }
  const known = signers.get(identity);
  if (known) return known;
  const signer = identity === 'wallet' && browserWallet ? await walletSigner(browserWallet) : guestSigner();
  const told: Signer = {
    publicKey: signer.publicKey,
    signMessage: (message) => {
      status.message(identity === 'wallet' ? 'Approve the sign-in message in your wallet…' : 'Signing in…');
      return signer.signMessage(message);
    },
  };
  signers.set(identity, told);
  return told;
}

form.onJoin((market, identity) => {
  if (busy) return;
  if (!isAddress(market)) {
    form.setInvalid(true);
    status.message('Enter a market address: the base58 text of a 32-byte Solana public key.', 'error');
    return;
  }
  busy = true;
  form.setInvalid(false);
  form.setBusy(true);
  setTitle(market);
  onPhase({ kind: 'connecting' });
  signerFor(identity).then(
    (signer) => room.join(market, { signer }).catch(() => undefined), // the `closed` event tells why
    (err: unknown) => onPhase({ kind: 'ended', reason: 'error', text: describeError(err) }),
  );
});

if (window.top !== window.self) document.documentElement.dataset.embedded = 'true';
void room.setMicrophone(rememberedMicrophone());
const market = marketFromLocation(location);
form.setMarket(market);
const preview = isAddress(market) ? startPreview(room, market, () => fetchPreview(location.origin, market)) : undefined;
if (preview) status.message('You join muted, as a listener.');
const mini = isMiniView() ? startMini(room, () => form.submit(), preview) : undefined;
/** The channel to a market page that frames this one, when it is allowed to. */
const embedded = EmbeddedPage.start(room, () => form.submit(), mini);
if (browserWallet) form.offerBrowserWallet();
status.phase({ kind: 'idle' });
