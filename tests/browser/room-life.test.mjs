// A room's life in headless Chromium against the real server, driven from
// each person's menu: a speaker muted by the host, a speaker muted by one
// listener for itself only, a report, a co-host given the host role, and the
// room ended by its host.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, log, newMarket, newWallet, signIn, sleep, User, VoiceServer } from './harness.mjs';

const founder = newWallet();
const speaker = newWallet();
const guest = newWallet();
const market = newMarket();
const secondFounder = newWallet();
const invitee = newWallet();
const secondMarket = newMarket();
let server;
let browser;
const users = [];

before(async () => {
  server = await VoiceServer.start({
    markets: [
      {
        marketAddress: market,
        founderWallet: founder.address,
        holdings: { [speaker.address]: { yes: 120, no: 0 }, [guest.address]: { yes: 0, no: 8 } },
      },
      {
        marketAddress: secondMarket,
        founderWallet: secondFounder.address,
        holdings: { [invitee.address]: { yes: 55, no: 0 }, [secondFounder.address]: { yes: 0, no: 9 } },
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

async function open(name, wallet) {
  const user = await User.open(browser, server, name, wallet);
  users.push(user);
  return user;
}

/** The room's news line (host changes, reports) on `user`'s page matches `pattern`. */
function news(user, pattern) {
  return user.waitFor(`the news ${pattern}`, (source) => new RegExp(source).test(document.getElementById('room-news')?.textContent ?? ''), pattern.source);
}

/** The listener takes an invitation when the page asks for an answer. */
async function accept(listener) {
  const button = listener.page.getByRole('button', { name: 'Accept', exact: true });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const onStage = await listener.page.evaluate((w) => !!document.querySelector(`#speakers .tile[data-wallet="${w}"]`), listener.wallet.address);
    if (onStage) return;
    if (await button.isVisible().catch(() => false)) return button.click();
    await sleep(100);
  }
}

/** The reports `wallet` filed, from the server's records (`GET /api/voice/me/data`). */
async function reportsFiledBy(wallet) {
  const token = await signIn(server, wallet);
  const response = await fetch(`${server.origin}/api/voice/me/data`, { headers: { authorization: `Bearer ${token}` } });
  const { data } = await response.json();
  return data.reportsFiled;
}

test('mute one speaker, mute a speaker for me, report, hand the host role on, end the room', { timeout: 150_000 }, () =>
  server.withLogOnFailure(async () => {
    const host = await open('founder', founder);
    const talker = await open('speaker', speaker);
    const listener = await open('listener', guest);
    await host.join(server, market);
    await talker.join(server, market);
    await listener.join(server, market);

    // The founder brings the speaker on stage; it talks and is heard.
    await host.waitFor('the speaker in the audience', (w) => !!document.querySelector(`#listeners .tile[data-wallet="${w}"]`), speaker.address);
    await host.choose(speaker, 'Invite to speak');
    await accept(talker);
    await talker.unmute();
    await listener.expectHearing(talker);

    // Mute for me: this listener stops receiving the speaker (its consumer is paused); the founder still hears it.
    await listener.watchRings();
    await listener.choose(speaker, 'Mute for me');
    await listener.waitFor('"Muted for you" on the tile', (w) => /Muted for you/.test(document.querySelector(`.tile[data-wallet="${w}"]`)?.textContent ?? ''), speaker.address);
    await listener.expectSilence(talker);
    await host.expectHearing(talker);
    await listener.page.evaluate(() => {
      window.__rings = {};
    });
    await sleep(1000);
    assert.equal((await listener.rings(speaker)).level, 0, 'a speaker muted for me still draws a level ring');
    await listener.choose(speaker, 'Unmute for me');
    await listener.expectHearing(talker);

    // The host mutes that one speaker: it is told, and nobody hears it any more.
    await host.choose(speaker, 'Mute');
    await talker.waitFor('muted by the host', () => document.getElementById('mute')?.textContent === 'Unmute');
    await listener.expectSilence(talker);

    // A report with a reason, confirmed in words and stored.
    await listener.choose(speaker, 'Report');
    const dialog = listener.page.getByRole('dialog', { name: /^Report / });
    await dialog.waitFor();
    await dialog.getByLabel('What happened?').fill('Insults other holders');
    await dialog.getByRole('button', { name: 'Send report' }).click();
    await news(listener, /your report about .* was sent/);
    assert.equal(await dialog.isVisible(), false, 'the report dialog stays open');
    const focused = await listener.page.evaluate(() => document.activeElement?.textContent ?? '');
    assert.match(focused, /Actions for/, 'focus does not return to the menu after the report');
    let filed = [];
    for (let i = 0; i < 50 && filed.length === 0; i++) {
      filed = await reportsFiledBy(guest);
      if (filed.length === 0) await sleep(200);
    }
    log(`reports filed by the listener: ${JSON.stringify(filed)}`);
    assert.equal(filed.length, 1);
    assert.equal(filed[0].targetWallet, speaker.address);
    assert.equal(filed[0].reason, 'Insults other holders');

    // Co-host, then the host role: everyone is told who hosts now.
    await host.choose(speaker, 'Make co-host');
    await host.waitFor('the co-host badge', (w) => /Co-host/.test(document.querySelector(`.tile[data-wallet="${w}"] .badges`)?.textContent ?? ''), speaker.address);
    await host.choose(speaker, 'Hand host to them');
    await news(listener, new RegExp(`${speaker.address.slice(0, 4)}.* is now the host`));
    await news(talker, /You are now the host/);
    await talker.waitFor('the End room button for the new host', () => !document.getElementById('end-room')?.hidden);

    // The new host ends the room (after the confirmation): everyone is told.
    await talker.page.getByRole('button', { name: 'End room' }).click();
    for (const user of [host, listener]) {
      await user.waitFor('the room ended', () => document.getElementById('app')?.dataset.phase === 'ended');
      assert.match(await user.page.locator('#status').textContent(), /The host ended the room/);
    }
    assert.deepEqual([...host.pageErrors, ...talker.pageErrors, ...listener.pageErrors], []);
  }));

test('invitation declined then accepted from the keyboard; reactions on the other member\'s page', { timeout: 90_000 }, () =>
  server.withLogOnFailure(async () => {
    const host = await open('second founder', secondFounder);
    const listener = await open('invitee', invitee);
    await host.join(server, secondMarket);
    await listener.join(server, secondMarket);
    await host.waitFor('the invitee in the audience', (w) => !!document.querySelector(`#listeners .tile[data-wallet="${w}"]`), invitee.address);

    // Invited: the listener's prompt takes focus and counts down; the host's tile says so.
    await host.choose(invitee, 'Invite to speak');
    await listener.waitFor('the invitation prompt focused', () => document.activeElement?.id === 'invitation-accept');
    const prompt = listener.page.getByRole('alertdialog', { name: 'The host invites you to speak.' });
    assert.match(await prompt.textContent(), /expires in \d+ s/);
    await host.waitFor('"Invited to speak" on the tile', (w) => /Invited to speak/.test(document.querySelector(`.tile[data-wallet="${w}"]`)?.textContent ?? ''), invitee.address);
    await host.tile(invitee).getByRole('button', { name: /^Actions for / }).click();
    assert.equal(await host.tile(invitee).getByRole('menuitem', { name: 'Invite to speak' }).count(), 0, 'an invited listener can be invited again');
    await host.page.keyboard.press('Escape');

    // Not now (Tab from Accept, Enter): the host is told, the prompt goes, nothing moves.
    await listener.page.keyboard.press('Tab');
    assert.equal(await listener.page.evaluate(() => document.activeElement?.textContent), 'Not now');
    await listener.page.keyboard.press('Enter');
    await news(host, /declined the invitation to speak/);
    await listener.waitFor('the prompt gone', () => document.getElementById('invitation')?.hidden === true);
    await host.waitFor('the invited mark gone', (w) => document.querySelector(`.tile[data-wallet="${w}"]`)?.dataset.invited !== 'true', invitee.address);
    assert.equal(await listener.page.evaluate((w) => !!document.querySelector(`#listeners .tile[data-wallet="${w}"]`), invitee.address), true);

    // Invited again and accepted with Enter: on stage on both pages.
    await host.choose(invitee, 'Invite to speak');
    await listener.waitFor('the invitation prompt focused', () => document.activeElement?.id === 'invitation-accept');
    await listener.page.keyboard.press('Enter');
    for (const user of [host, listener]) {
      await user.waitFor('the invitee on stage', (w) => !!document.querySelector(`#speakers .tile[data-wallet="${w}"]`), invitee.address);
    }
    await listener.waitFor('the microphone ready', () => !document.getElementById('mute')?.disabled);

    // Reactions: each one floats on the other's page, ringed by the sender's side, hidden from screen readers.
    await listener.page.getByRole('button', { name: 'React' }).click();
    await listener.page.getByRole('menuitem', { name: '🔥 Fire' }).click();
    await host.waitFor('the invitee\'s reaction', () =>
      [...document.querySelectorAll('#reactions .reaction')].some((r) => r.textContent === '🔥' && r.dataset.side === 'YES'));
    await host.page.getByRole('button', { name: 'React' }).click();
    await host.page.getByRole('menuitem', { name: '👏 Applause' }).click();
    await listener.waitFor('the host\'s reaction', () =>
      [...document.querySelectorAll('#reactions .reaction')].some((r) => r.textContent === '👏' && r.dataset.side === 'NO'));
    assert.equal(await host.page.locator('#reactions').getAttribute('aria-hidden'), 'true');
    assert.deepEqual([...host.pageErrors, ...listener.pageErrors], []);
  }));
