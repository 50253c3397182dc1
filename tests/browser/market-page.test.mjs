// The sample market page (examples/market-page) on its own origin, against
// the real server on another: the embed.js mini-player docked on the page,
// signing in with the page's wallet over the bridge (badge and size, audio
// both ways, on screen after scrolling, its mute stops the user's packets
// reaching the room, events reach the page); the same page on an origin the
// server does not allow (a readable message, no signature); and the React
// routes (<VoiceRoom> and useVoiceRoom) joining one room and hearing each other.
//
// The page must be built first: cd examples/market-page && npm ci && npm run build.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { launchBrowser, log, newMarket, newWallet, REPO_ROOT, screenshotDir, sleep, STEP_MS, User, VoiceServer } from './harness.mjs';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'market-page');
const TITLE = 'Will SOL close above $300 on Friday?';
const founder = newWallet();
/** Holds YES: the market page's injected wallet on the embed route. */
const holder = newWallet();
/** Holds YES too: the injected wallet of the hook route. */
const fan = newWallet();
/** One room per test: the embed's, and the React routes'. */
const market = newMarket();
const reactMarket = newMarket();
let server;
let browser;
/** The sample page on an allowed origin, and on one the server does not know. */
let allowedSite;
let strangerSite;
const users = [];

/** `node serve.mjs --port 0`: resolves once it prints where it listens. */
async function serveExample() {
  const child = spawn(process.execPath, [path.join(EXAMPLE, 'serve.mjs'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  process.once('exit', () => child.kill('SIGKILL'));
  const origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve.mjs did not start')), STEP_MS);
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve.mjs exited (${code})`)));
  });
  return { child, origin };
}

/**
 * A stand-in for a Phantom-style wallet extension (the one thing the tests
 * stub): `window.solana` in the TOP window only, as extensions inject it,
 * signing with WebCrypto Ed25519 from the test wallet's seed and counting
 * what it is asked.
 */
function injectWallet({ seedHex, address }) {
  if (window !== window.top) return;
  const seed = seedHex.match(/../g).map((h) => parseInt(h, 16));
  const pkcs8 = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20, ...seed]);
  const key = crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
  const publicKey = { toString: () => address, toBase58: () => address };
  window.__wallet = { connects: 0, signs: 0 };
  window.solana = {
    isPhantom: true,
    publicKey: null,
    async connect() {
      window.__wallet.connects += 1;
      this.publicKey = publicKey;
      return { publicKey };
    },
    async signMessage(message) {
      window.__wallet.signs += 1;
      return { signature: new Uint8Array(await crypto.subtle.sign('Ed25519', await key, message)), publicKey };
    },
  };
}

/** A user of the sample page on `site`, with the page's wallet (if any) injected into its top window. */
async function openPageUser(name, { site, guest = newWallet(), injected, viewport = { width: 1280, height: 800 } }) {
  const user = await User.open(browser, server, name, guest, viewport, { origins: [site] });
  await user.context.grantPermissions(['microphone'], { origin: site });
  if (injected) await user.context.addInitScript(injectWallet, { seedHex: injected.seedHex, address: injected.address });
  users.push(user);
  return user;
}

function pageUrl(site, route, { room = market, extra = '' } = {}) {
  return `${site}/?server=${encodeURIComponent(server.origin)}&market=${room}${extra}#/${route}`;
}

/** The voice server's frame inside the page. */
async function roomFrame(user) {
  const deadline = Date.now() + STEP_MS;
  for (;;) {
    const frame = user.page.frames().find((f) => f.url().startsWith(`${server.origin}/rooms/`));
    if (frame) return frame;
    if (Date.now() > deadline) throw new Error(`${user.name}: the room frame never loaded`);
    await sleep(100);
  }
}

/** Types of the events the page logged (`#event-log`). */
const loggedTypes = (user) => user.page.locator('#event-log li').evaluateAll((items) => items.map((li) => li.dataset.type));

function waitForLogged(user, type, text) {
  return user.waitFor(
    `a logged ${type}${text ? ` about ${text}` : ''}`,
    ([t, s]) => [...document.querySelectorAll('#event-log li')].some((li) => li.dataset.type === t && (!s || li.textContent.includes(s))),
    [type, text],
  );
}

/** Outbound audio packets a second, over two seconds. */
async function sendRate(user) {
  const before = (await user.stats()).packetsSent;
  await sleep(2000);
  return ((await user.stats()).packetsSent - before) / 2;
}

/** Closes this test's browser contexts, so the next test starts from an empty room. */
async function closeUsers() {
  for (const user of users.splice(0)) await user.close();
}

before(async () => {
  if (!existsSync(path.join(EXAMPLE, 'dist', 'index.html'))) {
    throw new Error('examples/market-page is not built: cd examples/market-page && npm ci && npm run build');
  }
  allowedSite = await serveExample();
  strangerSite = await serveExample();
  const holdings = {
    [founder.address]: { yes: 0, no: 900 },
    [holder.address]: { yes: 250, no: 0 },
    [fan.address]: { yes: 40, no: 0 },
  };
  server = await VoiceServer.start({
    allowedOrigins: [allowedSite.origin],
    markets: [market, reactMarket].map((marketAddress) => ({ marketAddress, title: TITLE, founderWallet: founder.address, holdings })),
  });
  browser = await launchBrowser(server.dir);
});

afterEach(closeUsers);

after(async () => {
  await closeUsers();
  await browser?.close();
  await server?.stop();
  allowedSite?.child.kill();
  strangerSite?.child.kill();
});

test('embed route: the page\'s wallet joins through the bridge, both users hear each other, the docked player stays and mutes', { timeout: 180_000 }, () =>
  server.withLogOnFailure(async () => {
    const reader = await openPageUser('market reader', { site: allowedSite.origin, injected: holder });
    await reader.page.goto(pageUrl(allowedSite.origin, 'embed'));
    await waitForLogged(reader, 'ready');
    const frame = await roomFrame(reader);
    assert.equal(await frame.evaluate(() => typeof window.solana), 'undefined', 'the wallet is only in the top window');

    // The page's command joins; the frame asks the page's wallet to sign.
    await reader.page.getByRole('button', { name: 'Join voice' }).click();
    await waitForLogged(reader, 'joined', holder.address);
    assert.deepEqual(await reader.page.evaluate(() => window.__wallet), { connects: 1, signs: 1 });

    // The founder, on the room's own page, sees the page's wallet with its badge and size.
    const host = await User.open(browser, server, 'founder', founder);
    users.push(host);
    await host.join(server, market);
    await waitForLogged(reader, 'participant-joined', founder.address);
    const badge = host.tile(holder).locator('.badge-yes');
    await badge.waitFor();
    assert.match(await badge.textContent(), /^YES\s*250$/);

    // The founder speaks: the reader hears it, and the page hears who speaks.
    await host.unmute();
    await reader.expectHearing(host);
    await waitForLogged(reader, 'speaking', founder.address);

    // The founder invites the reader on stage; the reader unmutes in the mini-player and is heard.
    await host.choose(holder, 'Invite to speak');
    // The mini-player opens on the invitation; once accepted it folds back to the pill.
    await frame.locator('#invitation-accept').click();
    const miniMute = frame.locator('#mini-mute');
    await frame.waitForFunction(() => {
      const b = document.getElementById('mini-mute');
      return b && !b.hidden && !b.disabled && b.textContent === 'Unmute';
    }, undefined, { timeout: STEP_MS, polling: 100 });
    await miniMute.click();
    await frame.waitForFunction(() => document.getElementById('mini-mute')?.textContent === 'Mute', undefined, { timeout: STEP_MS });
    await host.expectHearing(reader);
    const liveRate = await sendRate(reader);

    // The mini-player stays on screen while the page scrolls.
    const iframe = reader.page.locator('iframe[data-pnl-voice]');
    const onScreen = async () => {
      const box = await iframe.boundingBox();
      return !!box && box.height > 40 && box.y >= 0 && box.y + box.height <= 800 && box.x >= 0 && box.x + box.width <= 1280;
    };
    assert.ok(await onScreen(), 'the mini-player is on screen');
    await reader.page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await reader.waitFor('scrolling down', () => window.scrollY > 800);
    assert.ok(await onScreen(), 'the mini-player is on screen after scrolling');
    await reader.screenshot(screenshotDir(), 'market-page-embed.png');

    // Its mute button stops the reader's packets.
    await miniMute.click();
    await frame.waitForFunction(() => document.getElementById('mini-mute')?.textContent === 'Unmute', undefined, { timeout: STEP_MS });
    // Nothing of the reader reaches the room any more, and the reader's browser sends no audio
    // packets at all (the SDK produces with zeroRtpOnPause).
    await host.expectSilence(reader);
    await sleep(500);
    const mutedRate = await sendRate(reader);
    log(`market reader sends ${liveRate} packets/s live, ${mutedRate} muted`);
    assert.ok(liveRate >= 20, `the reader was not sending while live (${liveRate}/s)`);
    assert.equal(mutedRate, 0, `muting did not stop the reader's packets (${liveRate}/s -> ${mutedRate}/s)`);

    const types = new Set(await loggedTypes(reader));
    log(`market page events: ${[...types].join(', ')}`);
    for (const type of ['ready', 'joined', 'participant-joined', 'speaking']) assert.ok(types.has(type), `no ${type} event`);
    await reader.page.getByRole('button', { name: 'Leave' }).click();
    await waitForLogged(reader, 'left');
    await host.page.getByRole('button', { name: 'Leave' }).click();
    assert.deepEqual([...reader.pageErrors, ...host.pageErrors], []);
  }));

test('embed route on an origin the server does not allow: a readable message, and the page cannot drive the bridge', { timeout: 60_000 }, () =>
  server.withLogOnFailure(async () => {
    const stranger = await openPageUser('stranger page', { site: strangerSite.origin, injected: holder });
    await stranger.page.goto(pageUrl(strangerSite.origin, 'embed', { extra: '&timeout=3000' }));
    // Commands given now are never delivered: the room never says it is ready.
    await stranger.page.getByRole('button', { name: 'Join voice' }).click();
    const message = stranger.page.getByRole('alert').filter({ hasText: 'PNL_VOICE_ALLOWED_ORIGINS' });
    await message.waitFor();
    const text = await message.textContent();
    log(`stranger sees: ${text}`);
    assert.match(text, new RegExp(`${strangerSite.origin.replace(/\./g, '\\.')}.*not allowed`));
    await waitForLogged(stranger, 'error', 'EMBED_NOT_LOADED');
    assert.deepEqual(await loggedTypes(stranger), ['error']);
    await sleep(1000);
    assert.deepEqual(await stranger.page.evaluate(() => window.__wallet), { connects: 0, signs: 0 }, 'the wallet was asked');
  }));

test('react routes: <VoiceRoom> (founder) and useVoiceRoom (a holder) join one room and hear each other', { timeout: 180_000 }, () =>
  server.withLogOnFailure(async () => {
    // No wallet extension: the page signs with its guest key, the founder's (the harness stores it).
    const host = await openPageUser('founder (component)', { site: allowedSite.origin, guest: founder });
    await host.page.goto(pageUrl(allowedSite.origin, 'react', { room: reactMarket }));
    const room = host.page.locator('.pnl-voice');
    await room.locator('.pnl-voice-title').filter({ hasText: TITLE }).waitFor();
    await room.getByRole('button', { name: 'Listen', exact: true }).click();
    await host.waitFor('joining', () => document.querySelector('.pnl-voice')?.dataset.connection === 'connected');
    const hostTile = room.locator(`.pnl-voice-stage .pnl-voice-tile[data-wallet="${founder.address}"]`);
    assert.deepEqual(await hostTile.locator('.pnl-voice-badge').allTextContents(), ['You', 'Founder', 'NO 900']);
    const unmute = room.getByRole('button', { name: 'Unmute', exact: true });
    await host.waitFor('the microphone', () => {
      const b = document.querySelector('.pnl-voice-controls [data-control="mute"]');
      return b && !b.disabled;
    });
    await unmute.click();
    await room.getByRole('button', { name: 'Mute', exact: true }).waitFor();

    // A holder with a wallet extension joins through the hook's own voice bar.
    const listener = await openPageUser('holder (hook)', { site: allowedSite.origin, injected: fan });
    await listener.page.goto(pageUrl(allowedSite.origin, 'hook', { room: reactMarket }));
    const bar = listener.page.locator('.voice-bar');
    await bar.locator('.voice-bar-line').filter({ hasText: 'LIVE · 1 speaking · 0 listening' }).waitFor();
    await bar.getByRole('button', { name: 'Listen' }).click();
    await bar.getByRole('status').filter({ hasText: `YES 40 · listening` }).waitFor();
    assert.deepEqual(await listener.page.evaluate(() => window.__wallet), { connects: 1, signs: 1 });
    await listener.expectHearing(host);
    await bar.locator('.voice-bar-line').filter({ hasText: 'speaking:' }).waitFor();

    // The founder sees the holder's badge, and invites them on stage from the raised-hand queue.
    const fanTile = room.locator(`.pnl-voice-tile[data-wallet="${fan.address}"]`);
    await fanTile.locator('[data-position="YES"]').filter({ hasText: 'YES 40' }).waitFor();
    await bar.getByRole('button', { name: 'Raise hand' }).click();
    const invite = room.locator('.pnl-voice-queue').getByRole('button', { name: /^Invite .* to speak$/ });
    await invite.click();
    await bar.getByRole('button', { name: 'Unmute' }).click();
    await bar.getByRole('status').filter({ hasText: 'on stage, live' }).waitFor();
    await host.expectHearing(listener);
    await host.waitFor('the holder\'s speaking ring', (w) =>
      document.querySelector(`.pnl-voice-tile[data-wallet="${w}"]`)?.dataset.speaking === 'true', fan.address);
    await host.screenshot(screenshotDir(), 'market-page-react.png');
    await listener.screenshot(screenshotDir(), 'market-page-hook.png');

    await bar.getByRole('button', { name: 'Leave' }).click();
    await host.waitFor('the holder gone', (w) => !document.querySelector(`.pnl-voice-tile[data-wallet="${w}"]`), fan.address);
    await room.getByRole('button', { name: 'Leave' }).click();
    await host.waitFor('leaving', () => document.querySelector('.pnl-voice')?.dataset.connection === 'closed');
    assert.deepEqual([...host.pageErrors, ...listener.pageErrors], []);
  }));
