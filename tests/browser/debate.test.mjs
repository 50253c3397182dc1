// A whole YES-vs-NO debate in the real web client against the real server,
// with real audio: a founder hosts, four holders (two per side) come on stage
// through the raise-hand queue (grouped by side), a listener follows. The
// host starts a debate of 15 s turns from the control bar; each turn's
// debater is the only producer the listener receives; a turn ends on its
// timer, another with Next; a late joiner sees the turn under way; the open
// floor lets a paused debater speak until it closes again; the host
// ends the debate, the listeners vote, the host closes the poll; the page
// shows the result by votes and by position size, and the server keeps the
// summary (`GET /api/voice/stats`).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, log, newMarket, newWallet, screenshotDir, STEP_MS, User, VoiceServer } from './harness.mjs';

const TURN_SECONDS = 15;
const founder = newWallet();
const yes1 = newWallet();
const yes2 = newWallet();
const no1 = newWallet();
const no2 = newWallet();
const listenerWallet = newWallet();
const lateWallet = newWallet();
const market = newMarket();
const SIDE = new Map([
  [yes1.address, 'YES'],
  [yes2.address, 'YES'],
  [no1.address, 'NO'],
  [no2.address, 'NO'],
]);
let server;
let browser;
const users = [];

before(async () => {
  server = await VoiceServer.start({
    markets: [
      {
        marketAddress: market,
        founderWallet: founder.address,
        holdings: {
          [yes1.address]: { yes: 100, no: 0 },
          [yes2.address]: { yes: 40, no: 0 },
          [no1.address]: { yes: 0, no: 90 },
          [no2.address]: { yes: 0, no: 30 },
          [listenerWallet.address]: { yes: 10, no: 0 },
          [lateWallet.address]: { yes: 0, no: 300 },
        },
      },
    ],
  });
  browser = await launchBrowser(server.dir);
});

after(async () => {
  for (const user of users) await user.close();
  await browser?.close();
  await server?.stop();
});

/**
 * What this page receives from each wallet over `ms`: RTP packets (from
 * the receiver of that wallet's `<audio>` track) and the loudest fresh
 * level its packets carried.
 */
function receivedByWallet(ms) {
  const receivers = () => {
    const found = new Map();
    for (const audio of document.querySelectorAll('#audio audio[data-wallet]')) {
      const track = audio.srcObject?.getAudioTracks()[0];
      for (const pc of window.__pcs ?? []) {
        if (pc.connectionState === 'closed') continue;
        for (const receiver of pc.getReceivers()) if (track && receiver.track === track) found.set(audio.dataset.wallet, receiver);
      }
    }
    return found;
  };
  const packets = async (receiver) => {
    let count = 0;
    (await receiver.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp') count += s.packetsReceived ?? 0;
    });
    return count;
  };
  return (async () => {
    const start = receivers();
    const first = new Map();
    for (const [wallet, receiver] of start) first.set(wallet, await packets(receiver));
    const loudest = new Map();
    const end = Date.now() + ms;
    while (Date.now() < end) {
      for (const [wallet, receiver] of start) {
        const fresh = receiver.getSynchronizationSources().filter((s) => Date.now() - s.timestamp < 500);
        const level = Math.max(0, ...fresh.map((s) => s.audioLevel ?? 0));
        loudest.set(wallet, Math.max(level, loudest.get(wallet) ?? 0));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const out = {};
    for (const [wallet, receiver] of start) {
      out[wallet] = { packets: (await packets(receiver)) - first.get(wallet), level: loudest.get(wallet) ?? 0 };
    }
    return out;
  })();
}

/** The turn the page shows: `{number, wallet, side}` once its panel names turn `number`. */
async function waitForTurn(user, number) {
  await user.waitFor(
    `turn ${number} on the debate panel`,
    (n) => new RegExp(`has turn ${n}$`).test(document.querySelector('#debate .debate-turn')?.textContent ?? ''),
    number,
  );
  const turn = await user.page.evaluate(() => {
    const line = document.querySelector('#debate .debate-turn');
    return { wallet: line.dataset.wallet, side: line.dataset.side.toUpperCase() };
  });
  log(`${user.name} sees turn ${number}: ${turn.side} ${turn.wallet.slice(0, 6)}`);
  return { number, ...turn };
}

/** From `user`'s side, exactly the debaters `heard` are: their packets flow and carry sound, the other debaters' do not. */
async function expectHeard(user, heard, what) {
  // The server resumes and pauses producers as the turn begins or the floor changes.
  const deadline = Date.now() + STEP_MS;
  for (;;) {
    const got = await user.page.evaluate(receivedByWallet, 1500);
    const of = (wallet) => got[wallet] ?? { packets: 0, level: 0 };
    const live = heard.map(of);
    const others = [...SIDE.keys()].filter((w) => !heard.includes(w)).map(of);
    if (live.every((l) => l.packets > 20 && l.level > 0) && others.every((o) => o.packets <= 3)) {
      log(`${user.name} during ${what} hears ${heard.map((w) => w.slice(0, 6))}: ${JSON.stringify(live)}, others ${others.map((o) => o.packets)}`);
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`${user.name} during ${what}: heard ${JSON.stringify(live)}, others ${JSON.stringify(others)}`);
    }
  }
}

/** During `turn`, only its debater is heard. */
const expectOnlyHeard = (user, turn) => expectHeard(user, [turn.wallet], `turn ${turn.number}`);

async function hostCommand(host, name) {
  if ((await host.page.locator('#debate-menu').getAttribute('aria-expanded')) !== 'true') await host.page.locator('#debate-menu').click();
  await host.page.locator('#debate-host-panel').getByRole('button', { name, exact: true }).click();
}

test('a debate: turns by side with only the debater heard, timer and Next, a late joiner, the poll and the stored summary', { timeout: 240_000 }, () =>
  server.withLogOnFailure(async () => {
    const host = await User.open(browser, server, 'host', founder);
    const debaters = await Promise.all(
      [
        ['yes-1', yes1],
        ['yes-2', yes2],
        ['no-1', no1],
        ['no-2', no2],
      ].map(([name, wallet]) => User.open(browser, server, name, wallet, { width: 390, height: 844 })),
    );
    const listener = await User.open(browser, server, 'listener', listenerWallet, { width: 320, height: 640 });
    users.push(host, ...debaters, listener);
    await host.join(server, market);
    await Promise.all([...debaters, listener].map((user) => user.join(server, market)));

    // The hands come up; the host sees them grouped by side, with badges, and invites each.
    for (const debater of debaters) await debater.page.getByRole('button', { name: 'Raise hand' }).click();
    await host.waitFor('four hands in two side groups', () =>
      document.querySelectorAll('#queue .queue-group-yes .queue-item').length === 2 &&
      document.querySelectorAll('#queue .queue-group-no .queue-item').length === 2);
    assert.match(await host.page.locator(`#queue .queue-item[data-wallet="${yes1.address}"]`).textContent(), /YES 100/);
    assert.match(await host.page.locator(`#queue .queue-item[data-wallet="${no2.address}"]`).textContent(), /NO 30/);
    await host.screenshot(screenshotDir(), 'debate-queue-1280x800.png');
    for (const debater of debaters) {
      await host.page.locator(`#queue .queue-item[data-wallet="${debater.wallet.address}"] button`).click();
      await debater.page.getByRole('button', { name: 'Accept', exact: true }).click(); // the invitation to speak
      await debater.waitFor('coming on stage', () => !document.getElementById('mute')?.hidden);
    }
    await Promise.all(debaters.map((debater) => debater.unmute()));

    // The side tally, from the listener's side.
    await listener.waitFor('the stage tally', () => /On stage: YES 2 \/ NO 2/.test(document.getElementById('tally')?.textContent ?? ''));
    assert.match(await listener.page.locator('#tally').textContent(), /YES 60% of holders \(3\), 56% of the position size/);

    // The host starts a debate of 15 s turns from the control bar, with the keyboard:
    // a bad length is refused on the page, Enter starts, and focus goes back to the
    // Debate button (a second Enter must not hit the next command).
    await host.page.locator('#debate-menu').focus();
    await host.page.keyboard.press('Enter');
    const length = host.page.getByLabel('Turn length');
    await length.fill('5');
    await length.press('Enter');
    assert.equal(await length.getAttribute('aria-invalid'), 'true');
    await length.fill(String(TURN_SECONDS));
    await length.press('Enter');
    await host.waitFor('the host’s commands of a running debate', () =>
      !!document.querySelector('#debate-host-panel [data-focus-key="debate:next"]') &&
      document.activeElement?.id === 'debate-menu');

    const first = await waitForTurn(listener, 1);
    assert.equal(first.side, 'YES', 'YES speaks first');
    assert.equal(SIDE.get(first.wallet), 'YES');
    await expectOnlyHeard(listener, first);
    assert.match(await listener.page.locator('#debate-live').textContent(), /Turn 1: YES/);
    // The paused debaters are told why, and not that the founder muted them.
    for (const debater of debaters.filter((d) => d.wallet.address !== first.wallet)) {
      await debater.waitFor('the paused debater’s hint', () =>
        /off until your turn/.test(document.getElementById('debate')?.textContent ?? '') &&
        document.getElementById('mute')?.textContent === 'Unmute');
      assert.ok(!/Muted by the founder/.test(await debater.page.locator('#notice').textContent()));
    }
    await listener.screenshot(screenshotDir(), 'debate-turn-320x640.png');

    // Next, from the host: the NO side.
    await hostCommand(host, 'Next turn');
    const second = await waitForTurn(listener, 2);
    assert.equal(second.side, 'NO');
    await expectOnlyHeard(listener, second);

    // The second turn ends on its timer: YES again, its other debater.
    const third = await waitForTurn(listener, 3);
    assert.equal(third.side, 'YES');
    assert.notEqual(third.wallet, first.wallet, 'a side rotates through its debaters');
    // A late joiner (coming in meanwhile) sees the turn under way, with its clock.
    const late = await User.open(browser, server, 'late', lateWallet, { width: 390, height: 844 });
    users.push(late);
    const joining = late.join(server, market);
    await expectOnlyHeard(listener, third);
    await joining;
    const seen = await waitForTurn(late, 3);
    assert.equal(seen.wallet, third.wallet);
    assert.match(await late.page.locator('#debate .debate-clock').textContent(), /^0:\d\d left in this turn$/);

    await hostCommand(host, 'Next turn');
    const fourth = await waitForTurn(listener, 4);
    assert.equal(fourth.side, 'NO');
    assert.notEqual(fourth.wallet, second.wallet);
    await expectOnlyHeard(listener, fourth);

    // The open floor: a paused debater may unmute and is heard with the turn's; closing it pauses them again.
    const other = debaters.find((d) => d.wallet.address === first.wallet);
    await hostCommand(host, 'Open floor');
    await listener.waitFor('the open floor', () => /Open floor/.test(document.getElementById('debate')?.textContent ?? ''));
    await other.unmute();
    await expectHeard(listener, [fourth.wallet, first.wallet], 'the open floor');
    await hostCommand(host, 'Close floor');
    await other.waitFor('paused again', () => document.getElementById('mute')?.textContent === 'Unmute');
    await expectOnlyHeard(listener, fourth);

    // The end: the poll. The listeners vote (10 YES against 300 NO), the host closes it.
    await hostCommand(host, 'End debate');
    for (const [voter, side] of [
      [listener, 'YES'],
      [late, 'NO'],
    ]) {
      const button = voter.page.locator('#debate .debate-vote').getByRole('button', { name: side, exact: true });
      await button.click();
      await voter.waitFor(`the ${side} vote taken`, (s) => /You voted/.test(document.getElementById('debate')?.textContent ?? '') &&
        document.querySelector(`#debate .debate-vote-${s.toLowerCase()}`)?.getAttribute('aria-pressed') === 'true', side);
    }
    assert.equal(await host.page.locator('#debate .debate-vote').count(), 0, 'the host does not vote');
    await hostCommand(host, 'Close poll');

    // The result, by votes and by position size.
    await listener.waitFor('the result', () => /NO argued better/.test(document.getElementById('debate')?.textContent ?? ''));
    const result = await listener.page.locator('#debate .debate-results').textContent();
    log(`listener sees the result: ${result}`);
    assert.match(result, /YES 1 vote \(50%\), 10 by position size \(3%\)/);
    assert.match(result, /NO 1 vote \(50%\), 300 by position size \(97%\)/);
    await listener.screenshot(screenshotDir(), 'debate-result-320x640.png');

    // The summary, stored.
    const stats = await (await fetch(`${server.origin}/api/voice/stats?marketAddress=${market}`)).json();
    const [summary] = stats.data.debates;
    log(`stored summary: ${JSON.stringify(summary)}`);
    assert.equal(summary.turnSeconds, TURN_SECONDS);
    assert.deepEqual(
      summary.turns.map((t) => [t.side, t.walletAddress]),
      [first, second, third, fourth].map((t) => [t.side, t.wallet]),
    );
    assert.ok(summary.turns[1].seconds >= TURN_SECONDS - 1, 'the turn that ran out lasted its length');
    assert.ok(summary.speakingSeconds.yes > 0 && summary.speakingSeconds.no > 0);
    assert.deepEqual(summary.poll, { yes: { votes: 1, weight: 10 }, no: { votes: 1, weight: 300 }, winner: 'NO' });

    assert.deepEqual(users.flatMap((user) => user.pageErrors), []);
  }));
