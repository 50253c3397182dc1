// axe-core inside the real page (issue 20): the join form, the room as its
// founder and as a listener with hands raised, and errors on screen, at
// desktop and phone sizes, light and dark: no serious or critical violation.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { callApi, checkA11y, launchBrowser, newMarket, newWallet, signIn, User, VoiceServer } from './harness.mjs';

const founder = newWallet();
const guest = newWallet();
const other = newWallet();
const market = newMarket();
let server;
let browser;
const users = [];

before(async () => {
  server = await VoiceServer.start({
    markets: [
      {
        marketAddress: market,
        founderWallet: founder.address,
        holdings: { [founder.address]: { yes: 0, no: 3400 }, [guest.address]: { yes: 12.5, no: 0 }, [other.address]: { yes: 0, no: 7 } },
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

/** Every check runs; the test fails at the end with all they found. */
const failures = [];
const check = (page, label) => checkA11y(page, label).catch((error) => void failures.push(error.message));

async function open(name, wallet) {
  const user = await User.open(browser, server, name, wallet);
  users.push(user);
  return user;
}

test('axe: the join forms, the room as founder and as listener with hands raised, errors shown', { timeout: 240_000 }, () =>
  server.withLogOnFailure(async () => {
    const host = await open('founder', founder);
    const listener = await open('listener', guest);
    const second = await open('second listener', other);

    await listener.page.goto(`${server.origin}/`);
    await check(listener.page, 'the join form');
    await listener.page.goto(`${server.origin}/rooms/${market}`);
    await listener.page.getByRole('button', { name: 'Listen', exact: true }).waitFor();
    await check(listener.page, "a room's page before joining");

    await host.join(server, market);
    await listener.join(server, market);
    await second.join(server, market);
    for (const user of [listener, second]) {
      await user.page.getByRole('button', { name: 'Raise hand' }).click();
      await user.waitFor('the hand going up', () => document.getElementById('hand')?.textContent === 'Lower hand');
    }
    await host.waitFor('two raised hands', () => document.querySelectorAll('#queue .queue-item').length === 2);
    await host.unmute();
    await check(host.page, 'the room as its founder, live, with hands raised');
    await check(listener.page, 'the room as a listener with a hand raised');

    // Errors on screen: a ban after a removal, and an unknown market.
    const token = await signIn(server, founder);
    await callApi(server, '/api/voice/moderate', { marketAddress: market, founderWallet: founder.address, action: 'kick', targetWallet: other.address }, token);
    await second.waitFor('the kicked state', () => document.getElementById('app')?.dataset.endReason === 'kicked');
    await second.page.getByRole('button', { name: 'Listen', exact: true }).click();
    await second.waitFor('the refusal', () => document.getElementById('app')?.dataset.endReason === 'error');
    await check(second.page, 'a refused join');
    await second.page.goto(`${server.origin}/`);
    await second.page.getByLabel('Market address').fill('not a market');
    await second.page.getByRole('button', { name: 'Join room', exact: true }).click();
    await check(second.page, 'an invalid market address');
    assert.deepEqual(failures, []);
  }));
