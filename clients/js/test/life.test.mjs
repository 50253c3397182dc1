// Reactions, invitations to speak, the churn warning and errors in words,
// against the fake server.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeError, VoiceError, VoiceRoom } from '../dist/index.js';
import { FakeServer, FOUNDER, joinData, MARKET, ME, OTHER, participant, signer, until } from './fakes.mjs';

const SERVER_URL = 'http://voice.test';

async function joined(join = joinData()) {
  const server = new FakeServer();
  server.join = () => join;
  const room = new VoiceRoom({ serverUrl: SERVER_URL, platform: server.platform().platform });
  const seen = [];
  for (const name of ['reaction', 'speaker-invited', 'invite-declined', 'notice', 'error']) {
    room.on(name, (payload) => seen.push([name, payload]));
  }
  await room.join(MARKET, { signer: signer() });
  const events = (name) => seen.filter(([n]) => n === name).map(([, p]) => p);
  return { server, room, events };
}

const other = (room) => room.state.participants.find((p) => p.walletAddress === OTHER);

test('react sends the emoji; every reaction (its own too) comes as a `reaction` event with the side', async () => {
  const { server, room, events } = await joined();
  server.reply['voice:react'] = ({ emoji }, socket) => {
    socket.deliver({ event: 'voice:reaction', data: { walletAddress: ME, emoji, side: 'NONE' } });
    return {};
  };
  await room.react('🔥');
  server.event('voice:reaction', { walletAddress: FOUNDER, emoji: '👏', side: 'YES' });
  assert.deepEqual(server.requestsOf('voice:react').map((r) => r.data), [{ emoji: '🔥' }]);
  assert.deepEqual(events('reaction'), [
    { walletAddress: ME, emoji: '🔥', side: 'NONE' },
    { walletAddress: FOUNDER, emoji: '👏', side: 'YES' },
  ]);
  server.reply['voice:react'] = () => ({
    error: { code: 'RATE_LIMITED', message: 'one reaction a second: try again in 1 second', retryAfterSecs: 1 },
  });
  await assert.rejects(room.react('👍'), (err) => {
    assert.equal(err.code, 'RATE_LIMITED');
    assert.equal(err.retryAfterSecs, 1);
    assert.equal(describeError(err), 'One reaction a second. Try again in 1 second.');
    return true;
  });
});

test('a moderator invites; everyone sees `invited`; the invited client gets its invitation until it is declined', async () => {
  const founder = await joined(
    joinData({ you: participant(ME, { isFounder: true, isSpeaker: true }), participants: [participant(OTHER)] }),
  );
  await founder.room.inviteSpeaker(OTHER);
  assert.deepEqual(founder.server.requestsOf('voice:moderate').at(-1).data, { action: 'invite_speaker', targetWallet: OTHER });
  assert.equal(other(founder.room).invited, true);
  assert.equal(founder.room.state.invitation, null, 'the invitation is the listener’s, not the founder’s');
  assert.equal(founder.events('speaker-invited')[0].walletAddress, OTHER);
  founder.server.event('voice:invite_declined', { walletAddress: OTHER, reason: 'declined' });
  assert.equal(other(founder.room).invited, false);
  assert.deepEqual(founder.events('invite-declined'), [{ walletAddress: OTHER, reason: 'declined' }]);

  const listener = await joined();
  const expiresAt = '2030-01-01T00:01:00.000Z';
  listener.server.event('voice:speaker_invited', { walletAddress: ME, expiresAt });
  assert.deepEqual(listener.room.state.invitation, { expiresAt });
  assert.equal(listener.room.state.you.invited, true);
  listener.server.reply['voice:invite_response'] = ({ accept }, socket) => {
    socket.deliver({ event: 'voice:invite_declined', data: { walletAddress: ME, reason: accept ? 'expired' : 'declined' } });
    return {};
  };
  await listener.room.respondToInvite(false);
  assert.deepEqual(listener.server.requestsOf('voice:invite_response').map((r) => r.data), [{ accept: false }]);
  assert.equal(listener.room.state.invitation, null);
  assert.equal(listener.room.state.you.invited, false);
  listener.server.reply['voice:invite_response'] = () => ({ error: { code: 'CONFLICT', message: 'you have no pending invitation to speak' } });
  await assert.rejects(listener.room.respondToInvite(true), (err) => err.code === 'CONFLICT');
});

test('accepting is a grant: the invitation ends and the microphone opens', async () => {
  const { server, room, events } = await joined();
  server.event('voice:speaker_invited', { walletAddress: ME, expiresAt: '2030-01-01T00:01:00.000Z' });
  server.reply['voice:invite_response'] = (_data, socket) => {
    socket.deliver({ event: 'voice:speaker_granted', data: { walletAddress: ME } });
    return {};
  };
  await room.respondToInvite(true);
  assert.equal(room.state.invitation, null);
  assert.equal(room.state.you.invited, false);
  assert.equal(room.state.you.isSpeaker, true);
  assert.deepEqual(events('notice'), ['speak-now']);
  await until(() => room.state.microphone.ready, 'the producer after the grant');
});

test('an invitation ends when the floor opens or the invited member leaves', async () => {
  const { server, room } = await joined(joinData({ participants: [participant(FOUNDER, { isFounder: true, isSpeaker: true }), participant(OTHER)] }));
  server.event('voice:speaker_invited', { walletAddress: ME, expiresAt: '2030-01-01T00:01:00.000Z' });
  server.event('voice:speaker_invited', { walletAddress: OTHER, expiresAt: '2030-01-01T00:01:00.000Z' });
  server.event('voice:user_left', { walletAddress: OTHER });
  assert.equal(other(room), undefined);
  server.event('voice:settings_updated', { settings: { ...room.state.settings, speakerOnly: false } });
  assert.equal(room.state.invitation, null);
  assert.equal(room.state.you.invited, false);
});

test('rejoinsLeft comes from the join and stays after leaving, until another market is joined', async () => {
  const { server, room } = await joined(joinData({ rejoinsLeft: 2 }));
  assert.equal(room.state.rejoinsLeft, 2);
  await room.leave();
  assert.equal(room.state.rejoinsLeft, 2, 'a UI warns before the next join');
  server.join = () => joinData({ rejoinsLeft: 1 });
  await room.join(MARKET, { signer: signer() });
  assert.equal(room.state.rejoinsLeft, 1);
  await room.leave();
  server.join = () => joinData();
  await room.join('Another1111111111111111111111111111111111111', { signer: signer() });
  assert.equal(room.state.rejoinsLeft, null);
});

test('describeError: words for people, a ban’s end in local time, no codes', () => {
  const now = Date.parse('2026-12-03T08:04:00Z');
  const banned = VoiceError.fromWire({
    code: 'BANNED',
    message: 'you were removed from this room and can join again in 9 minutes',
    until: '2026-12-03T08:13:02Z',
  });
  assert.equal(banned.until, '2026-12-03T08:13:02Z');
  // The hour's digits are the locale data's (ICU versions differ on "8:13" and "08:13").
  assert.match(
    describeError(banned, { locale: 'en-GB', timeZone: 'UTC', now }),
    /^You were removed from this room\. You can join again at 0?8:13\.$/,
  );
  assert.match(
    describeError(banned, { locale: 'en-GB', timeZone: 'UTC', now: now - 86_400_000 }),
    /^You were removed from this room\. You can join again at Thu,? 0?8:13\.$/,
    'another day names the day',
  );
  assert.equal(describeError(new VoiceError('ROOM_FULL', 'the room is full')), 'The room is full.');
  const limited = new VoiceError('RATE_LIMITED', 'too many requests from this address; retry in 90 s', { retryAfterSecs: 90 });
  assert.equal(describeError(limited), 'Too many requests from this address. Try again in 2 minutes.');
  const challenges = new VoiceError('RATE_LIMITED', 'too many sign-in challenges outstanding: use one, or try again in 5 minutes', {
    retryAfterSecs: 300,
  });
  assert.equal(describeError(challenges), 'Too many sign-in challenges outstanding: use one. Try again in 5 minutes.');
  const moved = new VoiceError('WRONG_NODE', 'elsewhere', 'ws://b/ws');
  assert.equal(moved.workerUrl, 'ws://b/ws');
  assert.doesNotMatch(describeError(banned), /BANNED|2026-12-03T/);
});
