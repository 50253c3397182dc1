// Reconnection against the fake server: backoff after a drop, a fresh sign-in
// when a healthy server refuses the socket, the ends that must not reconnect,
// ICE restarts before a full reconnection, and WRONG_NODE.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VoiceRoom, backoffDelay } from '../dist/index.js';
import { FakeServer, joinData, MARKET, ME, participant, pause, signer, until } from './fakes.mjs';

async function joined(setup = () => undefined) {
  const server = new FakeServer();
  setup(server);
  const fakes = server.platform();
  const room = new VoiceRoom({ serverUrl: 'http://voice.test', platform: fakes.platform });
  const seen = { connection: [], reconnecting: [], connected: [], closed: [] };
  for (const name of Object.keys(seen)) room.on(name, (payload) => seen[name].push(payload));
  const me = signer();
  await room.join(MARKET, { signer: me });
  return { server, fakes, room, seen, signer: me };
}

const backoffs = (delays) => delays.filter((ms) => ms >= 400 && ms <= 9600 && ms !== 700 && ms !== 3000);

test('backoff: 0.5 s doubling to 8 s, with ±20 % jitter', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, 0.5)), [500, 1000, 2000, 4000, 8000, 8000, 8000]);
  assert.equal(backoffDelay(1, 0), 400);
  assert.equal(backoffDelay(1, 0.999999) < 600, true);
});

test('a dropped socket reconnects with backoff and restores the hand, without signing again', async () => {
  const { server, room, seen, signer: me, fakes } = await joined();
  await room.raiseHand();
  server.down = true;
  server.healthy = false;
  server.drop();
  await until(() => seen.reconnecting.length >= 3, 'three attempts');
  assert.deepEqual(seen.reconnecting.slice(0, 3), [
    { attempt: 1, cause: 'connection-lost' },
    { attempt: 2, cause: 'connection-lost' },
    { attempt: 3, cause: 'connection-lost' },
  ]);
  assert.deepEqual(backoffs(fakes.delays).slice(0, 3), [500, 1000, 2000]);
  assert.equal(room.state.connection, 'reconnecting');
  assert.equal(room.state.reconnect.cause, 'connection-lost');
  server.down = false;
  server.healthy = true;
  await until(() => seen.connected.length === 2, 'the rejoin');
  assert.deepEqual(seen.connected, [{ rejoined: false }, { rejoined: true }]);
  assert.equal(me.signed, 1, 'the cached token is reused while the server is down');
  await until(() => server.requestsOf('voice:raise_hand').length === 2, 'the hand up again');
  assert.equal(room.state.reconnect, null);
  assert.equal(server.openSockets.length, 1);
});

test('a live speaker is live again after reconnecting', async () => {
  const { server, room, fakes } = await joined((s) => {
    s.join = () => joinData({ you: participant(ME, { isFounder: true, isSpeaker: true }) });
  });
  await until(() => room.state.microphone.ready, 'the microphone');
  await room.setMuted(false);
  server.drop();
  await until(() => room.state.connection === 'connected' && room.state.microphone.ready && !room.state.microphone.muted, 'live again');
  assert.equal(fakes.microphone.opened, 1, 'the microphone track outlives the connection');
  assert.deepEqual(server.requestsOf('voice:mute').map((r) => r.data.muted), [false, false]);
});

test('a socket refused while the server answers /health means a stale token: sign in again', async () => {
  const { server, room, signer: me } = await joined();
  server.refused.add('tok-1');
  server.drop();
  await until(() => room.state.connection === 'connected' && server.openSockets.length === 1, 'the rejoin');
  assert.equal(me.signed, 2);
  assert.equal(server.last.token, 'tok-2');
});

test('a socket refused while /health fails keeps the token and keeps trying', async () => {
  const { server, room, seen, signer: me } = await joined();
  server.down = true;
  server.healthy = false;
  server.drop();
  await until(() => seen.reconnecting.length >= 2, 'two attempts');
  server.down = false;
  server.healthy = true;
  await until(() => room.state.connection === 'connected', 'the rejoin');
  assert.equal(me.signed, 1);
});

for (const [what, end, reason] of [
  ['voice:kicked', (server) => server.event('voice:kicked', { reason: 'kicked' }), 'kicked'],
  ['room_closed replaced', (server) => server.event('voice:room_closed', { reason: 'replaced' }), 'replaced'],
  ['room_closed kicked', (server) => server.event('voice:room_closed', { reason: 'kicked' }), 'kicked'],
  ['room_closed destroyed', (server) => server.event('voice:room_closed', { reason: 'destroyed' }), 'room-closed'],
]) {
  test(`${what} closes the room without reconnecting`, async () => {
    const { server, room, seen } = await joined();
    end(server);
    assert.equal(seen.closed[0].reason, reason);
    assert.equal(room.state.connection, 'closed');
    await pause(100);
    assert.equal(server.sockets.length, 1, 'no new socket');
    assert.equal(seen.reconnecting.length, 0);
  });
}

test('BANNED on rejoining ends the stay; no further attempt', async () => {
  const { server, room, seen } = await joined();
  server.reply['voice:join'] = () => ({ error: { code: 'BANNED', message: 'banned' } });
  server.drop();
  await until(() => seen.closed.length === 1, 'the end');
  assert.equal(seen.closed[0].reason, 'error');
  assert.equal(seen.closed[0].error.code, 'BANNED');
  assert.equal(room.state.connection, 'closed');
  const sockets = server.sockets.length;
  await pause(100);
  assert.equal(server.sockets.length, sockets);
});

test('worker_died reconnects', async () => {
  const { server, seen } = await joined();
  server.event('voice:room_closed', { reason: 'worker_died' });
  await until(() => seen.connected.length === 2, 'the rejoin');
  assert.equal(seen.reconnecting[0].cause, 'worker-died');
});

test('ICE failure: restartIce up to three times in a row, then a full reconnection', async () => {
  const { server, fakes, room, seen } = await joined();
  const transport = fakes.device.transport('recv');
  const fail = () => transport.emit('connectionstatechange', 'failed');
  for (let n = 1; n <= 3; n++) {
    fail();
    await until(() => transport.iceRestarts === n, `ICE restart ${n}`);
    assert.equal(room.state.audio, 'restarting');
  }
  assert.deepEqual(server.requestsOf('restartIce').map((r) => r.data), Array(3).fill({ transportId: transport.id }));
  assert.equal(server.sockets.length, 1, 'the socket stays up while ICE restarts');
  fail();
  await until(() => seen.connected.length === 2, 'the full reconnection');
  assert.equal(seen.reconnecting[0].cause, 'media-failed');
  assert.equal(server.sockets.length, 2);
  assert.equal(transport.closed, true);
});

test('a connected transport resets the ICE restart count', async () => {
  const { server, fakes } = await joined();
  const transport = fakes.device.transport('recv');
  for (let n = 1; n <= 5; n++) {
    transport.emit('connectionstatechange', 'failed');
    await until(() => transport.iceRestarts === n, `ICE restart ${n}`);
    transport.emit('connectionstatechange', 'connected');
  }
  assert.equal(server.sockets.length, 1);
});

test('WRONG_NODE: joins again on the node the server names', async () => {
  const { server, room } = await joined((s) => {
    s.join = (data, socket) =>
      socket.url.startsWith('ws://node-2')
        ? joinData()
        : { error: { code: 'WRONG_NODE', message: 'elsewhere', workerUrl: 'ws://node-2/ws' } };
  });
  assert.equal(room.state.connection, 'connected');
  assert.deepEqual(server.sockets.map((s) => s.url.split('?')[0]), ['ws://voice.test/ws', 'ws://node-2/ws']);
  assert.equal(server.sockets[1].token, 'tok-1');
});

test('reconnect: false closes on a drop', async () => {
  const server = new FakeServer();
  const room = new VoiceRoom({ serverUrl: 'http://voice.test', reconnect: false, platform: server.platform().platform });
  const closed = [];
  room.on('closed', (payload) => closed.push(payload));
  await room.join(MARKET, { token: 'jwt' });
  server.drop();
  await until(() => closed.length === 1, 'closed');
  assert.equal(closed[0].error.code, 'DISCONNECTED');
});

test('an expired token given by the caller ends the stay when the healthy server refuses it', async () => {
  const server = new FakeServer();
  const room = new VoiceRoom({ serverUrl: 'http://voice.test', platform: server.platform().platform });
  const closed = [];
  room.on('closed', (payload) => closed.push(payload));
  await room.join(MARKET, { token: 'jwt' });
  server.refused.add('jwt');
  server.drop();
  await until(() => closed.length === 1, 'closed');
  assert.equal(closed[0].error.code, 'UNAUTHORIZED');
});
