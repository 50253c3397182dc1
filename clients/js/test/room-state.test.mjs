// The room reducer: every server event applied to the room as the join data describes it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  granted,
  levelOf,
  me,
  mutedAll,
  quiet,
  reduceRoom,
  removed,
  roomFromJoin,
  silenced,
  withSettings,
} from '../dist/room-state.js';
import { FOUNDER, joinData, ME, OTHER, participant } from './fakes.mjs';

const start = () =>
  roomFromJoin(
    joinData({
      participants: [
        participant(FOUNDER, { isFounder: true, isSpeaker: true, isMuted: false }),
        participant(OTHER, { handRaised: true }),
      ],
      queue: [OTHER, 'GoneWallet'],
    }),
  );

const get = (room, wallet) => room.participants.get(wallet);

test('join data: everyone including you, the queue of present wallets, hand flags from it', () => {
  const room = start();
  assert.equal(room.self, ME);
  assert.deepEqual([...room.participants.keys()], [FOUNDER, OTHER, ME]);
  assert.deepEqual(room.queue, [OTHER]);
  assert.equal(get(room, OTHER).handRaised, true);
  assert.equal(me(room).walletAddress, ME);
  assert.equal(room.activeSpeaker, null);
  assert.equal(room.levels.size, 0);
  assert.equal(roomFromJoin(joinData({ activeSpeaker: FOUNDER })).activeSpeaker, FOUNDER);
});

test('voice:user_joined adds the participant; voice:user_left removes them everywhere', () => {
  const newcomer = participant('New1111111111111111111111111111111111111111');
  let room = reduceRoom(start(), { event: 'voice:user_joined', data: { user: newcomer } });
  assert.deepEqual(get(room, newcomer.walletAddress), newcomer);
  room = reduceRoom(room, { event: 'voice:active_speaker', data: { walletAddress: OTHER } });
  room = reduceRoom(room, { event: 'voice:user_left', data: { walletAddress: OTHER } });
  assert.equal(room.participants.has(OTHER), false);
  assert.deepEqual(room.queue, []);
  assert.equal(room.activeSpeaker, null);
});

test('voice:user_muted sets the flag and leaves the old room untouched', () => {
  const before = start();
  const room = reduceRoom(before, { event: 'voice:user_muted', data: { walletAddress: FOUNDER, muted: true } });
  assert.equal(get(room, FOUNDER).isMuted, true);
  assert.equal(get(before, FOUNDER).isMuted, false);
});

test('voice:speaker_granted makes a speaker and takes them off the queue', () => {
  const room = reduceRoom(start(), { event: 'voice:speaker_granted', data: { walletAddress: OTHER } });
  assert.equal(get(room, OTHER).isSpeaker, true);
  assert.equal(get(room, OTHER).handRaised, false);
  assert.deepEqual(room.queue, []);
});

test('voice:speaker_revoked makes a muted listener', () => {
  const room = reduceRoom(start(), { event: 'voice:speaker_revoked', data: { walletAddress: FOUNDER } });
  assert.equal(get(room, FOUNDER).isSpeaker, false);
  assert.equal(get(room, FOUNDER).isMuted, true);
});

test('voice:hand_raised and voice:hand_lowered replace the queue and the hand flags', () => {
  let room = reduceRoom(start(), { event: 'voice:hand_raised', data: { walletAddress: ME, queue: [OTHER, ME] } });
  assert.deepEqual(room.queue, [OTHER, ME]);
  assert.equal(me(room).handRaised, true);
  room = reduceRoom(room, { event: 'voice:hand_lowered', data: { walletAddress: OTHER, queue: [ME] } });
  assert.deepEqual(room.queue, [ME]);
  assert.equal(get(room, OTHER).handRaised, false);
});

test('voice:settings_updated: opening the floor makes everyone a speaker and empties the queue', () => {
  const settings = { maxParticipants: 50, speakerOnly: false, autoDestroy: false, destroyAfterMinutes: 1 };
  const room = reduceRoom(start(), { event: 'voice:settings_updated', data: { settings } });
  assert.deepEqual(room.settings, settings);
  assert.ok([...room.participants.values()].every((p) => p.isSpeaker && !p.handRaised));
  assert.deepEqual(room.queue, []);
  const closed = withSettings(start(), { ...settings, speakerOnly: true });
  assert.equal(me(closed).isSpeaker, false);
});

test('voice:active_speaker names the speaker; voice:audio_levels sets levels and speaking time', () => {
  let room = reduceRoom(start(), { event: 'voice:active_speaker', data: { walletAddress: FOUNDER } });
  assert.equal(room.activeSpeaker, FOUNDER);
  room = reduceRoom(room, {
    event: 'voice:audio_levels',
    data: { levels: [{ walletAddress: FOUNDER, volume: -35 }, { walletAddress: 'Stranger', volume: -10 }] },
  });
  assert.deepEqual([...room.levels], [[FOUNDER, 0.5]]);
  assert.equal(get(room, FOUNDER).speakingTime, 0.25);
  assert.equal(quiet(room).levels.size, 0);
  assert.equal(quiet(room).activeSpeaker, FOUNDER);
  assert.equal(silenced(room).activeSpeaker, null);
  assert.equal(levelOf(-127), 0);
  assert.equal(levelOf(0), 1);
});

test('events that are not about the room leave it as it is', () => {
  const room = start();
  for (const event of [
    { event: 'voice:new_producer', data: { producerId: 'p', walletAddress: FOUNDER } },
    { event: 'voice:producer_closed', data: { producerId: 'p', walletAddress: FOUNDER } },
    { event: 'voice:kicked', data: { reason: 'kicked' } },
    { event: 'voice:room_closed', data: { reason: 'replaced' } },
    { event: 'voice:error', data: { code: 'INTERNAL', message: 'x' } },
  ]) {
    assert.equal(reduceRoom(room, event), room, event.event);
  }
});

test('own actions: grant, kick, mute all (the founder keeps talking)', () => {
  let room = granted(start(), OTHER);
  room = { ...room, participants: new Map(room.participants).set(OTHER, { ...get(room, OTHER), isMuted: false }) };
  room = mutedAll(room);
  assert.equal(get(room, OTHER).isMuted, true);
  assert.equal(get(room, FOUNDER).isMuted, false);
  room = removed(room, OTHER);
  assert.equal(room.participants.has(OTHER), false);
});
