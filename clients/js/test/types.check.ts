/**
 * Type-level tests, checked by `tsc -p test/tsconfig.json` (part of `npm test`):
 * the server events this SDK handles are exactly the generated `ServerEvent`s,
 * payloads have the generated shapes, and the public API (the embed API too)
 * rejects wrong ones.
 * When the generated wire types drift from what the SDK expects, this fails.
 */
import {
  REACTIONS,
  VoiceRoom,
  type Emoji,
  type EventData,
  type Participant,
  type RoomSettings,
  type ServerEvent,
  type ServerEventName,
  type VoiceRoomEvents,
  type WebhookEvent,
  type WebhookEventType,
  verifyWebhook,
  WebhookVerificationError,
} from '../src/index.js';
import { loadEmbed, type EmbedController, type EmbedOptions, type HostCommand, type PNLVoiceEmbedApi } from '../src/embed/index.js';

/** Every server event, each once: a missing or unknown name is an error. */
export const HANDLED = {
  'voice:user_joined': true,
  'voice:user_left': true,
  'voice:user_muted': true,
  'voice:speaker_granted': true,
  'voice:speaker_revoked': true,
  'voice:hand_raised': true,
  'voice:hand_lowered': true,
  'voice:new_producer': true,
  'voice:producer_closed': true,
  'voice:active_speaker': true,
  'voice:speaking': true,
  'voice:kicked': true,
  'voice:room_closed': true,
  'voice:settings_updated': true,
  'voice:hosts_changed': true,
  'voice:speaker_invited': true,
  'voice:invite_declined': true,
  'voice:reaction': true,
  'voice:debate_started': true,
  'voice:debate_turn': true,
  'voice:debate_floor': true,
  'voice:debate_poll': true,
  'voice:debate_ended': true,
  'voice:error': true,
} as const satisfies Record<ServerEventName, true>;

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(value: T): T => value;
assertType<Equal<keyof typeof HANDLED, ServerEventName>>(true);
// The SDK's list of reactions is the server's set.
assertType<Equal<(typeof REACTIONS)[number], Emoji>>(true);

const participant: Participant = {
  walletAddress: 'W',
  displayName: 'W',
  position: 'YES',
  positionSize: 12.5,
  isFounder: false,
  isHost: false,
  isCoHost: false,
  isSpeaker: true,
  isMuted: true,
  handRaised: false,
  invited: false,
  joinedAt: '2026-01-01T00:00:00Z',
  speakingTime: 0,
};
const settings: RoomSettings = { maxParticipants: 10, speakerOnly: true, autoDestroy: true, destroyAfterMinutes: 5 };

// The data of each event as the SDK reads it.
export const payloads: { [E in ServerEventName]: EventData<E> } = {
  'voice:user_joined': { user: participant },
  'voice:user_left': { walletAddress: 'W' },
  'voice:user_muted': { walletAddress: 'W', muted: true },
  'voice:speaker_granted': { walletAddress: 'W' },
  'voice:speaker_revoked': { walletAddress: 'W' },
  'voice:hand_raised': { walletAddress: 'W', queue: ['W'] },
  'voice:hand_lowered': { walletAddress: 'W', queue: [] },
  'voice:new_producer': { producerId: 'p', walletAddress: 'W' },
  'voice:producer_closed': { producerId: 'p', walletAddress: 'W' },
  'voice:active_speaker': { walletAddress: 'W' },
  'voice:speaking': { walletAddresses: ['W'] },
  'voice:kicked': { reason: 'kicked' },
  'voice:room_closed': { reason: 'replaced' },
  'voice:settings_updated': { settings },
  'voice:hosts_changed': { host: 'W', coHosts: ['W'] },
  'voice:speaker_invited': { walletAddress: 'W', expiresAt: '2026-01-01T00:01:00.000Z' },
  'voice:invite_declined': { walletAddress: 'W', reason: 'expired' },
  'voice:reaction': { walletAddress: 'W', emoji: '🔥', side: 'YES' },

  'voice:debate_started': { turnSeconds: 90, startedAt: '2026-01-01T00:00:00.000Z' },
  'voice:debate_turn': { side: 'YES', walletAddress: 'W', endsAt: '2026-01-01T00:01:30.000Z', turn: 1 },
  'voice:debate_floor': { open: true },
  'voice:debate_poll': { closesAt: '2026-01-01T00:02:00Z' },
  'voice:debate_ended': {
    summary: {
      id: 'd',
      marketAddress: 'M',
      startedAt: '2026-01-01T00:00:00Z',
      endedAt: '2026-01-01T00:02:00Z',
      turnSeconds: 90,
      turns: [{ side: 'YES', walletAddress: 'W', startedAt: '2026-01-01T00:00:00Z', seconds: 90 }],
      speakingSeconds: { yes: 90, no: 0 },
      poll: { yes: { votes: 1, weight: 12.5 }, no: { votes: 0, weight: 0 }, winner: 'YES' },
    },
  },
  'voice:error': { code: 'BANNED', message: 'banned', until: '2026-01-01T00:10:00Z' },
};

export const wrongPayloads: ServerEvent[] = [
  // @ts-expect-error a wallet is a string
  { event: 'voice:user_left', data: { walletAddress: 1 } },
  // @ts-expect-error user_joined carries `user`, not the participant itself
  { event: 'voice:user_joined', data: participant },
  // @ts-expect-error muted is a boolean
  { event: 'voice:user_muted', data: { walletAddress: 'W', muted: 'yes' } },
  // @ts-expect-error the queue is a list of wallets
  { event: 'voice:hand_raised', data: { walletAddress: 'W', queue: 'W' } },
  // @ts-expect-error a turn's side is YES or NO (or null)
  { event: 'voice:debate_turn', data: { side: 'NONE', walletAddress: 'W', endsAt: null, turn: 1 } },
  // @ts-expect-error not a server event
  { event: 'voice:unknown', data: {} },
  // @ts-expect-error not an error code
  { event: 'voice:error', data: { code: 'NOPE', message: 'x' } },
  // @ts-expect-error reactions are a fixed set
  { event: 'voice:reaction', data: { walletAddress: 'W', emoji: 'hi', side: 'YES' } },
  // @ts-expect-error an invitation ends declined or expired
  { event: 'voice:invite_declined', data: { walletAddress: 'W', reason: 'gone' } },
];

// @ts-expect-error a position is YES, NO or NONE
export const badPosition: Participant = { ...participant, position: 'MAYBE' };

const room = new VoiceRoom({ serverUrl: 'https://voice.example' });
room.on('participant-joined', (p) => p.walletAddress.toUpperCase());
room.on('participant-left', ({ walletAddress }) => walletAddress.length);
room.on('speaking', ({ walletAddress }) => walletAddress?.length);
room.on('levels', (levels) => levels.get('W')?.toFixed(2));
room.on('connection', (state) => assertType<Equal<typeof state, 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed'>>(true));
room.on('closed', ({ reason }) => reason === 'kicked');
room.on('audio', ({ track }) => track.kind);
room.on('reaction', ({ emoji, side }) => emoji.length + side.length);
room.on('speaker-invited', ({ expiresAt }) => expiresAt.length);
room.on('invite-declined', ({ reason }) => reason === 'expired');
room.on('state', (s) => (s.invitation?.expiresAt.length ?? 0) + (s.rejoinsLeft ?? 0));
void room.react('👍');
// @ts-expect-error reactions are a fixed set
void room.react('hello');
void room.respondToInvite(true);
void room.inviteSpeaker('W');
// @ts-expect-error participant-left carries only the wallet
room.on('participant-left', (p: Participant) => p.isSpeaker);
// @ts-expect-error no such room event
room.on('participant-entered', () => undefined);
// @ts-expect-error closed reasons are a fixed set
room.on('closed', ({ reason }) => reason === 'gone');
// @ts-expect-error settings are typed
void room.updateSettings({ speakerOnly: 'yes' });
room.on('debate-turn', ({ side, walletAddress }) => side === 'NO' && walletAddress?.length);
room.on('debate-ended', ({ summary }) => summary.poll.winner === 'YES');
// @ts-expect-error a vote is for YES or NO
void room.voteDebate('NONE');
// @ts-expect-error a turn length is a number of seconds
void room.startDebate('90');
export const turnEnds: string | undefined = room.state.debate?.turn?.endsAt;
// @ts-expect-error a token or a signer, nothing else
void room.join('M', { password: 'x' });
void room.join('M', { signer: { publicKey: 'W', signMessage: async (m: Uint8Array) => m } });
export const unsubscribe: () => void = room.on('state', (s) => s.participants.length);
export type EveryEvent = keyof VoiceRoomEvents;

/** The embed API: `on` is typed per event, and commands and options are checked. */
export function useEmbed(embed: EmbedController): void {
  embed.on('speaking', ({ walletAddress }) => walletAddress?.length);
  embed.on('participant-joined', ({ participant: p }) => p.position === 'YES');
  embed.on('layout', ({ mode, width }) => mode === 'expanded' && width > 0);
  // @ts-expect-error no such embed event
  embed.on('speaker', () => undefined);
  // @ts-expect-error `left` carries a reason, not a wallet
  embed.on('left', ({ walletAddress }) => walletAddress);
  // @ts-expect-error mute takes whether to mute
  embed.mute();
}
export const embedOptions: EmbedOptions = { market: 'M', mode: 'docked', onEvent: (event) => event.type === 'error' && event.code };
// @ts-expect-error the mode is inline or docked
export const badMode: EmbedOptions = { market: 'M', mode: 'floating' };
export const command: HostCommand = { type: 'expand', expanded: true };
export const loaded: Promise<PNLVoiceEmbedApi> = loadEmbed('https://voice.example');

/** Webhooks: the verified event narrows on `type`, and a refusal says why. */
export async function onWebhook(body: string, header: string | undefined): Promise<string | undefined> {
  try {
    const e: WebhookEvent = await verifyWebhook(body, header, 'whsec', { toleranceSeconds: 300 });
    assertType<Equal<WebhookEvent['type'], WebhookEventType['type']>>(true);
    if (e.type === 'participant_joined') return e.data.walletAddress;
    if (e.type === 'debate_ended') return e.data.summary.poll.winner ?? undefined;
    // @ts-expect-error a room_started event carries no wallet
    if (e.type === 'room_started') return e.data.walletAddress;
    return e.id;
  } catch (err) {
    if (err instanceof WebhookVerificationError) return err.reason === 'stale' ? 'replay' : err.reason;
    throw err;
  }
}
// @ts-expect-error the body is the raw text or bytes, not parsed JSON
void verifyWebhook({ id: 'evt' }, 't=1,v1=00', 'whsec');
