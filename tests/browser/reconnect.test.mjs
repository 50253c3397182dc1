// The server drops every socket (the process is killed and started again on
// the same port, so the rooms are gone): both pages must notice, say so,
// reconnect by themselves, join the room again, rebuild their media, and
// the listener must hear the founder again, without a page reload. Then a
// session ended on purpose (replaced by another tab) must not come back.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, log, newMarket, newWallet, screenshotDir, sleep, User, VoiceServer } from './harness.mjs';

const founder = newWallet();
const guest = newWallet();
const market = newMarket();
let server;
let browser;
let host;
const users = [];

before(async () => {
  server = await VoiceServer.start({ markets: [{ marketAddress: market, founderWallet: founder.address, holdings: {} }] });
  browser = await launchBrowser(server.dir);
});

after(async () => {
  for (const user of users) await user.close();
  await browser?.close();
  await server?.stop();
});

test('both pages reconnect after the server restarts, and audio flows again', { timeout: 150_000 }, () =>
  server.withLogOnFailure(async () => {
    host = await User.open(browser, server, 'founder', founder);
    const listener = await User.open(browser, server, 'listener', guest, { width: 390, height: 844 });
    users.push(host, listener);

    await host.join(server, market);
    await listener.join(server, market);
    await host.unmute();
    await listener.expectHearing(host);
    // Survives only if the page is never reloaded.
    await listener.page.evaluate(() => {
      window.__sameDocument = true;
    });

    await server.kill();
    for (const user of [host, listener]) {
      await user.waitFor('the reconnecting state', () => document.getElementById('app')?.dataset.phase === 'reconnecting');
      assert.match(await user.page.locator('#status').textContent(), /Reconnecting/);
    }
    await listener.screenshot(screenshotDir(), 'reconnecting-390x844.png');

    await server.spawn();
    for (const user of [host, listener]) {
      await user.waitFor('rejoining', () => document.getElementById('app')?.dataset.phase === 'joined');
      assert.match(await user.page.locator('#status').textContent(), /Reconnected/);
      log(`${user.name} rejoined: ${await user.page.locator('#status').textContent()}`);
    }
    // The founder was live before the drop and is live again; the listener hears it.
    await host.waitFor('the founder live again', () => document.getElementById('mute')?.textContent === 'Mute');
    await listener.expectHearing(host);
    await listener.waitFor('the founder back on stage', (w) => !!document.querySelector(`#speakers .tile[data-wallet="${w}"]`), founder.address);
    assert.equal(await listener.page.evaluate(() => window.__sameDocument), true, 'the listener page was reloaded');

    // Leaving is final: no reconnection after it.
    await listener.page.getByRole('button', { name: 'Leave' }).click();
    await listener.waitFor('leaving', () => document.getElementById('app')?.dataset.endReason === 'left');
    await host.waitFor('the listener gone', (w) => !document.querySelector(`.tile[data-wallet="${w}"]`), guest.address);

    assert.deepEqual([...host.pageErrors, ...listener.pageErrors], []);
  }));

test('a second tab of the same wallet replaces the first, which does not rejoin', { timeout: 60_000 }, () =>
  server.withLogOnFailure(async () => {
    const second = await User.open(browser, server, 'founder, 2nd tab', founder);
    users.push(second);
    await second.join(server, market);
    await host.waitFor('the replaced state', () => document.getElementById('app')?.dataset.endReason === 'replaced');
    assert.match(await host.page.locator('#status').textContent(), /another tab or device/);
    await sleep(3000);
    assert.equal(await host.phase(), 'ended', 'the replaced tab came back');
    assert.equal(await second.phase(), 'joined');
    assert.deepEqual([...host.pageErrors, ...second.pageErrors], []);
  }));
