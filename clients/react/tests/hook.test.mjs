// useVoiceRoom over a stand-in room (tests/fake-room.mjs) under jsdom: the
// room is made only after mounting, the snapshot follows the room's state,
// actions reach the room and their failures become `error`, unmounting leaves.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { container } from './dom.mjs';
import { FakeRoom, FOUNDER, HOLDER, MARKET, participant } from './fake-room.mjs';

const { act, createElement, StrictMode } = await import('react');
const { createRoot } = await import('react-dom/client');
const { useVoiceRoom } = await import('../dist/index.js');

const SERVER = 'https://voice.example.com';
let mounted = [];

afterEach(async () => {
  for (const root of mounted) await act(async () => root.unmount());
  mounted = [];
  FakeRoom.made = [];
});

/** Mounts a component that calls the hook; `current()` is its latest result. */
async function renderHook(options) {
  let result;
  const renders = [];
  function Probe() {
    result = useVoiceRoom(options);
    renders.push({ made: FakeRoom.made.length });
    return null;
  }
  const root = createRoot(container());
  mounted.push(root);
  await act(async () => root.render(createElement(Probe)));
  return { current: () => result, renders, root };
}

const createRoom = (options) => new FakeRoom(options);

test('the room is made once, after the first render, with the server URL', async () => {
  const hook = await renderHook({ serverUrl: SERVER, marketAddress: MARKET, createRoom, roomOptions: { reconnect: false } });
  assert.equal(hook.renders[0].made, 0, 'the first render made a room');
  assert.equal(FakeRoom.made.length, 1);
  assert.deepEqual(FakeRoom.made[0].options, { reconnect: false, serverUrl: SERVER });
  assert.equal(hook.current().connection, 'idle');
  assert.equal(hook.current().room, FakeRoom.made[0]);
});

test('join signs in with auth, and the snapshot follows the room', async () => {
  const auth = { token: 'jwt' };
  const hook = await renderHook({ serverUrl: SERVER, marketAddress: MARKET, auth, createRoom });
  await act(() => hook.current().join());
  const room = FakeRoom.made[0];
  assert.deepEqual(room.calls[0], ['join', MARKET, auth]);
  const state = hook.current();
  assert.equal(state.connection, 'connected');
  assert.equal(state.joined, true);
  assert.equal(state.isHost, false);
  assert.deepEqual(state.speakers.map((p) => p.walletAddress), [FOUNDER]);
  assert.deepEqual(state.listeners.map((p) => p.walletAddress), [HOLDER]);
  assert.equal(state.you.position, 'YES');

  const position = await act(() => hook.current().raiseHand());
  assert.equal(position, 1);
  assert.deepEqual(hook.current().queue, [HOLDER]);
  assert.equal(hook.current().you.handRaised, true);

  await act(async () => room.setState({ activeSpeaker: FOUNDER, levels: new Map([[FOUNDER, 0.7]]) }));
  assert.equal(hook.current().activeSpeaker, FOUNDER);
  assert.equal(hook.current().levels.get(FOUNDER), 0.7);

  await act(() => hook.current().setSpeakerMutedLocally(FOUNDER, true));
  assert.equal(hook.current().locallyMuted.has(FOUNDER), true);
});

test('an invitation, the churn warning and reactions reach the hook', async () => {
  const hook = await renderHook({ serverUrl: SERVER, marketAddress: MARKET, auth: { token: 'jwt' }, createRoom });
  await act(() => hook.current().join());
  const room = FakeRoom.made[0];
  assert.equal(hook.current().invitation, null);
  await act(async () => room.setState({ invitation: { expiresAt: '2030-01-01T00:01:00Z' }, rejoinsLeft: 2 }));
  assert.deepEqual(hook.current().invitation, { expiresAt: '2030-01-01T00:01:00Z' });
  assert.equal(hook.current().rejoinsLeft, 2);
  await act(() => hook.current().respondToInvite(true));
  assert.equal(hook.current().invitation, null);
  await act(() => hook.current().react('👏'));
  await act(() => hook.current().inviteSpeaker(FOUNDER));
  assert.deepEqual(room.calls.slice(-3), [['respondToInvite', true], ['react', '👏'], ['inviteSpeaker', FOUNDER]]);
});

test('an unchanged state keeps the same snapshot (no re-render)', async () => {
  const hook = await renderHook({ serverUrl: SERVER, marketAddress: MARKET, createRoom });
  const before = hook.current();
  const renders = hook.renders.length;
  await act(async () => FakeRoom.made[0].setState({}));
  assert.equal(hook.current(), before);
  assert.equal(hook.renders.length, renders);
});

test('an auth function is called at join time, and autoJoin joins after mounting', async () => {
  let asked = 0;
  const auth = async () => {
    asked += 1;
    return { token: 'late' };
  };
  const hook = await renderHook({ serverUrl: SERVER, marketAddress: MARKET, auth, autoJoin: true, createRoom });
  await act(async () => undefined);
  assert.equal(asked, 1);
  assert.deepEqual(FakeRoom.made[0].calls[0], ['join', MARKET, { token: 'late' }]);
  assert.equal(hook.current().joined, true);
});

test('a failed action rejects and is recorded as error, until cleared', async () => {
  const hook = await renderHook({ serverUrl: SERVER, marketAddress: MARKET, auth: { token: 't' }, createRoom });
  await act(() => hook.current().join());
  const failure = Object.assign(new Error('Only the founder can do that'), { code: 'FORBIDDEN' });
  FakeRoom.made[0].failNext = failure;
  await act(() => assert.rejects(hook.current().kick(FOUNDER), failure));
  assert.deepEqual(hook.current().error, { code: 'FORBIDDEN', message: 'Only the founder can do that' });
  await act(async () => hook.current().clearError());
  assert.equal(hook.current().error, null);
});

test('joining without auth fails with a readable error', async () => {
  const hook = await renderHook({ serverUrl: SERVER, marketAddress: MARKET, createRoom });
  await act(() => assert.rejects(hook.current().join(), /pass `auth`/));
  assert.match(hook.current().error.message, /pass `auth`/);
  assert.equal(FakeRoom.made[0].calls.length, 0);
});

test('the founder is the host; the room ending is reported', async () => {
  const hook = await renderHook({ serverUrl: SERVER, marketAddress: MARKET, auth: { token: 't' }, createRoom });
  const room = FakeRoom.made[0];
  room.joinedAs = participant(FOUNDER, { isFounder: true, isSpeaker: true });
  await act(() => hook.current().join());
  assert.equal(hook.current().isHost, true);
  await act(async () => {
    room.setState({ connection: 'closed' });
    room.emit('closed', { reason: 'room-closed' });
  });
  assert.equal(hook.current().isHost, false);
  assert.equal(hook.current().closedReason, 'room-closed');
});

test('unmounting leaves a joined room and stops listening to it', async () => {
  const hook = await renderHook({ serverUrl: SERVER, marketAddress: MARKET, auth: { token: 't' }, createRoom });
  await act(() => hook.current().join());
  const room = FakeRoom.made[0];
  assert.ok(room.listenerCount() > 0);
  await act(async () => hook.root.unmount());
  mounted = [];
  assert.deepEqual(room.calls.at(-1), ['leave']);
  assert.equal(room.listenerCount(), 0);
});

test('another market gets a new room', async () => {
  let market = MARKET;
  let result;
  function Probe() {
    result = useVoiceRoom({ serverUrl: SERVER, marketAddress: market, createRoom });
    return null;
  }
  const root = createRoot(container());
  mounted.push(root);
  await act(async () => root.render(createElement(Probe)));
  market = HOLDER;
  await act(async () => root.render(createElement(Probe)));
  assert.equal(FakeRoom.made.length, 2);
  assert.equal(result.room, FakeRoom.made[1]);
  assert.equal(result.marketAddress, HOLDER);
});

test('StrictMode (effects run twice): one room stays, the first is let go', async () => {
  let result;
  function Probe() {
    result = useVoiceRoom({ serverUrl: SERVER, marketAddress: MARKET, auth: { token: 't' }, createRoom });
    return null;
  }
  const root = createRoot(container());
  mounted.push(root);
  await act(async () => root.render(createElement(StrictMode, null, createElement(Probe))));
  const live = FakeRoom.made.at(-1);
  assert.equal(result.room, live);
  for (const room of FakeRoom.made.slice(0, -1)) assert.equal(room.listenerCount(), 0, 'a discarded room is still followed');
  await act(() => result.join());
  assert.equal(result.joined, true);
  assert.deepEqual(live.calls, [['join', MARKET, { token: 't' }]]);
});
