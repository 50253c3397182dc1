// A founder and a listener in one market's room, both driving the real web
// client in headless Chromium against the real server: badges, audio both
// ways with level rings, the raise-hand queue, granting the floor,
// push-to-talk, muting, mute-all and a kick (from the person's menu); and
// the embed script.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { launchBrowser, log, newMarket, newWallet, screenshotDir, User, VoiceServer } from './harness.mjs';

const founder = newWallet();
const guest = newWallet();
const market = newMarket();
let server;
let browser;
let marketSite;
const users = [];

/// A market page on another origin that embeds the room, as a market site would.
async function startMarketSite() {
  const site = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      `<main><h1>Some market</h1><script src="${server.origin}/dist/embed.js" data-market="${market}" data-height="480px"></script></main>`,
    );
  });
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  return site;
}

before(async () => {
  marketSite = await startMarketSite();
  server = await VoiceServer.start({
    allowedOrigins: [`http://127.0.0.1:${marketSite.address().port}`],
    markets: [
      {
        marketAddress: market,
        founderWallet: founder.address,
        holdings: { [founder.address]: { yes: 0, no: 3400 }, [guest.address]: { yes: 12.5, no: 0 } },
      },
    ],
  });
  browser = await launchBrowser(server.dir);
});

after(async () => {
  for (const user of users) await user.close();
  await browser?.close();
  await server?.stop();
  marketSite?.close();
});

test('founder and listener: hear, raise hand, grant, speak, push to talk, mute, mute all, kick', { timeout: 150_000 }, () =>
  server.withLogOnFailure(async () => {
    const host = await User.open(browser, server, 'founder', founder);
    const listener = await User.open(browser, server, 'listener', guest);
    users.push(host, listener);

    await host.join(server, market);
    await listener.join(server, market, { viaRoomLink: false });

    // Roles and badges.
    await host.waitFor('the listener in the audience', (w) => !!document.querySelector(`#listeners .tile[data-wallet="${w}"]`), guest.address);
    await listener.waitFor('the founder on stage', (w) => !!document.querySelector(`#speakers .tile[data-wallet="${w}"]`), founder.address);
    const founderTile = listener.tile(founder);
    assert.match(await founderTile.textContent(), /Founder/);
    assert.match(await founderTile.textContent(), /NO 3\.4K/);
    assert.match(await listener.tile(guest).textContent(), /YES 12\.5/);
    assert.equal(await listener.page.locator('#mute').isHidden(), true, 'a listener has no mute button');

    // The founder speaks; the listener hears it and sees it: a level ring and the active-speaker mark.
    await listener.watchRings();
    await host.unmute();
    await listener.expectHearing(host);
    // The worker's libsrtp is built on OpenSSL, with the AEAD (GCM) suites.
    const ciphers = [...(await host.srtpCiphers()), ...(await listener.srtpCiphers())];
    log(`SRTP cipher suites negotiated: ${ciphers.join(', ')}`);
    assert.ok(ciphers.length > 0 && ciphers.every((c) => /^SRTP_AEAD_AES_(128|256)_GCM$/.test(c)), `SRTP suites: ${ciphers}`);
    // The ring follows the levels the listener's browser reads from the packets
    // (ssrc-audio-level via getSynchronizationSources): many distinct levels,
    // where the server's voice:speaking fallback would draw one fixed level.
    const heardLevel = await listener.sourceLevel();
    log(`listener's receivers report the founder's audioLevel up to ${heardLevel}`);
    assert.ok(heardLevel > 0, 'no audioLevel in getSynchronizationSources: the level extension is not forwarded');
    await listener.waitFor('the ring to follow the measured level', (w) => (window.__rings?.[w]?.levels.length ?? 0) >= 3, founder.address);
    const ring = await listener.rings(founder);
    log(`listener saw the founder's ring: ${JSON.stringify(ring)}`);
    assert.ok(ring.level > 0, 'no audio-level ring on the founder');
    assert.ok(ring.active, 'the founder was never marked as the active speaker');

    // Chromium's RTCP gives the server round-trip times: /metrics reports them (in seconds).
    const latency = await server.waitForMetric('voice_rtt_seconds_count', (v) => v > 0);
    log(`round-trip samples in /metrics: ${latency}`);

    // Raise hand -> the founder sees the queue -> grant.
    await listener.page.getByRole('button', { name: 'Raise hand' }).click();
    await listener.waitFor('the hand going up', () => document.getElementById('hand')?.textContent === 'Lower hand');
    await host.waitFor('the queue showing the listener', (w) => !!document.querySelector(`#queue li[data-wallet="${w}"]`), guest.address);
    const dir = screenshotDir();
    await host.screenshot(dir, 'room-founder-1280x800.png');
    await host.page.locator(`#queue li[data-wallet="${guest.address}"] button`).click();
    await listener.page.getByRole('button', { name: 'Accept', exact: true }).click(); // the invitation to speak
    await listener.waitFor('"you may speak now"', () => /You may speak now/.test(document.getElementById('notice')?.textContent ?? '') && !document.getElementById('notice').hidden);
    await host.waitFor('the listener on stage', (w) => !!document.querySelector(`#speakers .tile[data-wallet="${w}"]`), guest.address);
    await listener.screenshot(dir, 'room-speaker-390x844.png', { width: 390, height: 844 });

    // The new speaker unmutes: the founder hears it.
    await listener.unmute();
    await host.expectHearing(listener);

    await host.screenshot(dir, 'room-founder-390x844.png', { width: 390, height: 844 });
    await listener.screenshot(dir, 'room-speaker-1280x800.png', { width: 1280, height: 800 });
    await host.page.setViewportSize({ width: 1280, height: 800 });

    // Muted: nothing reaches the founder any more.
    await listener.mute();
    await host.expectSilence(listener);

    // Push-to-talk: holding the button unmutes, letting go mutes again.
    await listener.page.locator('#ptt').hover();
    await listener.page.mouse.down();
    await listener.waitFor('talking while the button is held', () => document.getElementById('mute')?.textContent === 'Mute');
    await host.expectHearing(listener);
    await listener.page.mouse.up();
    await listener.waitFor('muted on release', () => document.getElementById('mute')?.textContent === 'Unmute');
    await host.expectSilence(listener);

    // Holding Space does the same while no control has focus.
    await listener.page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
    await listener.page.keyboard.down('Space');
    await listener.waitFor('talking while Space is held', () => document.getElementById('mute')?.textContent === 'Mute');
    await listener.page.keyboard.up('Space');
    await listener.waitFor('muted when Space is let go', () => document.getElementById('mute')?.textContent === 'Unmute');

    // Mute all: the live listener is muted by the founder and told so.
    await listener.unmute();
    await host.page.getByRole('button', { name: 'Mute all' }).click();
    await listener.waitFor('"muted by the founder"', () => {
      const notice = document.getElementById('notice');
      return !notice.hidden && /Muted by the founder/.test(notice.textContent) && document.getElementById('mute').textContent === 'Unmute';
    });
    await host.expectSilence(listener);

    // The founder removes the listener from the UI.
    await host.tile(guest).getByRole('button', { name: /^Actions for / }).click();
    await host.tile(guest).getByRole('menuitem', { name: 'Remove from room' }).click();
    await listener.waitFor('the kicked state', () => document.getElementById('app')?.dataset.endReason === 'kicked');
    assert.match(await listener.page.locator('#status').textContent(), /removed you/);
    await host.waitFor('the listener gone', (w) => !document.querySelector(`.tile[data-wallet="${w}"]`), guest.address);
    await listener.screenshot(dir, 'kicked-390x844.png', { width: 390, height: 844 });

    assert.deepEqual([...host.pageErrors, ...listener.pageErrors], []);
  }));

test('embed.js inserts the room in an iframe allowed to use the microphone', { timeout: 60_000 }, () =>
  server.withLogOnFailure(async () => {
    const visitor = await User.open(browser, server, 'market page', newWallet());
    users.push(visitor);
    await visitor.page.goto(`http://127.0.0.1:${marketSite.address().port}/`);
    const iframe = visitor.page.locator('main iframe');
    await iframe.waitFor();
    assert.equal(await iframe.getAttribute('src'), `${server.origin}/rooms/${market}`);
    assert.equal(await iframe.getAttribute('allow'), 'microphone; autoplay; clipboard-write');
    const frame = visitor.page.frameLocator('main iframe');
    // The room's preview with its Listen button, the market taken from the frame's URL.
    await frame.getByRole('button', { name: 'Listen', exact: true }).waitFor();
    assert.equal(await frame.locator('#market').inputValue(), market);
    assert.equal(await frame.locator('html').getAttribute('data-embedded'), 'true');
    assert.deepEqual(visitor.pageErrors, []);
  }));
