// <VoiceRoom> under jsdom over a stand-in room: the preview line and Listen
// button before joining, the stage and audience with badges after, the
// controls of a listener and of the host, the speaking ring, and no axe-core
// accessibility violations.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, test } from 'node:test';
import { container } from './dom.mjs';
import { FakeRoom, FOUNDER, HOLDER, livePreview, MARKET, participant } from './fake-room.mjs';

const { act, createElement } = await import('react');
const { createRoot, hydrateRoot } = await import('react-dom/client');
const { renderToString } = await import('react-dom/server');
const { VoiceRoom } = await import('../dist/index.js');

// axe-core runs inside the jsdom window, as it would in a page.
window.eval(readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));

const SERVER = 'https://voice.example.com';
let mounted = [];

afterEach(async () => {
  for (const root of mounted) await act(async () => root.unmount());
  mounted = [];
  FakeRoom.made = [];
  document.body.replaceChildren();
});

async function render(props = {}) {
  const box = container();
  const root = createRoot(box);
  mounted.push(root);
  await act(async () =>
    root.render(
      createElement(VoiceRoom, {
        serverUrl: SERVER,
        marketAddress: MARKET,
        auth: { token: 't' },
        createRoom: (options) => new FakeRoom(options),
        fetchPreview: livePreview,
        ...props,
      }),
    ),
  );
  return box;
}

const text = (node) => node?.textContent.replace(/\s+/g, ' ').trim();
const button = (box, name) =>
  [...box.querySelectorAll('button')].find((b) => (b.getAttribute('aria-label') ?? b.textContent) === name);

async function click(element) {
  assert.ok(element, 'no such button');
  await act(async () => element.dispatchEvent(new window.MouseEvent('click', { bubbles: true })));
}

async function expectAccessible(box) {
  // jsdom lays nothing out: colour contrast cannot be computed there.
  const result = await window.axe.run(box, { rules: { 'color-contrast': { enabled: false } } });
  assert.deepEqual(
    result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`),
    [],
  );
}

test('before joining: the market question, who is live, the host and one Listen button', async () => {
  const box = await render();
  assert.equal(text(box.querySelector('.pnl-voice-title')), 'Will the bridge ship before January?');
  assert.equal(text(box.querySelector('.pnl-voice-summary')), 'LIVE · 2 speaking · 41 listening · hosted by FoUN…1111');
  assert.equal(box.querySelector('[role="status"]').getAttribute('aria-live'), 'polite');
  assert.ok(button(box, 'Listen'));
  assert.equal(box.querySelector('.pnl-voice-tiles'), null);
  await expectAccessible(box);
});

test('a listener: stage and audience with badges, raise hand, local mute', async () => {
  const box = await render();
  await click(button(box, 'Listen'));
  const room = FakeRoom.made[0];
  assert.deepEqual(room.calls[0], ['join', MARKET, { token: 't' }]);
  assert.equal(box.querySelector('.pnl-voice').dataset.connection, 'connected');

  const founderTile = box.querySelector(`.pnl-voice-stage .pnl-voice-tile[data-wallet="${FOUNDER}"]`);
  const holderTile = box.querySelector(`.pnl-voice-audience .pnl-voice-tile[data-wallet="${HOLDER}"]`);
  const badges = (tile) => [...tile.querySelectorAll('.pnl-voice-badge')].map(text);
  assert.deepEqual(badges(founderTile), ['Founder', 'NO 3.4K']);
  assert.deepEqual(badges(holderTile), ['You', 'YES 12.5']);
  assert.equal(holderTile.querySelector('[data-position="YES"]').title, 'Holds 12.5 YES');
  assert.equal(text(box.querySelector('[role="status"]')), 'You are listening.');
  assert.equal(button(box, 'Mute'), undefined, 'a listener has no mute button');
  assert.equal(button(box, 'Invite FoUN…1111 to speak'), undefined, 'a listener does not moderate');

  await click(button(box, 'Raise hand'));
  assert.deepEqual(room.calls.at(-1), ['raiseHand']);
  assert.equal(text(box.querySelector('[role="status"]')), 'Hand raised: you are number 1 in the queue.');
  assert.equal(button(box, 'Lower hand').getAttribute('aria-pressed'), 'true');

  await click(button(box, 'Mute FoUN…1111 for me'));
  assert.deepEqual(room.calls.at(-1), ['setSpeakerMutedLocally', FOUNDER, true]);
  assert.equal(button(box, 'Mute FoUN…1111 for me').getAttribute('aria-pressed'), 'true');

  await act(async () => room.setState({ activeSpeaker: FOUNDER, levels: new Map([[FOUNDER, 0.5]]) }));
  const ringed = box.querySelector(`.pnl-voice-tile[data-wallet="${FOUNDER}"]`);
  assert.equal(ringed.dataset.speaking, 'false', 'a muted speaker has no ring');
  await act(async () =>
    room.setState({ participants: room.state.participants.map((p) => (p.walletAddress === FOUNDER ? { ...p, isMuted: false } : p)) }),
  );
  assert.equal(ringed.dataset.speaking, 'true');
  assert.equal(ringed.querySelector('.pnl-voice-avatar').style.getPropertyValue('--pnl-voice-level'), '0.500');
  await expectAccessible(box);

  await click(button(box, 'Leave'));
  assert.equal(text(box.querySelector('[role="status"]')), 'You left the room.');
  assert.ok(button(box, 'Listen'), 'Listen again after leaving');
});

test('the host: moderation on each listener, mute all, and their own mute', async () => {
  const box = await render({
    createRoom: (options) => {
      const room = new FakeRoom(options);
      room.joinedAs = participant(FOUNDER, { isFounder: true, isSpeaker: true, position: 'YES', positionSize: 250 });
      return room;
    },
  });
  await click(button(box, 'Listen'));
  const room = FakeRoom.made[0];
  await act(async () =>
    room.setState({ participants: [...room.state.participants, participant(HOLDER, { handRaised: true })], queue: [HOLDER] }),
  );
  assert.match(text(box.querySelector('.pnl-voice-queue')), /Raised hands 1/);
  await click(box.querySelector(`.pnl-voice-tile[data-wallet="${HOLDER}"] button[aria-label="Invite HoLD…2222 to speak"]`));
  assert.deepEqual(room.calls.at(-1), ['grantSpeaker', HOLDER]);
  await click(button(box, 'Remove HoLD…2222 from the room'));
  assert.deepEqual(room.calls.at(-1), ['kick', HOLDER]);
  await click(button(box, 'Mute all'));
  assert.deepEqual(room.calls.at(-1), ['muteAll']);
  await click(button(box, 'Unmute'));
  assert.deepEqual(room.calls.at(-1), ['setMuted', false]);
  assert.ok(button(box, 'Mute'));
  assert.equal(text(box.querySelector('[role="status"]')), 'You are on stage and live.');
  await expectAccessible(box);
});

test('a failure is shown as an alert that can be dismissed', async () => {
  const box = await render({
    createRoom: (options) => {
      const room = new FakeRoom(options);
      room.failNext = Object.assign(new Error('This market has no room here'), { code: 'MARKET_NOT_FOUND' });
      return room;
    },
  });
  await click(button(box, 'Listen'));
  assert.equal(text(box.querySelector('[role="alert"] p')), 'This market has no room here');
  await click(button(box, 'Dismiss'));
  assert.equal(box.querySelector('[role="alert"]'), null);
});

test('server markup hydrates without a mismatch, then the preview and the room come alive', async () => {
  const props = {
    serverUrl: SERVER,
    marketAddress: MARKET,
    auth: { token: 't' },
    createRoom: (options) => new FakeRoom(options),
    fetchPreview: livePreview,
  };
  const box = container();
  box.innerHTML = renderToString(createElement(VoiceRoom, props));
  const problems = [];
  let root;
  await act(async () => {
    root = hydrateRoot(box, createElement(VoiceRoom, props), { onRecoverableError: (error) => problems.push(error.message) });
  });
  mounted.push(root);
  assert.deepEqual(problems, []);
  assert.equal(FakeRoom.made.length, 1);
  assert.equal(text(box.querySelector('.pnl-voice-title')), 'Will the bridge ship before January?');
  await click(button(box, 'Listen'));
  assert.equal(box.querySelector('.pnl-voice').dataset.connection, 'connected');
});
