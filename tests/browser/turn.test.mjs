// TURN through Debian's coturn on loopback, run on the repository's own
// turnserver.conf (use-auth-secret with the TURN REST scheme, fingerprint,
// quotas, no TCP relays, no multicast peers, the denied peer ranges), with
// only what a loopback test must change replaced: addresses and ports, the
// secret, TLS (no certificate here) and the SFU's loopback address allowed as
// a peer (`allow-loopback-peers` and `allowed-peer-ip`, as the file's comment
// says for an SFU on a private address). coturn must accept every other line of the file. Both
// pages are forced to relay-only ICE (`?ice=relay`) and still hear each other
// through the SFU; coturn refuses forged and expired credentials.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, launchBrowser, log, newMarket, newWallet, REPO_ROOT, sleep, User, VoiceServer } from './harness.mjs';

const SECRET = 'turn secret shared by coturn and pnl-voice';
const founder = newWallet();
const guest = newWallet();
const market = newMarket();
let server;
let browser;
let turn;
let turnPort;
const users = [];

// Options of turnserver.conf this test sets itself (loopback addresses, free
// ports, its secret and log, no TLS certificate, the SFU on loopback).
const OVERRIDDEN = new Set([
  'listening-ip',
  'relay-ip',
  'listening-port',
  'tls-listening-port',
  'min-port',
  'max-port',
  'realm',
  'server-name',
  'static-auth-secret',
  'cert',
  'pkey',
  'log-file',
  'no-loopback-peers',
]);
// Options Debian's coturn (built without Prometheus support) reports as
// unknown and skips; the compose file's coturn image serves them.
const NOT_IN_DEBIAN_BUILD = new Set(['prometheus', 'prometheus-port']);

/** The repository's turnserver.conf without comments and overridden options. */
function repoTurnConfig() {
  return readFileSync(path.join(REPO_ROOT, 'turnserver.conf'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .filter((line) => !OVERRIDDEN.has(line.split('=')[0]));
}

async function startCoturn(dir) {
  turnPort = await freePort();
  const relayMin = 50000 + Math.floor(Math.random() * 100) * 50;
  const conf = path.join(dir, 'turnserver.conf');
  const logFile = path.join(dir, 'turnserver.log');
  writeFileSync(
    conf,
    [
      ...repoTurnConfig(),
      'listening-ip=127.0.0.1',
      'relay-ip=127.0.0.1',
      `listening-port=${turnPort}`,
      `min-port=${relayMin}`,
      `max-port=${relayMin + 49}`,
      'realm=pnl.test',
      `static-auth-secret=${SECRET}`,
      'no-tls',
      'no-dtls',
      'allow-loopback-peers',
      'allowed-peer-ip=127.0.0.1',
      `pidfile=${path.join(dir, 'turnserver.pid')}`,
      `log-file=${logFile}`,
      'simple-log',
    ].join('\n'),
  );
  const child = spawn('turnserver', ['-c', conf], { stdio: 'ignore' });
  try {
    await sleep(1000);
    assert.equal(child.exitCode, null, 'coturn is running');
    const refused = readFileSync(logFile, 'utf8')
      .split('\n')
      .map((line) => /Bad configuration format: (\S+)/.exec(line)?.[1])
      .filter((option) => option && !NOT_IN_DEBIAN_BUILD.has(option));
    assert.deepEqual(refused, [], 'coturn accepts every option of turnserver.conf');
  } catch (e) {
    child.kill();
    throw e;
  }
  return child;
}

before(async () => {
  server = await VoiceServer.start({ markets: [{ marketAddress: market, founderWallet: founder.address, holdings: {} }] });
  turn = await startCoturn(server.dir);
  await server.kill();
  server.extraEnv = { TURN_URLS: `turn:127.0.0.1:${turnPort}?transport=udp`, TURN_SECRET: SECRET };
  await server.spawn();
  browser = await launchBrowser(server.dir);
});

after(async () => {
  for (const user of users) await user.close();
  await browser?.close();
  await server?.stop();
  turn?.kill();
});

test('relay-only clients hear each other through coturn and the SFU', { timeout: 120_000 }, () =>
  server.withLogOnFailure(async () => {
    const host = await User.open(browser, server, 'founder', founder);
    const listener = await User.open(browser, server, 'listener', guest);
    users.push(host, listener);
    await host.join(server, market, { query: '?ice=relay' });
    await listener.join(server, market, { query: '?ice=relay' });
    await host.unmute();
    await listener.expectHearing(host);
    const hostPairs = await host.selectedCandidates();
    const listenerPairs = await listener.selectedCandidates();
    log(`selected local candidates: founder ${hostPairs}, listener ${listenerPairs}`);
    assert.ok(hostPairs.length > 0 && hostPairs.every((t) => t === 'relay'), `founder: ${hostPairs}`);
    assert.ok(listenerPairs.length > 0 && listenerPairs.every((t) => t === 'relay'), `listener: ${listenerPairs}`);
  }));

/** Relay candidates a page gathers from coturn with these credentials, and ICE errors. */
function gatherRelay([urls, username, credential]) {
  return (async () => {
    const pc = new RTCPeerConnection({ iceServers: [{ urls, username, credential }], iceTransportPolicy: 'relay' });
    const result = { relay: 0, errors: [] };
    pc.onicecandidate = (e) => {
      if (e.candidate?.type === 'relay') result.relay += 1;
    };
    pc.onicecandidateerror = (e) => result.errors.push(e.errorCode);
    pc.createDataChannel('probe');
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((resolve) => {
      const done = () => pc.iceGatheringState === 'complete' && resolve();
      pc.onicegatheringstatechange = done;
      setTimeout(resolve, 10_000);
      done();
    });
    pc.close();
    return result;
  })();
}

test('coturn refuses forged and expired credentials', { timeout: 60_000 }, () =>
  server.withLogOnFailure(async () => {
    const probe = await User.open(browser, server, 'probe', newWallet());
    users.push(probe);
    await probe.page.goto(`${server.origin}/`);
    const urls = `turn:127.0.0.1:${turnPort}?transport=udp`;
    const credential = (username, secret = SECRET) => createHmac('sha1', secret).update(username).digest('base64');
    const now = Math.floor(Date.now() / 1000);
    const valid = `${now + 600}:${guest.address}`;
    const expired = `${now - 60}:${guest.address}`;

    const good = await probe.page.evaluate(gatherRelay, [urls, valid, credential(valid)]);
    assert.ok(good.relay > 0, `valid credentials give a relay candidate: ${JSON.stringify(good)}`);
    const forged = await probe.page.evaluate(gatherRelay, [urls, valid, credential(valid, 'not the secret')]);
    assert.equal(forged.relay, 0, `forged: ${JSON.stringify(forged)}`);
    assert.ok(forged.errors.includes(401), `forged: ${JSON.stringify(forged)}`);
    const old = await probe.page.evaluate(gatherRelay, [urls, expired, credential(expired)]);
    assert.equal(old.relay, 0, `expired: ${JSON.stringify(old)}`);
    assert.ok(old.errors.includes(401), `expired: ${JSON.stringify(old)}`);
  }));
