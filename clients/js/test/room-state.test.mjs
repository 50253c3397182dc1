// The room reducer: every server event applied to the room as the join data describes it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heard, me, reduceRoom, roomFromJoin, silenced } from '../dist/room-state.js';
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
  const closed = reduceRoom(start(), { event: 'voice:settings_updated', data: { settings: { ...settings, speakerOnly: true } } });
  assert.equal(me(closed).isSpeaker, false);
});

test('voice:active_speaker names the speaker; voice:speaking stands in for the levels nobody measured', () => {
  let room = reduceRoom(start(), { event: 'voice:active_speaker', data: { walletAddress: FOUNDER } });
  assert.equal(room.activeSpeaker, FOUNDER);
  room = reduceRoom(room, { event: 'voice:speaking', data: { walletAddresses: [FOUNDER, OTHER, 'Stranger'] } });
  assert.deepEqual(room.audible, [FOUNDER, OTHER, 'Stranger']);
  // The founder is measured, OTHER is not (the server's word), ME is measured silent.
  const measured = new Map([[FOUNDER, 0.8], [ME, 0]]);
  room = heard(room, measured, 0.15);
  assert.deepEqual([...room.levels], [[FOUNDER, 0.8], [OTHER, 0.5]]);
  assert.equal(get(room, FOUNDER).speakingTime, 0.15);
  assert.equal(get(room, OTHER).speakingTime, 0.15);
  assert.equal(get(room, ME).speakingTime, 0);
  const again = heard(room, measured, 0.15);
  assert.equal(again.levels, room.levels, 'unchanged levels keep their object');
  assert.equal(get(again, FOUNDER).speakingTime, 0.3);
  room = reduceRoom(again, { event: 'voice:speaking', data: { walletAddresses: [] } });
  room = heard(room, new Map([[FOUNDER, 0]]), 0.15);
  assert.equal(room.levels.size, 0);
  assert.equal(heard(room, new Map(), 0.15), room, 'silence changes nothing');
  assert.equal(room.activeSpeaker, FOUNDER);
  const rebuilt = silenced(reduceRoom(room, { event: 'voice:speaking', data: { walletAddresses: [OTHER] } }));
  assert.equal(rebuilt.activeSpeaker, null);
  assert.deepEqual(rebuilt.audible, []);
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

test('own actions come back as events (the actor gets them too); each carries the new state, so applying one twice changes nothing', () => {
  const events = [
    { event: 'voice:speaker_granted', data: { walletAddress: OTHER } },
    { event: 'voice:hand_lowered', data: { walletAddress: OTHER, queue: [] } },
    { event: 'voice:user_muted', data: { walletAddress: OTHER, muted: false } },
    { event: 'voice:user_muted', data: { walletAddress: OTHER, muted: true } },
    { event: 'voice:hand_raised', data: { walletAddress: ME, queue: [ME] } },
    { event: 'voice:user_left', data: { walletAddress: OTHER } },
  ];
  let room = start();
  for (const event of events) {
    room = reduceRoom(room, event);
    assert.deepEqual(reduceRoom(room, event), room, `${event.event} again`);
  }
  assert.equal(room.participants.has(OTHER), false);
  assert.deepEqual(room.queue, [ME]);
  assert.equal(me(room).handRaised, true);
  assert.equal(get(room, FOUNDER).isMuted, false);
});
