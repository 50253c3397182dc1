// A VoiceRoom against the fake server: joining, events, every room action,
// local mute, push-to-talk, and what nothing may touch at import time.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VoiceRoom, VoiceError } from '../dist/index.js';
import { FakeServer, FOUNDER, joinData, MARKET, ME, OTHER, participant, signer, until } from './fakes.mjs';

const SERVER_URL = 'http://voice.test';

async function joined({ join, producers = [], options, blocked = false } = {}) {
  const server = new FakeServer();
  if (join) server.join = () => join;
  server.producers = producers;
  const fakes = server.platform();
  fakes.microphone.blocked = blocked;
  const room = new VoiceRoom({ serverUrl: SERVER_URL, platform: fakes.platform });
  const seen = [];
  for (const name of ['connection', 'participant-joined', 'participant-left', 'participant-updated', 'queue', 'settings', 'speaking', 'levels', 'you', 'notice', 'error', 'closed', 'audio', 'audio-ended', 'microphone']) {
    room.on(name, (payload) => seen.push([name, payload]));
  }
  const me = signer();
  await room.join(MARKET, { signer: me }, options);
  const events = (name) => seen.filter(([n]) => n === name).map(([, p]) => p);
  return { server, fakes, room, events, signer: me };
}

const founderJoin = () =>
  joinData({
    you: participant(ME, { isFounder: true, isSpeaker: true }),
    participants: [participant(OTHER)],
  });

test('join signs the challenge, opens the socket with the token as its subprotocol and joins the market', async () => {
  const { server, room, events, signer: me, fakes } = await joined({ producers: [{ producerId: 'p1', walletAddress: FOUNDER }] });
  assert.equal(me.signed, 1);
  // Never in the URL, where a failed attempt would print it in the console.
  assert.equal(server.sockets[0].url, 'ws://voice.test/ws');
  assert.deepEqual(server.sockets[0].protocols, ['pnl-voice', 'bearer.tok-1']);
  assert.deepEqual(server.requestsOf('voice:join')[0].data, { marketAddress: MARKET });
  assert.deepEqual(events('connection'), ['connecting', 'connected']);
  assert.equal(room.state.connection, 'connected');
  assert.equal(room.state.marketAddress, MARKET);
  assert.equal(room.state.you.walletAddress, ME);
  assert.deepEqual(room.state.participants.map((p) => p.walletAddress), [FOUNDER, ME]);
  assert.equal(room.state.settings.speakerOnly, true);
  await until(() => events('audio').length === 1, 'the founder’s track');
  assert.equal(events('audio')[0].walletAddress, FOUNDER);
  assert.equal(fakes.device.transport('recv').options.iceTransportPolicy, 'all');
  await until(() => server.requestsOf('resumeConsumer').length === 1, 'the consumer resumed');
  await assert.rejects(room.join(MARKET, { signer: me }), (err) => err instanceof VoiceError && err.code === 'CONFLICT');
});

test('server events become typed room events and a new snapshot each time', async () => {
  const { server, room, events } = await joined();
  const first = room.state;
  const newcomer = participant(OTHER);
  server.event('voice:user_joined', { user: newcomer });
  server.event('voice:hand_raised', { walletAddress: OTHER, queue: [OTHER] });
  server.event('voice:active_speaker', { walletAddress: FOUNDER });
  server.event('voice:speaking', { walletAddresses: [FOUNDER] });
  server.event('voice:user_muted', { walletAddress: FOUNDER, muted: false });
  server.event('voice:settings_updated', { settings: { ...room.state.settings, maxParticipants: 9 } });
  server.event('voice:user_left', { walletAddress: OTHER });
  server.event('voice:error', { code: 'RATE_LIMITED', message: 'slow down' });
  assert.notEqual(room.state, first);
  assert.deepEqual(events('participant-joined'), [newcomer]);
  assert.deepEqual(events('queue'), [[OTHER], []]);
  assert.deepEqual(events('speaking'), [{ walletAddress: FOUNDER }]);
  await until(() => events('levels').length > 0, 'the audible founder drawn (nothing measured: the fallback)');
  assert.equal(events('levels')[0].get(FOUNDER), 0.5);
  assert.deepEqual(events('participant-updated').map((p) => [p.walletAddress, p.isMuted, p.handRaised]), [
    [OTHER, true, true],
    [FOUNDER, false, false],
  ]);
  assert.equal(events('settings').at(-1).maxParticipants, 9);
  assert.deepEqual(events('participant-left'), [{ walletAddress: OTHER }]);
  assert.equal(events('error')[0].code, 'RATE_LIMITED');
  assert.ok(room.state.participants.find((p) => p.walletAddress === FOUNDER).speakingTime > 0);
  server.event('voice:speaking', { walletAddresses: [] });
  await until(() => room.state.levels.size === 0, 'levels to fade once nobody is audible');
});

test('raise and lower hand update the queue from the server’s events', async () => {
  const { server, room } = await joined();
  assert.equal(await room.raiseHand(), 1);
  assert.deepEqual(room.state.queue, [ME]);
  assert.equal(room.state.you.handRaised, true);
  await room.lowerHand();
  assert.deepEqual(room.state.queue, []);
  assert.deepEqual(server.requestsOf('voice:lower_hand').length, 1);
});

test('moderation: every action is sent, and applied from the events the server sends the founder too', async () => {
  const { server, room, fakes } = await joined({ join: founderJoin() });
  await until(() => fakes.device.transport('send')?.producer, 'the founder’s producer');
  await room.grantSpeaker(OTHER);
  assert.equal(room.state.participants.find((p) => p.walletAddress === OTHER).isSpeaker, true);
  server.event('voice:user_muted', { walletAddress: OTHER, muted: false });
  server.last.room.speakers.set(OTHER, true);
  await room.muteAll();
  assert.equal(room.state.participants.find((p) => p.walletAddress === OTHER).isMuted, true);
  assert.equal(room.state.you.isMuted, true, 'the founder is not muted by its own mute_all (it was muted already)');
  await room.revokeSpeaker(OTHER);
  assert.equal(room.state.participants.find((p) => p.walletAddress === OTHER).isSpeaker, false);
  await room.kick(OTHER);
  assert.equal(room.state.participants.some((p) => p.walletAddress === OTHER), false);
  await room.updateSettings({ speakerOnly: false });
  assert.equal(room.state.settings.speakerOnly, false);
  assert.deepEqual(
    server.requestsOf('voice:moderate').map((r) => r.data),
    [
      { action: 'grant_speaker', targetWallet: OTHER },
      { action: 'mute_all' },
      { action: 'revoke_speaker', targetWallet: OTHER },
      { action: 'kick', targetWallet: OTHER },
    ],
  );
  assert.deepEqual(server.requestsOf('voice:update_settings')[0].data, { speakerOnly: false });
  server.reply['voice:moderate'] = () => ({ error: { code: 'FORBIDDEN', message: 'not the founder' } });
  await assert.rejects(room.kick(FOUNDER), (err) => err.code === 'FORBIDDEN');
});

test('a speaker gets a paused producer; mute and push-to-talk drive it and the server', async () => {
  const { server, room, fakes, events } = await joined({ join: founderJoin() });
  await until(() => room.state.microphone.ready, 'the microphone');
  const producer = fakes.device.transport('send').producer;
  assert.equal(producer.paused, true);
  assert.equal(room.state.microphone.muted, true);
  await room.setPushToTalk(true);
  assert.equal(producer.paused, false);
  assert.equal(room.state.microphone.talking, true);
  assert.equal(room.state.you.isMuted, false);
  await room.setPushToTalk(false);
  assert.equal(producer.paused, true);
  assert.equal(room.state.microphone.talking, false);
  await room.setMuted(false);
  assert.equal(producer.paused, false);
  assert.deepEqual(server.requestsOf('voice:mute').map((r) => r.data.muted), [false, true, false]);
  await room.setMicrophone('usb-mic');
  assert.equal(producer.track.deviceId, 'usb-mic');
  assert.equal(room.state.microphone.deviceId, 'usb-mic');
  assert.equal(fakes.microphone.tracks[0].readyState, 'ended');
  assert.ok(events('microphone').length >= 3);
});

test('the floor granted by the founder opens the microphone; revoked, it closes', async () => {
  const { server, room, fakes, events } = await joined();
  server.event('voice:speaker_granted', { walletAddress: ME });
  await until(() => room.state.microphone.ready, 'the microphone');
  assert.deepEqual(events('notice'), ['speak-now']);
  // Its own mute comes back as an event about itself, which is no notice.
  await room.setMuted(false);
  await room.setMuted(true);
  await room.setMuted(false);
  assert.equal(room.state.you.isMuted, false);
  assert.deepEqual(events('notice'), ['speak-now']);
  server.event('voice:user_muted', { walletAddress: ME, muted: true });
  assert.deepEqual(events('notice'), ['speak-now', 'muted-by-founder']);
  assert.equal(room.state.you.isMuted, true);
  server.event('voice:speaker_revoked', { walletAddress: ME });
  assert.equal(room.state.microphone.ready, false);
  assert.equal(fakes.microphone.tracks[0].readyState, 'ended');
  assert.deepEqual(events('notice'), ['speak-now', 'muted-by-founder', 'moved-to-audience']);
});

test('local mute pauses that speaker’s consumer here and on the server, and new ones start paused', async () => {
  const { server, room, fakes } = await joined({ producers: [{ producerId: 'p1', walletAddress: FOUNDER }] });
  await until(() => server.requestsOf('resumeConsumer').length === 1, 'the consumer');
  const consumer = fakes.device.transport('recv').consumers[0];
  await room.setSpeakerMutedLocally(FOUNDER, true);
  assert.equal(consumer.paused, true);
  assert.deepEqual(server.requestsOf('pauseConsumer').map((r) => r.data), [{ consumerId: 'c-p1' }]);
  assert.deepEqual(room.state.mutedLocally, [FOUNDER]);
  server.event('voice:new_producer', { producerId: 'p2', walletAddress: FOUNDER });
  await until(() => fakes.device.transport('recv').consumers.length === 2, 'the second consumer');
  await until(() => fakes.device.transport('recv').consumers[1].paused, 'the second consumer paused');
  assert.equal(server.requestsOf('resumeConsumer').length, 1);
  await room.setSpeakerMutedLocally(FOUNDER, false);
  assert.equal(consumer.paused, false);
  assert.deepEqual(server.requestsOf('resumeConsumer').map((r) => r.data.consumerId), ['c-p1', 'c-p1', 'c-p2']);
});

test('the local mute list keeps its array until it changes', async () => {
  const { server, room } = await joined({ producers: [{ producerId: 'p1', walletAddress: FOUNDER }] });
  await until(() => server.requestsOf('resumeConsumer').length === 1, 'the consumer');
  await room.setSpeakerMutedLocally(FOUNDER, true);
  const muted = room.state.mutedLocally;
  server.event('voice:user_joined', { user: participant(OTHER) });
  assert.equal(room.state.mutedLocally, muted, 'a room change keeps the same list');
  await room.setSpeakerMutedLocally(FOUNDER, false);
  assert.deepEqual(room.state.mutedLocally, []);
});

test('report files the reason over REST with the stay’s token', async () => {
  const { server, room } = await joined();
  assert.equal(await room.report(OTHER, 'shouting slurs'), 'r-1');
  assert.deepEqual(server.reports, [
    { body: { marketAddress: MARKET, targetWallet: OTHER, reason: 'shouting slurs' }, authorization: 'Bearer tok-1' },
  ]);
  await room.leave();
  await assert.rejects(room.report(OTHER, 'again'), (err) => err.code === 'NOT_JOINED');
});

test('the snapshot names the host, present or gone', async () => {
  const { server, room } = await joined({
    join: joinData({ you: participant(ME), participants: [participant(FOUNDER, { isFounder: true, isHost: true, isSpeaker: true })] }),
  });
  assert.equal(room.state.host, FOUNDER);
  server.event('voice:user_left', { walletAddress: FOUNDER });
  assert.equal(room.state.host, FOUNDER, 'the role stays with the wallet that left');
  assert.equal(room.state.participants.some((p) => p.walletAddress === FOUNDER), false);
  server.event('voice:hosts_changed', { host: OTHER, coHosts: [OTHER] });
  assert.equal(room.state.host, OTHER);
});

test('producer_closed ends that track', async () => {
  const { server, events } = await joined({ producers: [{ producerId: 'p1', walletAddress: FOUNDER }] });
  await until(() => events('audio').length === 1, 'the track');
  server.event('voice:producer_closed', { producerId: 'p1', walletAddress: FOUNDER });
  assert.deepEqual(events('audio-ended'), [{ walletAddress: FOUNDER, producerId: 'p1' }]);
});

test('leave tells the server and closes; the same room can join again with the cached token', async () => {
  const { server, room, events, signer: me } = await joined();
  await room.leave();
  assert.equal(server.requestsOf('voice:leave').length, 1);
  assert.deepEqual(events('closed'), [{ reason: 'left' }]);
  assert.equal(room.state.connection, 'closed');
  assert.equal(room.state.you, null);
  await assert.rejects(room.raiseHand(), (err) => err.code === 'NOT_JOINED');
  await room.join(MARKET, { signer: me });
  assert.equal(me.signed, 1);
  assert.equal(room.state.connection, 'connected');
});

test('a token joins without signing; a refused first join rejects and closes with the error', async () => {
  const server = new FakeServer();
  const room = new VoiceRoom({ serverUrl: SERVER_URL, iceTransportPolicy: 'relay', platform: server.platform().platform });
  const closed = [];
  room.on('closed', (payload) => closed.push(payload));
  server.reply['voice:join'] = () => ({ error: { code: 'BANNED', message: 'banned for a while' } });
  await assert.rejects(room.join(MARKET, { token: 'jwt' }), (err) => err.code === 'BANNED');
  assert.equal(server.sockets[0].token, 'jwt');
  assert.equal(closed[0].reason, 'error');
  assert.equal(closed[0].error.code, 'BANNED');
  delete server.reply['voice:join'];
  await room.join(MARKET, { token: 'jwt' });
  assert.equal(server.signIns, 0);
});

test('importing the package and its embed subpath touches no browser global', async () => {
  const script = `
    for (const name of ['window', 'document', 'navigator', 'location', 'localStorage', 'WebSocket', 'RTCPeerConnection']) {
      Object.defineProperty(globalThis, name, { get() { throw new Error('touched ' + name); }, configurable: true });
    }
    const sdk = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
    await import(${JSON.stringify(new URL('../dist/embed/index.js', import.meta.url).href)});
    new sdk.VoiceRoom({ serverUrl: 'https://voice.example' }).state;
  `;
  const { spawnSync } = await import('node:child_process');
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
});

test('a blocked microphone is a problem that stays until a retry opens it; then unmuting works', async () => {
  const { server, room, fakes, events } = await joined({ join: founderJoin(), blocked: true });
  await until(() => room.state.microphone.problem === 'blocked', 'the problem');
  assert.equal(room.state.microphone.ready, false);
  assert.equal(room.state.microphone.opening, false);
  assert.deepEqual(events('error'), [], 'the state tells it, not a passing error');
  await room.retryMicrophone();
  assert.equal(room.state.microphone.problem, 'blocked', 'still blocked: still said');
  fakes.microphone.blocked = false;
  await room.retryMicrophone();
  assert.equal(room.state.microphone.problem, null);
  assert.equal(room.state.microphone.ready, true);
  assert.equal(room.state.microphone.muted, true, 'a retry opens it muted');
  await room.setMuted(false);
  assert.equal(fakes.device.transport('send').producer.paused, false);
  assert.deepEqual(server.requestsOf('voice:mute').map((r) => r.data.muted), [false]);
});

test("with microphone 'on-unmute' a speaker's microphone opens only when it unmutes", async () => {
  const { room, fakes } = await joined({ join: founderJoin(), options: { microphone: 'on-unmute' } });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(fakes.microphone.opened, 0, 'opened unasked');
  assert.equal(room.state.microphone.ready, false);
  await room.setMuted(false);
  await until(() => room.state.microphone.ready && !room.state.microphone.muted, 'live after unmuting');
  assert.equal(fakes.microphone.opened, 1);
  assert.equal(fakes.device.transport('send').producer.paused, false);
});
