// HTTPS in front of the node, as deployed: Debian's caddy runs the
// production docker/caddy/Caddyfile on loopback with a certificate from its
// local CA, which Chromium trusts through an NSS store (no
// --ignore-certificate-errors). A founder and a listener join a room
// through https://localhost (the page over HTTPS, the signaling socket over
// WSS through Caddy) and the listener hears the founder. Chromium without
// the CA refuses the page; Caddy keeps /metrics private and no sign-in
// token in its access log.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Caddy } from './caddy.mjs';
import { freePort, launchBrowser, log, newMarket, newWallet, sleep, User, VoiceServer } from './harness.mjs';

const founder = newWallet();
const guest = newWallet();
const market = newMarket();
let server;
let caddy;
let browser;
const users = [];

before(async () => {
  const httpsPort = await freePort();
  server = await VoiceServer.start({
    markets: [{ marketAddress: market, founderWallet: founder.address, holdings: {} }],
    // The node announces the HTTPS origin (its socket URL is then wss://), and
    // takes client addresses from Caddy's X-Forwarded-For, as in compose.
    env: { PNL_VOICE_PUBLIC_URL: `https://localhost:${httpsPort}`, PNL_VOICE_TRUST_PROXY_HEADERS: '1' },
  });
  caddy = await Caddy.start({ dir: path.join(server.dir, 'caddy'), httpsPort, upstreamPort: server.port });
  browser = await launchBrowser(server.dir, { home: caddy.trustingHome() });
});

after(async () => {
  for (const user of users) await user.close();
  await browser?.close();
  await caddy?.stop();
  await server?.stop();
});

/** Runs `fn`; when it fails, prints the end of Caddy's log, then (withLogOnFailure) the server's. */
const withLogsOnFailure = (fn) =>
  server.withLogOnFailure(async () => {
    try {
      return await fn();
    } catch (error) {
      log(`caddy log (end):\n${caddy.logTail()}`);
      throw error;
    }
  });

test('through Caddy over HTTPS and WSS, a listener hears the founder', { timeout: 120_000 }, () =>
  withLogsOnFailure(async () => {
    // The pages see only Caddy's origin: User.open lets nothing else through.
    const site = { origin: caddy.origin, allowedOrigins: [] };
    const host = await User.open(browser, site, 'founder', founder);
    const listener = await User.open(browser, site, 'listener', guest);
    users.push(host, listener);
    const sockets = [];
    for (const user of [host, listener]) user.page.on('websocket', (socket) => sockets.push(socket.url()));

    await host.join(site, market);
    await listener.join(site, market);

    for (const user of [host, listener]) {
      const page = await user.page.evaluate(() => ({ protocol: location.protocol, secure: window.isSecureContext }));
      assert.deepEqual(page, { protocol: 'https:', secure: true }, `${user.name}'s page`);
    }
    log(`signaling sockets: ${sockets.join(', ')}`);
    assert.ok(sockets.length >= 2, `each page opened its socket: ${sockets}`);
    for (const url of sockets) assert.equal(url, `${caddy.origin.replace(/^https:/, 'wss:')}/ws`);

    await host.unmute();
    await listener.expectHearing(host);

    // REST goes through Caddy too; the metrics stay for Prometheus on loopback.
    const statuses = await listener.page.evaluate(async () => ({
      health: (await fetch('/health')).status,
      metrics: (await fetch('/metrics')).status,
    }));
    assert.deepEqual(statuses, { health: 200, metrics: 404 });
    assert.deepEqual([...host.pageErrors, ...listener.pageErrors], []);

    // Caddy writes a socket's access log entry when it closes.
    await host.close();
    await listener.close();
    let access;
    for (let i = 0; i < 50; i++) {
      access = caddy.accessLog();
      if (access.entries.filter((e) => e.request?.uri === '/ws').length >= 2) break;
      await sleep(100);
    }
    const upgrades = access.entries.filter((e) => e.request?.uri === '/ws');
    log(`access log: ${access.entries.length} entries, ${upgrades.length} for /ws`);
    // (Caddy 2.6 logs status 0 for a connection it handed over to the socket.)
    assert.ok(upgrades.length >= 2, 'each socket is in the access log');
    for (const entry of upgrades) assert.deepEqual(entry.resp_headers?.Upgrade, ['websocket'], 'the node\'s upgrade reached the browser');
    assert.ok(upgrades.every((e) => e.request.headers?.['User-Agent']), 'request headers are logged (so the next check means something)');
    assert.doesNotMatch(access.text, /bearer\.|eyJ/, 'a sign-in token (a JWT) is in the access log');
  }));

test('Chromium without the test CA refuses the page', { timeout: 60_000 }, () =>
  withLogsOnFailure(async () => {
    // A HOME of its own: an NSS store without Caddy's CA.
    const home = path.join(server.dir, 'untrusting-home');
    mkdirSync(home);
    const untrusting = await launchBrowser(server.dir, { home });
    try {
      const page = await untrusting.newPage();
      await assert.rejects(page.goto(caddy.origin), /ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await untrusting.close();
    }
  }));
