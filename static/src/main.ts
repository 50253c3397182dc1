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
import { byId } from './view/dom';
import { EmbeddedPage } from './frame/embedded-page';
import { JoinGate } from './join-gate';
import { marketKnown } from './market-check';
import { rememberedMicrophone, rememberMicrophone, watchMicrophones } from './microphone';
import { actOnPerson } from './people';
import { AudioSink } from './view/audio';
import { Controls } from './view/controls';
import { startDebateView } from './view/debate';
import { JoinForm, type Identity } from './view/join-form';
import { isMiniView } from './view/mini';
import { MicHelp } from './view/mic-help';
import { expandForInvitations, startMini } from './view/mini-page';
import { startPreview } from './view/preview-page';
import { InvitationPrompt } from './view/invitation';
import { moderates } from './view/person-actions';
import { reactionPicker, ReactionLayer } from './view/reactions';
import { ReportDialog } from './view/report-dialog';
import { RoomTools } from './view/room-tools';
import { RoomView } from './view/room-view';
import { rejoinWarning, StatusView, type EndReason, type Phase } from './view/status';
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
const gate = new JoinGate(form, status, location.origin);
const audio = new AudioSink();
const title = document.getElementById('title');
const browserWallet = injectedWallet();
/** The signer of each identity, once made (the browser wallet connects once). */
const signers = new Map<Identity, Signer>();
let devices: MicrophoneDevice[] = [];
/** A join is under way or the page is in a room. */
let busy = false;

const reportDialog = new ReportDialog((wallet, reason) => room.report(wallet, reason), describeError);
const roomView = new RoomView(
  (action, target) => {
    const act =
      action === 'grant_speaker' ? room.inviteSpeaker(target) // the listener accepts or declines
      : action === 'revoke_speaker' ? room.revokeSpeaker(target)
      : action === 'kick' ? room.kick(target)
      : room.muteAll();
    act.catch(problem);
  },
  (action, target) =>
    void actOnPerson(room, action, target, (wallet) =>
      reportDialog.open(wallet, () => roomView.refocus(`person:${wallet}`)),
    ).catch(problem),
);
reportDialog.confirmed = (wallet) => roomView.say(`Thank you: your report about ${shortAddress(wallet)} was sent.`);
const roomTools = new RoomTools(() => room.endRoom().catch(problem));
const invitation = new InvitationPrompt((accept) => room.respondToInvite(accept).catch(problem));
const reactions = new ReactionLayer(byId('reactions'));
byId('react-slot').replaceWith(reactionPicker((emoji) => room.react(emoji).catch(problem)));
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
const micHelp = new MicHelp(() => void room.retryMicrophone().catch(problem));
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
  const speaker = state.you?.isSpeaker ?? false;
  controls.setMic({ ...state.microphone, speaker, devices });
  micHelp.show(speaker ? state.microphone.problem : null, state.microphone.opening);
}

function onPhase(phase: Phase): void {
  status.phase(phase, roleText(room.state));
  controls.setOnline(phase.kind === 'joined');
  if (phase.kind === 'reconnecting') roomView.offline();
  if (phase.kind === 'joined') {
    form.show(false);
    roomView.show(true);
    if (!phase.rejoined) roomView.focus();
  } else if (phase.kind === 'ended') {
    busy = false;
    reportDialog.close();
    invitation.set(null);
    reactions.clear();
    roomView.clear();
    roomView.show(false);
    audio.clear();
    form.show(true);
    form.setBusy(false);
    form.focusAfterRefusal();
    setTitle('');
  }
}

/** Why the stay ended, in the page's words. */
function endOf({ reason, error, serverReason }: VoiceRoomEvents['closed']): { reason: EndReason; text: string } {
  const texts: Record<CloseReason, () => { reason: EndReason; text: string }> = {
    left: () => {
      const rejoins = room.state.rejoinsLeft;
      return { reason: 'left', text: rejoins === null ? 'You left the room.' : `You left the room. ${rejoinWarning(rejoins)}` };
    },
    kicked: () => ({ reason: 'kicked', text: 'The founder removed you from this room.' }),
    replaced: () => ({
      reason: 'replaced',
      text: 'You joined this room from another tab or device, so you left it here.',
    }),
    'room-closed': () =>
      serverReason === 'ended'
        ? { reason: 'closed', text: 'The host ended the room.' }
        : { reason: 'closed', text: `The room closed (${serverReason ?? 'closed'}).` },
    error: () => ({ reason: 'error', text: describeError(error) }),
  };
  return texts[reason]();
}

room.on('connected', ({ rejoined }) => {
  onPhase({ kind: 'joined', rejoined });
  const left = room.state.rejoinsLeft;
  if (left !== null) status.warnRejoins(left);
});
room.on('reconnecting', ({ attempt, cause }) => onPhase({ kind: 'reconnecting', attempt, why: RECONNECT_WHY[cause] }));
room.on('closed', (closed) => {
  if (closed.error && room.state.marketAddress) gate.refused(closed.error, room.state.marketAddress);
  onPhase({ kind: 'ended', ...endOf(closed) });
});
/** Someone came, left or changed, or the queue or settings did: the room is drawn again (not for speaking time alone). */
let roomChanged = false;
for (const event of ['participant-joined', 'participant-left', 'participant-updated', 'you', 'queue', 'settings'] as const) {
  room.on(event, () => {
    roomChanged = true;
  });
}
/** The speakers muted on this device at the last drawing (the SDK keeps the array until it changes). */
let drawnMutedLocally: readonly string[] = [];
room.on('state', (state) => {
  invitation.set(state.invitation);
  if (state.mutedLocally !== drawnMutedLocally) {
    drawnMutedLocally = state.mutedLocally;
    roomChanged = true;
  }
  if (!roomChanged || !state.you) return;
  roomChanged = false;
  roomView.render(state);
  if (state.connection === 'reconnecting') roomView.offline();
  roomTools.setRoom(state);
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
room.on('reaction', ({ emoji, side }) => reactions.show({ emoji, side }));
room.on('invite-declined', ({ walletAddress, reason }) => {
  // The moderators hear how their invitation ended; the invited member knows.
  const me = room.state.you;
  if (!me || !moderates(me) || walletAddress === me.walletAddress) return;
  const name = shortAddress(walletAddress);
  roomView.say(reason === 'expired' ? `${name} did not answer the invitation to speak.` : `${name} declined the invitation to speak.`);
});
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

form.onJoin(async (market, identity, anyway) => {
  if (busy) return;
  if (!isAddress(market)) {
    form.setInvalid(true);
    status.message('Enter a market address: the base58 text of a 32-byte Solana public key.', 'error');
    return;
  }
  busy = true;
  gate.clear();
  form.setInvalid(false);
  form.setBusy(true);
  form.offerAnyway(false);
  // A mistyped address must not open an empty room with the microphone on: ask first.
  if (!anyway && !(await marketKnown(location.origin, market))) {
    busy = false;
    form.setBusy(false);
    form.offerAnyway(true);
    status.message(
      'No market is known at this address: check it. Join anyway to open an empty room with no host; ' +
        'you join muted and your microphone stays off until you unmute.',
      'error',
    );
    return;
  }
  setTitle(market);
  onPhase({ kind: 'connecting' });
  signerFor(identity).then(
    // the `closed` event tells why a join failed
    (signer) => room.join(market, { signer }, { microphone: anyway ? 'on-unmute' : 'on-stage' }).catch(() => undefined),
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
if (mini) expandForInvitations(room, mini);
/** The channel to a market page that frames this one, when it is allowed to. */
const embedded = EmbeddedPage.start(room, () => form.submit(), mini);
if (browserWallet) form.offerBrowserWallet();
status.phase({ kind: 'idle' });
