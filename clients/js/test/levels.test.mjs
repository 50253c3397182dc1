// Levels measured in the browser: from each consumer's receiver
// (getSynchronizationSources, filled by the ssrc-audio-level extension) and
// the own sender's stats, with the server's audible set as the fallback.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VoiceRoom } from '../dist/index.js';
import {
  drawnLevels,
  FALLBACK_LEVEL,
  LEVEL_POLL_MS,
  levelOf,
  levelOfLinear,
  receivedLevel,
  SOURCE_STALE_MS,
  sentLevel,
} from '../dist/levels.js';
import { FakeServer, FOUNDER, joinData, MARKET, ME, OTHER, participant, signer, until } from './fakes.mjs';

/** The linear level WebRTC reports for `dbov`. */
const linear = (dbov) => 10 ** (dbov / 20);

test('levels map -60…-10 dBov to 0…1, from dBov or from linear WebRTC levels', () => {
  assert.equal(levelOf(-127), 0);
  assert.equal(levelOf(-35), 0.5);
  assert.equal(levelOf(0), 1);
  assert.ok(Math.abs(levelOfLinear(linear(-35)) - 0.5) < 1e-9);
  assert.equal(levelOfLinear(0), 0);
  assert.equal(levelOfLinear(1), 1);
});

test('a receiver’s level is its freshest source’s, and silent once stale', () => {
  const now = 10_000;
  const sources = [
    { timestamp: now - 300, audioLevel: linear(-10) },
    { timestamp: now - 20, audioLevel: linear(-35) },
  ];
  assert.ok(Math.abs(receivedLevel(sources, now) - 0.5) < 1e-9);
  assert.equal(receivedLevel(sources, now + SOURCE_STALE_MS + 20), 0, 'DTX silence: no recent packet');
  assert.equal(receivedLevel([], now), 0);
  assert.equal(receivedLevel([{ timestamp: now }], now), 0, 'no level extension: silent');
});

test('the own level comes from the media-source stats, if any', () => {
  const report = new Map([
    ['out', { type: 'outbound-rtp', kind: 'audio' }],
    ['ms', { type: 'media-source', kind: 'audio', audioLevel: linear(-10) }],
  ]);
  assert.equal(sentLevel(report), 1);
  assert.equal(sentLevel(new Map([['out', { type: 'outbound-rtp' }]])), undefined);
});

test('the server’s audible set stands in only for those nobody measured', () => {
  const drawn = drawnLevels(new Map([['A', 0.7], ['B', 0]]), ['A', 'B', 'C']);
  assert.deepEqual([...drawn], [['A', 0.7], ['C', FALLBACK_LEVEL]]);
  assert.equal(drawnLevels(new Map([['A', 0]]), []).size, 0);
});

test('a joined room polls its receivers and sender for levels, and stops when it leaves', async () => {
  const server = new FakeServer();
  server.join = () =>
    joinData({
      you: participant(ME, { isSpeaker: true }),
      participants: [participant(FOUNDER, { isFounder: true, isSpeaker: true, isMuted: false }), participant(OTHER)],
    });
  server.producers = [{ producerId: 'p1', walletAddress: FOUNDER }];
  const fakes = server.platform();
  const room = new VoiceRoom({ serverUrl: 'http://voice.test', platform: fakes.platform });
  const levels = [];
  room.on('levels', (map) => levels.push(new Map(map)));
  await room.join(MARKET, { signer: signer() });
  assert.ok(fakes.delays.includes(LEVEL_POLL_MS), 'levels are polled while joined');

  await until(() => fakes.device.transport('recv')?.consumers.length === 1, 'the founder consumed');
  const receiver = fakes.device.transport('recv').consumers[0].rtpReceiver;
  receiver.hear(linear(-35));
  await until(() => room.state.levels.get(FOUNDER) !== undefined, 'the founder’s level from the receiver');
  assert.ok(Math.abs(room.state.levels.get(FOUNDER) - 0.5) < 0.01);
  await until(() => room.state.participants.find((p) => p.walletAddress === FOUNDER).speakingTime > 0, 'speaking time');

  // Measured silent, the founder stays silent even though the server still counts it audible.
  server.event('voice:speaking', { walletAddresses: [FOUNDER, OTHER] });
  receiver.hear(linear(-35), Date.now() - 2 * SOURCE_STALE_MS);
  await until(() => !room.state.levels.has(FOUNDER) && room.state.levels.get(OTHER) === FALLBACK_LEVEL, 'measured wins, fallback for the rest');

  // The own level, once live, from the sender's stats.
  await until(() => room.state.microphone.ready, 'the own producer');
  await room.setMuted(false);
  fakes.device.transport('send').producer.audioLevel = linear(-10);
  await until(() => room.state.levels.get(ME) === 1, 'the own level');
  await room.setMuted(true);
  await until(() => !room.state.levels.has(ME), 'muted: silent');

  await room.leave();
  const polls = fakes.delays.filter((ms) => ms === LEVEL_POLL_MS).length;
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(fakes.delays.filter((ms) => ms === LEVEL_POLL_MS).length, polls, 'no polling after leaving');
  assert.equal(room.state.levels.size, 0);
  assert.ok(levels.length > 0);
});
