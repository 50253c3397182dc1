// Defects of the web client found in the browser (issue 20), each checked
// in headless Chromium against the real server: a blocked microphone, errors
// in words with a Join button that waits, a warning before the churn ban,
// an unknown market, and the room's layout on a 320 px phone.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { callApi, checkA11y, launchBrowser, log, newMarket, newWallet, signIn, sleep, User, VoiceServer } from './harness.mjs';

/** Markets with a founder each, one per test, so the tests do not meet in a room. */
const rooms = Object.fromEntries(
  ['blocked', 'banned', 'full', 'churn', 'layout'].map((name) => [name, { market: newMarket(), founder: newWallet() }]),
);
let server;
let browser;
/** Chromium without the fake permission prompt: a context must be granted the microphone. */
let askingBrowser;
const users = [];

before(async () => {
  server = await VoiceServer.start({
    markets: Object.values(rooms).map(({ market, founder }) => ({
      marketAddress: market,
      founderWallet: founder.address,
      holdings: {},
    })),
  });
  browser = await launchBrowser(server.dir);
  askingBrowser = await launchBrowser(server.dir, { askForMicrophone: true });
});

after(async () => {
  for (const user of users) await user.close();
  await browser?.close();
  await askingBrowser?.close();
  await server?.stop();
});

async function open(name, wallet, options = {}) {
  const user = await User.open(options.browser ?? browser, server, name, wallet, options.viewport, options);
  users.push(user);
  return user;
}

/** Counts the page's `getUserMedia` calls in `window.__micOpened`. */
function countMicrophoneOpens() {
  const media = navigator.mediaDevices;
  const original = media.getUserMedia.bind(media);
  window.__micOpened = 0;
  media.getUserMedia = (constraints) => {
    if (constraints?.audio) window.__micOpened += 1;
    return original(constraints);
  };
}

/** Text a person reads must not carry error codes or machine timestamps. */
function assertHumanText(text, what) {
  assert.doesNotMatch(text, /\b[A-Z]{2,}_[A-Z_]+\b|\bBANNED\b|\bUTC\b|\d{4}-\d\d-\d\dT?|\d\d:\d\d:\d\d/, `${what}: "${text}"`);
}

test('defect 2: a founder whose microphone is blocked is told how to allow it, can retry, and then speaks', { timeout: 120_000 }, () =>
  server.withLogOnFailure(async () => {
    const { market, founder } = rooms.blocked;
    const host = await open('blocked founder', founder, { browser: askingBrowser, microphone: false });
    await host.join(server, market);
    const problem = host.page.locator('#mic-problem');
    await host.waitFor('the blocked microphone explained', () => {
      const box = document.getElementById('mic-problem');
      return !!box && !box.hidden && /allow/i.test(box.textContent ?? '');
    });
    // It stays: no timer takes it away while the microphone is still blocked.
    await sleep(10_000);
    assert.equal(await problem.isVisible(), true, 'the microphone problem went away by itself');
    const text = await problem.textContent();
    log(`blocked microphone: "${text}"`);
    assertHumanText(text, 'the microphone problem');
    assert.match(text, /microphone/i);
    const retry = host.page.getByRole('button', { name: /Retry/ });
    assert.equal(await retry.isVisible(), true, 'no Retry button');
    await checkA11y(host.page, 'the blocked microphone');

    await host.context.grantPermissions(['microphone'], { origin: server.origin });
    await retry.click();
    await host.unmute();
    assert.equal(await problem.isVisible(), false, 'the problem stays after the microphone opened');
    assert.deepEqual(host.pageErrors, []);
  }));

test('defect 3: a removed listener reads in words when to come back, and Join waits until then', { timeout: 90_000 }, () =>
  server.withLogOnFailure(async () => {
    const { market, founder } = rooms.banned;
    const guest = newWallet();
    const host = await open('founder', founder);
    const listener = await open('removed listener', guest);
    await host.join(server, market);
    await listener.join(server, market);
    const token = await signIn(server, founder);
    await callApi(server, '/api/voice/moderate', { marketAddress: market, founderWallet: founder.address, action: 'kick', targetWallet: guest.address }, token);
    await listener.waitFor('the kicked state', () => document.getElementById('app')?.dataset.endReason === 'kicked');

    // Trying again: refused while the ban lasts, said in words with a local time.
    await sleep(1_200); // past the one-join-a-second limit, which would answer first
    await listener.page.getByRole('button', { name: 'Listen', exact: true }).click();
    await listener.waitFor('the refusal', () => document.getElementById('app')?.dataset.endReason === 'error');
    const status = await listener.page.locator('#status').textContent();
    log(`banned: "${status}"`);
    assertHumanText(status, 'the ban');
    // A ban ending after midnight names the day too ("at Fri 12:01 AM").
    assert.match(status, /You were removed from this room\. You can join again at (\p{L}+,? )?\d{1,2}:\d{2}( ?[AP]M)?\./u);
    assert.equal(await listener.page.locator('#join').isDisabled(), true, 'Join stays enabled for a join that fails again');
    assert.deepEqual([...host.pageErrors, ...listener.pageErrors], []);
  }));

test('defect 3: a full room says so in words, and Join comes back when a place frees up', { timeout: 90_000 }, () =>
  server.withLogOnFailure(async () => {
    const { market, founder } = rooms.full;
    const host = await open('founder', founder);
    const first = await open('first listener', newWallet());
    const late = await open('late listener', newWallet());
    await host.join(server, market);
    const token = await signIn(server, founder);
    await callApi(server, '/api/voice/settings', { marketAddress: market, founderWallet: founder.address, settings: { maxParticipants: 2 } }, token);
    await first.join(server, market);

    await late.page.goto(`${server.origin}/rooms/${market}`);
    await late.page.getByRole('button', { name: 'Listen', exact: true }).click();
    await late.waitFor('the refusal', () => document.getElementById('app')?.dataset.endReason === 'error');
    const status = await late.page.locator('#status').textContent();
    log(`full: "${status}"`);
    assertHumanText(status, 'the full room');
    assert.match(status, /room is full\./i);
    assert.equal(await late.page.locator('#join').isDisabled(), true, 'Join stays enabled for a full room');

    // Someone leaves: the page notices and offers the join again.
    await first.page.getByRole('button', { name: 'Leave' }).click();
    await late.waitFor('Join enabled again', () => !document.getElementById('join')?.disabled);
    await late.page.locator('#join').click();
    await late.waitFor('joining', () => document.getElementById('app')?.dataset.phase === 'joined');
    assert.deepEqual([...host.pageErrors, ...first.pageErrors, ...late.pageErrors], []);
  }));

test('defect 4: rejoining again and again is warned about before the churn ban', { timeout: 120_000 }, () =>
  server.withLogOnFailure(async () => {
    const { market, founder } = rooms.churn;
    const host = await open('founder', founder);
    const hopper = await open('hopper', newWallet());
    await host.join(server, market);
    let warned = '';
    for (let join = 1; join <= 5 && !warned; join++) {
      await sleep(1_200); // past the one-join-a-second limit
      await hopper.join(server, market);
      warned = await hopper.page.evaluate(() => {
        const text = [...document.querySelectorAll('#status, #notice:not([hidden]), #churn-warning:not([hidden])')]
          .map((e) => e.textContent)
          .join(' ');
        return /rejoin|join again/i.test(text) ? text : '';
      });
      log(`join ${join}: warning "${warned}"`);
      if (!warned) {
        await hopper.page.getByRole('button', { name: 'Leave' }).click();
        await hopper.waitFor('leaving', () => document.getElementById('app')?.dataset.endReason === 'left');
      }
    }
    assert.ok(warned, 'no warning before the churn ban');
    assertHumanText(warned, 'the churn warning');
    assert.deepEqual([...host.pageErrors, ...hopper.pageErrors], []);
  }));

test('defect 8: an unknown market is checked first; joining it anyway does not open the microphone unasked', { timeout: 90_000 }, () =>
  server.withLogOnFailure(async () => {
    const visitor = await open('visitor', newWallet());
    await visitor.context.addInitScript(countMicrophoneOpens);
    await visitor.page.goto(`${server.origin}/`);
    await visitor.page.getByLabel('Market address').fill(newMarket()); // no such market
    await visitor.page.getByRole('button', { name: 'Join room', exact: true }).click();
    await visitor.waitFor('the unknown market named', () => /no market|not know|unknown/i.test(document.getElementById('status')?.textContent ?? ''));
    await sleep(1_000);
    assert.notEqual(await visitor.phase(), 'joined', 'joined an unknown market without asking');
    assertHumanText(await visitor.page.locator('#status').textContent(), 'the unknown market');
    await checkA11y(visitor.page, 'the unknown market');

    await visitor.page.getByRole('button', { name: /Join anyway/ }).click();
    await visitor.waitFor('joining', () => document.getElementById('app')?.dataset.phase === 'joined');
    await sleep(2_000);
    assert.equal(await visitor.page.evaluate(() => window.__micOpened), 0, 'the microphone opened unasked');
    // The microphone opens when the visitor asks to speak.
    if (await visitor.page.locator('#mute').isVisible()) {
      await visitor.unmute();
      assert.equal(await visitor.page.evaluate(() => window.__micOpened), 1);
    }
    assert.deepEqual(visitor.pageErrors, []);
  }));

test('defect 11: at 320 px the control bar is one row, Leave stands apart, Hold to talk hides while live, notices do not move the room', { timeout: 90_000 }, () =>
  server.withLogOnFailure(async () => {
    const { market, founder } = rooms.layout;
    const phone = { width: 320, height: 568 };
    const guest = newWallet();
    const host = await open('founder', founder, { viewport: phone });
    const listener = await open('listener', guest, { viewport: phone });
    await host.join(server, market);
    await listener.join(server, market);
    await host.waitFor('the mic becoming ready', () => !document.getElementById('mute')?.disabled);

    const bar = await host.page.evaluate(() => {
      const controls = document.querySelector('.controls').getBoundingClientRect();
      const leave = document.getElementById('leave');
      const muteAll = document.getElementById('mute-all');
      const leaveBox = leave.getBoundingClientRect();
      const muteAllBox = muteAll.getBoundingClientRect();
      return {
        share: controls.height / window.innerHeight,
        leaveInBar: document.querySelector('.controls').contains(leave),
        sameRow: !muteAll.hidden && muteAllBox.height > 0 && Math.abs(leaveBox.top - muteAllBox.top) < 8,
        leaveBackground: getComputedStyle(leave).backgroundColor,
        muteAllBackground: getComputedStyle(muteAll).backgroundColor,
      };
    });
    log(`320 px control bar: ${JSON.stringify(bar)}`);
    assert.ok(bar.share <= 0.15, `the control bar takes ${(bar.share * 100).toFixed(0)}% of the height`);
    assert.ok(!bar.sameRow, 'Leave sits next to Mute all');
    assert.notEqual(bar.leaveBackground, bar.muteAllBackground, 'Leave looks like any other control');

    await host.unmute();
    assert.equal(await host.page.locator('#ptt').isVisible(), false, 'Hold to talk is shown while live');

    // A notice (the listener invited on stage) overlays the room instead of pushing it down.
    const stageTop = () => listener.page.evaluate(() => document.getElementById('speakers').getBoundingClientRect().top);
    const topBefore = await stageTop();
    const token = await signIn(server, founder);
    await callApi(server, '/api/voice/moderate', { marketAddress: market, founderWallet: founder.address, action: 'grant_speaker', targetWallet: guest.address }, token);
    await listener.waitFor('"you may speak now"', () => !document.getElementById('notice').hidden);
    const topAfter = await stageTop();
    log(`the stage's top: ${topBefore} -> ${topAfter} with the notice shown`);
    assert.equal(topAfter, topBefore, 'the notice pushed the room down');
    assert.deepEqual([...host.pageErrors, ...listener.pageErrors], []);
  }));
