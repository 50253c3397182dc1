// The debate mode against the fake server: the host's commands on the wire,
// the snapshot's debate from the join data and the debate events, the SDK's
// debate events, the own vote (kept across a reconnection to the same poll),
// and the summary.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VoiceRoom, VoiceError } from '../dist/index.js';
import { reduceDebate } from '../dist/debate.js';
import { FakeServer, FOUNDER, joinData, MARKET, ME, OTHER, participant, signer, until } from './fakes.mjs';

const DEBATE_EVENTS = ['debate-started', 'debate-turn', 'debate-floor', 'debate-poll', 'debate-ended'];

async function joined(join = joinData()) {
  const server = new FakeServer();
  server.join = () => join;
  const fakes = server.platform();
  const room = new VoiceRoom({ serverUrl: 'http://voice.test', platform: fakes.platform });
  const seen = [];
  for (const name of [...DEBATE_EVENTS, 'connected']) room.on(name, (payload) => seen.push([name, payload]));
  await room.join(MARKET, { signer: signer() });
  return { server, room, seen: (name) => seen.filter(([n]) => n === name).map(([, p]) => p) };
}

const summary = {
  id: 'debate-1',
  marketAddress: MARKET,
  startedAt: '2026-01-01T00:00:00Z',
  endedAt: '2026-01-01T00:03:30Z',
  turnSeconds: 90,
  turns: [
    { side: 'YES', walletAddress: ME, startedAt: '2026-01-01T00:00:00Z', seconds: 90 },
    { side: 'NO', walletAddress: OTHER, startedAt: '2026-01-01T00:01:30Z', seconds: 60 },
  ],
  speakingSeconds: { yes: 90, no: 60 },
  poll: { yes: { votes: 1, weight: 12.5 }, no: { votes: 2, weight: 3 }, winner: 'YES' },
};

test('the host’s commands go out as voice:debate, with the turn length only when given', async () => {
  const { server, room } = await joined(joinData({ you: participant(ME, { isFounder: true, isHost: true, isSpeaker: true }) }));
  await room.startDebate(45);
  await room.startDebate();
  await room.nextTurn();
  await room.openFloor();
  await room.closeFloor();
  await room.endDebate();
  await room.closePoll();
  assert.deepEqual(server.requestsOf('voice:debate').map((r) => r.data), [
    { action: 'start', turnSeconds: 45 },
    { action: 'start' },
    { action: 'next' },
    { action: 'open_floor' },
    { action: 'close_floor' },
    { action: 'end' },
    { action: 'close_poll' },
  ]);
  server.reply['voice:debate'] = () => ({ error: { code: 'FORBIDDEN', message: 'only the host runs a debate' } });
  await assert.rejects(room.nextTurn(), (err) => err instanceof VoiceError && err.code === 'FORBIDDEN');
  assert.equal(room.state.debate, null, 'commands change nothing by themselves: the server’s events do');
});

test('debate events update the snapshot and come out as the SDK’s events', async () => {
  const { server, room, seen } = await joined();
  server.event('voice:debate_started', { turnSeconds: 90, startedAt: '2026-01-01T00:00:00Z' });
  const started = room.state;
  assert.deepEqual(started.debate, {
    turnSeconds: 90,
    startedAt: '2026-01-01T00:00:00Z',
    running: true,
    turn: null,
    floorOpen: false,
    poll: null,
    vote: null,
    summary: null,
  });
  server.event('voice:debate_turn', { side: 'YES', walletAddress: ME, endsAt: '2026-01-01T00:01:30Z', turn: 1 });
  assert.deepEqual(room.state.debate.turn, { side: 'YES', walletAddress: ME, endsAt: '2026-01-01T00:01:30Z', number: 1 });
  server.event('voice:debate_floor', { open: true });
  assert.equal(room.state.debate.floorOpen, true);
  server.event('voice:debate_floor', { open: false });
  server.event('voice:debate_turn', { side: 'NO', walletAddress: OTHER, endsAt: '2026-01-01T00:03:00Z', turn: 2 });
  assert.equal(room.state.debate.turn.walletAddress, OTHER);
  // Nobody on stage holds a side: a turn without a debater.
  server.event('voice:debate_turn', { side: null, walletAddress: null, endsAt: null, turn: 3 });
  assert.equal(room.state.debate.turn, null);
  assert.equal(room.state.debate.running, true);

  server.event('voice:debate_poll', { closesAt: '2026-01-01T00:04:00Z' });
  assert.equal(room.state.debate.running, false);
  assert.deepEqual(room.state.debate.poll, { closesAt: '2026-01-01T00:04:00Z' });
  assert.equal(room.state.debate.floorOpen, false);

  await room.voteDebate('NO');
  await room.voteDebate('YES'); // a second vote replaces the first
  assert.deepEqual(server.requestsOf('voice:debate_vote').map((r) => r.data), [{ side: 'NO' }, { side: 'YES' }]);
  assert.equal(room.state.debate.vote, 'YES');

  server.event('voice:debate_ended', { summary });
  assert.equal(room.state.debate.poll, null);
  assert.equal(room.state.debate.running, false);
  assert.deepEqual(room.state.debate.summary, summary);
  assert.equal(room.state.debate.vote, 'YES', 'the own vote stays next to the result');

  // A new debate: no turn, no vote yet; the last summary stays until the next one.
  server.event('voice:debate_started', { turnSeconds: 30, startedAt: '2026-01-01T01:00:00Z' });
  assert.equal(room.state.debate.vote, null);
  assert.equal(room.state.debate.turnSeconds, 30);
  assert.deepEqual(room.state.debate.summary, summary);

  assert.deepEqual(seen('debate-started'), [
    { turnSeconds: 90, startedAt: '2026-01-01T00:00:00Z' },
    { turnSeconds: 30, startedAt: '2026-01-01T01:00:00Z' },
  ]);
  assert.deepEqual(seen('debate-turn').map((t) => t.turn), [1, 2, 3]);
  assert.deepEqual(seen('debate-floor'), [{ open: true }, { open: false }]);
  assert.deepEqual(seen('debate-poll'), [{ closesAt: '2026-01-01T00:04:00Z' }]);
  assert.deepEqual(seen('debate-ended'), [{ summary }]);
});

test('a refused vote records nothing', async () => {
  const { server, room } = await joined(joinData({ debate: { turnSeconds: 90, startedAt: '2026-01-01T00:00:00Z', turn: null, floorOpen: false, poll: { closesAt: '2026-01-01T00:04:00Z' } } }));
  server.reply['voice:debate_vote'] = () => ({ error: { code: 'CONFLICT', message: 'the poll is closed' } });
  await assert.rejects(room.voteDebate('NO'), (err) => err instanceof VoiceError && err.code === 'CONFLICT');
  assert.equal(room.state.debate.vote, null);
});

test('a late joiner sees the current turn; a rejoin keeps the vote of the same poll only', async () => {
  const turn = { side: 'NO', walletAddress: OTHER, endsAt: '2026-01-01T00:01:30Z', turn: 4 };
  let debate = { turnSeconds: 60, startedAt: '2026-01-01T00:00:00Z', turn, floorOpen: true, poll: null };
  const server = new FakeServer();
  server.join = () => joinData({ participants: [participant(FOUNDER, { isFounder: true, isSpeaker: true }), participant(OTHER, { isSpeaker: true })], debate });
  const room = new VoiceRoom({ serverUrl: 'http://voice.test', platform: server.platform().platform });
  let connected = 0;
  room.on('connected', () => (connected += 1));
  await room.join(MARKET, { signer: signer() });
  assert.deepEqual(room.state.debate, {
    turnSeconds: 60,
    startedAt: '2026-01-01T00:00:00Z',
    running: true,
    turn: { side: 'NO', walletAddress: OTHER, endsAt: '2026-01-01T00:01:30Z', number: 4 },
    floorOpen: true,
    poll: null,
    vote: null,
    summary: null,
  });

  debate = { ...debate, turn: null, floorOpen: false, poll: { closesAt: '2026-01-01T00:04:00Z' } };
  server.event('voice:debate_poll', debate.poll);
  await room.voteDebate('YES');
  server.drop();
  await until(() => connected === 2, 'the rejoin');
  assert.equal(room.state.debate.vote, 'YES', 'the same poll: the vote stays');
  assert.equal(room.state.debate.running, false);

  debate = { ...debate, poll: { closesAt: '2026-01-01T01:04:00Z' } };
  server.drop();
  await until(() => connected === 3, 'the second rejoin');
  assert.equal(room.state.debate.vote, null, 'another poll: no vote in it yet');

  server.event('voice:debate_ended', { summary });
  debate = null;
  server.drop();
  await until(() => connected === 4, 'the third rejoin');
  assert.deepEqual(room.state.debate.summary, summary, 'the last summary stays through a rejoin');
  assert.equal(room.state.debate.poll, null);
  await room.leave();
});

test('the debate reducer ignores turns and floors without a debate, and keeps unchanged states', () => {
  assert.equal(reduceDebate(null, { event: 'voice:debate_turn', data: { side: 'YES', walletAddress: ME, endsAt: 'x', turn: 1 } }), null);
  assert.equal(reduceDebate(null, { event: 'voice:debate_floor', data: { open: true } }), null);
  const state = reduceDebate(null, { event: 'voice:debate_started', data: { turnSeconds: 90, startedAt: 't' } });
  assert.equal(reduceDebate(state, { event: 'voice:debate_floor', data: { open: false } }), state);
  // The summary of a debate this client saw nothing of (joined during nothing, e.g. at the poll's close).
  const ended = reduceDebate(null, { event: 'voice:debate_ended', data: { summary } });
  assert.equal(ended.running, false);
  assert.equal(ended.turnSeconds, 90);
  assert.deepEqual(ended.summary, summary);
});

test('a debater’s producer follows the turns: paused without a notice, resumed when its turn comes', async () => {
  const server = new FakeServer();
  server.join = () => joinData({ you: participant(ME, { isSpeaker: true, position: 'YES', positionSize: 5 }) });
  const fakes = server.platform();
  const room = new VoiceRoom({ serverUrl: 'http://voice.test', platform: fakes.platform });
  const notices = [];
  room.on('notice', (notice) => notices.push(notice));
  await room.join(MARKET, { signer: signer() });
  await until(() => room.state.microphone.ready, 'the microphone');
  const producer = fakes.device.transport('send').producer;
  await room.setMuted(false);
  notices.length = 0;

  server.event('voice:debate_started', { turnSeconds: 15, startedAt: '2026-01-01T00:00:00Z' });
  server.event('voice:user_muted', { walletAddress: ME, muted: true });
  server.event('voice:debate_turn', { side: 'NO', walletAddress: OTHER, endsAt: '2026-01-01T00:00:15Z', turn: 1 });
  assert.equal(producer.paused, true, 'another’s turn pauses this debater');
  assert.equal(room.state.microphone.muted, true);
  server.event('voice:debate_turn', { side: 'YES', walletAddress: ME, endsAt: '2026-01-01T00:00:30Z', turn: 2 });
  server.event('voice:user_muted', { walletAddress: ME, muted: false });
  assert.equal(producer.paused, false, 'its own turn: live again');
  assert.equal(room.state.microphone.muted, false);
  assert.deepEqual(notices, [], 'turns are no founder’s mute');

  // Once the turns are over, a host's mute is told again.
  server.event('voice:debate_poll', { closesAt: '2026-01-01T00:01:00Z' });
  server.event('voice:user_muted', { walletAddress: ME, muted: true });
  assert.deepEqual(notices, ['muted-by-founder']);
  await room.leave();
});
