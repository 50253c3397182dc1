// The room before joining and the embed, in headless Chromium against the
// real server: the preview (question, live counts, host), Listen and Share;
// `embed.js` docked on a market page of another, allowed origin, whose wallet
// (injected only into the top window) signs in the framed room over the
// wallet bridge; a page on an origin the server does not allow, which gets
// a readable message and never a signature request; and an inline room
// through the JS API, signed in by the page's `signer` callback.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { launchBrowser, log, newMarket, newWallet, screenshotDir, User, VoiceServer } from './harness.mjs';

const founder = newWallet();
/** The market page's wallet: YES holder, injected only into the page's top window. */
const holder = newWallet();
const market = newMarket();
const TITLE = 'Will SOL close above $300 on Friday?';
let server;
let browser;
let allowedSite;
let strangerSite;
const users = [];
const shots = screenshotDir();

/**
 * The test wallet's key in a page: `window.__testSigner` signs with WebCrypto
 * Ed25519 from the wallet's seed and records every message it signs. With
 * `injected`, a fake Phantom-style `window.solana` wraps it.
 */
function walletScript(wallet, injected) {
  return `
(() => {
  const seed = '${wallet.seedHex}'.match(/../g).map((h) => parseInt(h, 16));
  const pkcs8 = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20, ...seed]);
  const key = crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
  window.__signRequests = [];
  window.__connects = 0;
  window.__messages = [];
  window.addEventListener('message', (event) => window.__messages.push(event.data));
  window.__testSigner = {
    publicKey: '${wallet.address}',
    async signMessage(message) {
      window.__signRequests.push(new TextDecoder().decode(message));
      return new Uint8Array(await crypto.subtle.sign('Ed25519', await key, message));
    },
  };
  if (!${injected}) return;
  const publicKey = { toString: () => '${wallet.address}' };
  window.solana = {
    publicKey: null,
    async connect() {
      window.__connects += 1;
      this.publicKey = publicKey;
      return { publicKey };
    },
    async signMessage(message) {
      return { signature: await window.__testSigner.signMessage(message) };
    },
  };
})();`;
}

/**
 * A market page with a long article (to scroll) and the room: `/api` docked through the JS API with
 * an injected wallet; `/signer` inline in a container through the JS API with a `signer` and no
 * injected wallet; anything else docked through the script tag with an injected wallet.
 */
function marketPage(req) {
  const path = new URL(req.url, 'http://x').pathname;
  const api = (options) => `<script src="${server.origin}/dist/embed.js"></script>
       <script>
         window.__events = [];
         window.voiceRoom = PNLVoice.embed({ market: '${market}', onEvent: (e) => window.__events.push(e), ${options} });
       </script>`;
  const embed =
    path === '/api' ? api("mode: 'docked'")
    : path === '/signer' ? api("container: document.getElementById('room'), signer: window.__testSigner")
    : `<script src="${server.origin}/dist/embed.js" data-market="${market}" data-mode="docked" data-timeout="3000"></script>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Market</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>${TITLE}</h1><p>YES 0.62 · NO 0.38</p><div id="room"></div><div style="height:3000px">Market details…</div></main>
<script>${walletScript(holder, path !== '/signer')}</script>${embed}</body></html>`;
}

async function startSite() {
  const site = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(marketPage(req));
  });
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  return { site, origin: `http://127.0.0.1:${site.address().port}` };
}

before(async () => {
  allowedSite = await startSite();
  strangerSite = await startSite();
  server = await VoiceServer.start({
    allowedOrigins: [allowedSite.origin],
    markets: [
      {
        marketAddress: market,
        title: TITLE,
        founderWallet: founder.address,
        holdings: { [founder.address]: { yes: 0, no: 900 }, [holder.address]: { yes: 250, no: 0 } },
      },
    ],
  });
  browser = await launchBrowser(server.dir);
});

after(async () => {
  for (const user of users) await user.close();
  await browser?.close();
  await server?.stop();
  allowedSite?.site.close();
  strangerSite?.site.close();
});

/** The frame of the voice server inside `user`'s page. */
async function roomFrame(user) {
  await user.waitFor('the room frame', () => !!document.querySelector('iframe[data-pnl-voice]'));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const frame = user.page.frames().find((f) => f.url().startsWith(`${server.origin}/rooms/`));
    if (frame) return frame;
    if (Date.now() > deadline) throw new Error('the room frame never loaded');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function hostEvents(user, type) {
  return user.page.evaluate((t) => window.__events.filter((e) => e.type === t), type);
}

const short = (address) => `${address.slice(0, 4)}…${address.slice(-4)}`;

test('the room page previews the room: question, live counts, host; Listen joins; Share copies the link', { timeout: 90_000 }, () =>
  server.withLogOnFailure(async () => {
    const host = await User.open(browser, server, 'founder', founder);
    users.push(host);
    await host.page.goto(`${server.origin}/rooms/${market}`);
    await host.waitFor('the preview', () => document.getElementById('preview-summary')?.hidden === false);
    assert.equal(await host.page.getByRole('heading', { level: 2, name: TITLE }).count(), 1);
    assert.equal(await host.page.locator('#preview-summary').textContent(),
      `Not live yet — be the first to join · hosted by ${short(founder.address)}`);
    assert.equal(await host.page.getByLabel('Market address').isVisible(), false);
    await host.join(server, market);

    const visitor = await User.open(browser, server, 'visitor', newWallet(), { width: 320, height: 640 });
    users.push(visitor);
    await visitor.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    await visitor.page.goto(`${server.origin}/rooms/${market}`);
    await visitor.waitFor('the live preview', () => /^LIVE/.test(document.getElementById('preview-summary')?.textContent ?? ''));
    assert.equal(await visitor.page.locator('#preview-summary').textContent(),
      `LIVE · 1 speaking · 0 listening · hosted by ${short(founder.address)}`);
    assert.ok(await visitor.page.evaluate(() => document.documentElement.scrollWidth <= 320), 'no sideways scroll at 320 px');
    await visitor.screenshot(shots, 'preview-320x640.png');

    await visitor.page.getByRole('button', { name: 'Share' }).click();
    await visitor.waitFor('the copy confirmation', () => document.getElementById('share-status')?.textContent === 'Link copied');
    assert.equal(await visitor.page.evaluate(() => navigator.clipboard.readText()), `${server.origin}/rooms/${market}`);

    await visitor.page.getByRole('button', { name: 'Listen', exact: true }).click();
    await visitor.waitFor('joining', () => document.getElementById('app')?.dataset.phase === 'joined');
    await host.waitFor('the visitor listed', () => document.querySelectorAll('.tile').length === 2);
    await visitor.page.getByRole('button', { name: 'Leave' }).click();
    await host.page.getByRole('button', { name: 'Leave' }).click();
    await host.waitFor('leaving', () => document.getElementById('app')?.dataset.phase === 'ended');
    assert.deepEqual([...host.pageErrors, ...visitor.pageErrors], []);
  }));

test('docked on an allowed market page: the top window\'s wallet signs in through the bridge, events reach the page, the pill stays on screen', { timeout: 120_000 }, () =>
  server.withLogOnFailure(async () => {
    // The guest key of this browser is another wallet: only the bridge can make it appear as `holder`.
    const reader = await User.open(browser, server, 'market reader', newWallet(), { width: 1280, height: 800 }, {
      origins: [allowedSite.origin],
    });
    users.push(reader);
    await reader.page.goto(`${allowedSite.origin}/api`);
    const frame = await roomFrame(reader);
    await reader.waitFor('ready', () => window.__events.some((e) => e.type === 'ready'));
    assert.equal(await frame.evaluate(() => typeof window.solana), 'undefined', 'no wallet inside the frame');

    const iframe = reader.page.locator('iframe[data-pnl-voice]');
    const inViewport = async () => {
      const box = await iframe.boundingBox();
      const { width, height } = reader.page.viewportSize();
      return box && box.y >= 0 && box.y + box.height <= height && box.x >= 0 && box.x + box.width <= width && box.height > 40;
    };
    assert.ok(await inViewport(), 'the pill is on screen');
    await reader.page.evaluate(() => window.scrollTo(0, 2500));
    await reader.waitFor('scrolling', () => window.scrollY > 1000);
    assert.ok(await inViewport(), 'the pill is still on screen after scrolling');

    await frame.getByRole('button', { name: 'Listen', exact: true }).click();
    await reader.waitFor('joined', () => window.__events.some((e) => e.type === 'joined'));
    const [joined] = await hostEvents(reader, 'joined');
    assert.equal(joined.walletAddress, holder.address);
    assert.equal(joined.marketAddress, market);
    assert.equal(await reader.page.evaluate(() => window.__connects), 1);
    const signed = await reader.page.evaluate(() => window.__signRequests);
    assert.equal(signed.length, 1);
    assert.match(signed[0], /Sign in to PNL Voice Rooms\./);

    // The founder arrives and speaks: the page hears of both.
    const host = await User.open(browser, server, 'founder', founder);
    users.push(host);
    await host.join(server, market);
    await host.unmute();
    await reader.waitFor('participant-joined of the founder',
      (w) => window.__events.some((e) => e.type === 'participant-joined' && e.participant.walletAddress === w), founder.address);
    await reader.waitFor('speaking of the founder',
      (w) => window.__events.some((e) => e.type === 'speaking' && e.walletAddress === w), founder.address);
    const [self] = (await hostEvents(reader, 'participant-joined')).filter((e) => e.participant.walletAddress === holder.address);
    assert.deepEqual([self.participant.position, self.participant.positionSize], ['YES', 250]);

    // The founder's room shows the bridge wallet with its YES badge.
    const tile = host.tile(holder);
    await tile.waitFor();
    assert.match(await tile.locator('.badge-yes').textContent(), /YES/);
    assert.match(await tile.locator('.badge-yes').textContent(), /250/);

    // The pill says who speaks; expanding (by the JS API) grows the frame to the room.
    await frame.locator('#mini-text').filter({ hasText: `${short(founder.address)} speaking` }).waitFor();
    await reader.screenshot(shots, 'embed-docked-1280x800.png');
    await reader.page.evaluate(() => window.voiceRoom.expand(true));
    await reader.waitFor('the panel', () => document.querySelector('iframe[data-pnl-voice]')?.dataset.layout === 'expanded');
    const panel = await iframe.boundingBox();
    assert.ok(panel.height > 400 && await inViewport(), `the panel is large and on screen (${JSON.stringify(panel)})`);
    await frame.locator(`.tile[data-wallet="${holder.address}"] .badge-yes`).waitFor();
    await reader.screenshot(shots, 'embed-docked-expanded-1280x800.png');
    await frame.getByRole('button', { name: 'Collapse the voice room' }).click();
    await reader.waitFor('the pill again', () => document.querySelector('iframe[data-pnl-voice]')?.dataset.layout === 'collapsed');

    // On a phone the pill still fits the screen.
    await reader.page.setViewportSize({ width: 390, height: 844 });
    assert.ok(await inViewport(), 'the pill is on a phone screen');
    await reader.page.setViewportSize({ width: 1280, height: 800 });

    // A command from the page: the raised hand comes back as a queue event.
    await reader.page.evaluate(() => window.voiceRoom.raiseHand());
    await reader.waitFor('the queue event', (w) => window.__events.some((e) => e.type === 'queue' && e.queue.includes(w)), holder.address);

    // The bridge signs nothing but the sign-in challenge, and hears only its own frame.
    const refused = await frame.evaluate(() => new Promise((resolve) => {
      window.addEventListener('message', (e) => e.data?.id === 99 && resolve(e.data));
      window.parent.postMessage({ source: 'pnl-voice', type: 'sign-request', id: 99, message: btoa('Send 100 SOL') }, '*');
    }));
    assert.equal(refused.type, 'sign-response');
    assert.match(refused.error, /Only the PNL Voice sign-in message/);
    // A look-alike challenge from a window that is not the room's frame: ignored.
    await reader.page.evaluate((w) => window.postMessage({
      source: 'pnl-voice',
      type: 'sign-request',
      id: 7,
      message: btoa(`evil.example wants you to sign in with your Solana account:\n${w}\n\nSign in to PNL Voice Rooms.\n`),
    }, '*'), holder.address);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await reader.page.evaluate(() => window.__signRequests.length), 1, 'still only the sign-in was signed');

    await reader.page.evaluate(() => window.voiceRoom.leave());
    await reader.waitFor('left', () => window.__events.some((e) => e.type === 'left'));
    log(`market page events: ${[...new Set(await reader.page.evaluate(() => window.__events.map((e) => e.type)))].join(', ')}`);
    await host.page.getByRole('button', { name: 'Leave' }).click();
    assert.deepEqual([...reader.pageErrors, ...host.pageErrors], []);
  }));

test('a market page on an origin the server does not allow: a readable message, never a signature request', { timeout: 60_000 }, () =>
  server.withLogOnFailure(async () => {
    const stranger = await User.open(browser, server, 'stranger page', newWallet(), { width: 390, height: 844 }, {
      origins: [strangerSite.origin],
    });
    users.push(stranger);
    await stranger.page.goto(`${strangerSite.origin}/`);
    const alert = stranger.page.getByRole('alert');
    await alert.waitFor();
    const text = await alert.textContent();
    assert.match(text, new RegExp(`This page \\(${strangerSite.origin}\\) is not allowed to embed voice rooms from ${server.origin}`));
    assert.match(text, /PNL_VOICE_ALLOWED_ORIGINS/);
    await stranger.screenshot(shots, 'embed-refused-390x844.png');
    assert.equal(await stranger.page.locator('iframe[data-pnl-voice]').isVisible(), false);
    assert.equal(await alert.getByRole('link', { name: 'Open the voice room in a new tab' }).getAttribute('href'),
      `${server.origin}/rooms/${market}`);
    // The page's wallet was never asked for anything, and no voice message ever reached the page.
    assert.deepEqual(await stranger.page.evaluate(() => [window.__connects, window.__signRequests.length]), [0, 0]);
    assert.deepEqual(await stranger.page.evaluate(() => window.__messages.filter((m) => m?.source === 'pnl-voice')), []);
  }));

test('inline through the JS API with a signer callback: the join command signs in with it', { timeout: 60_000 }, () =>
  server.withLogOnFailure(async () => {
    const reader = await User.open(browser, server, 'signer page', newWallet(), { width: 1280, height: 800 }, {
      origins: [allowedSite.origin],
    });
    users.push(reader);
    await reader.page.goto(`${allowedSite.origin}/signer`);
    assert.equal(await reader.page.locator('#room > iframe').getAttribute('src'), `${server.origin}/rooms/${market}`);
    await reader.waitFor('ready', () => window.__events.some((e) => e.type === 'ready'));
    await reader.page.evaluate(() => window.voiceRoom.join());
    await reader.waitFor('joined', () => window.__events.some((e) => e.type === 'joined'));
    const [joined] = await hostEvents(reader, 'joined');
    assert.equal(joined.walletAddress, holder.address);
    assert.equal(await reader.page.evaluate(() => window.__signRequests.length), 1);
    const frame = await roomFrame(reader);
    await frame.locator(`.tile[data-wallet="${holder.address}"] .badge-yes`).waitFor();
    await reader.page.evaluate(() => window.voiceRoom.destroy());
    assert.equal(await reader.page.locator('iframe').count(), 0);
    assert.deepEqual(reader.pageErrors, []);
  }));
