// Shared helpers of the browser tests: the server under test (spawned from
// PNL_VOICE_BIN, restartable on the same port), wallets, a headless Chromium
// with fake media, and checks on pages (UI state, WebRTC stats).

import { spawn } from 'node:child_process';
import { createPrivateKey, createPublicKey, randomBytes, sign } from 'node:crypto';
import { accessSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Bound of every single wait. */
export const STEP_MS = 20_000;
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const started = Date.now();
export function log(...parts) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[${seconds}s]`, ...parts);
}

// ---------- wallets ----------

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

export function base58(bytes) {
  let n = BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}

/** A fresh ed25519 key: `seed` is what the page keeps in localStorage (`seedHex` the same bytes), `address` its wallet. */
export function newWallet() {
  const seed = randomBytes(32);
  const key = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const { x } = createPublicKey(key).export({ format: 'jwk' });
  return { seed: base58(seed), seedHex: seed.toString('hex'), address: base58(Buffer.from(x, 'base64url')) };
}

export const newMarket = () => base58(randomBytes(32));

/** `POST` (with `body`) or `GET` `pathname` on the server, as `token`'s holder when given; the envelope's `data`, or throws its error code. */
export async function callApi(server, pathname, body, token) {
  const headers = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const response = await fetch(`${server.origin}${pathname}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(STEP_MS),
  });
  const envelope = await response.json();
  if (!envelope.success) throw Object.assign(new Error(`${pathname}: ${envelope.error.code}`), { error: envelope.error });
  return envelope.data;
}

/** Signs `wallet` in from the test (the challenge signed with its key): its JWT, for REST calls. */
export async function signIn(server, wallet) {
  const key = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(wallet.seedHex, 'hex')]),
    format: 'der',
    type: 'pkcs8',
  });
  const { nonce, message } = await callApi(server, '/api/auth/challenge', { walletAddress: wallet.address });
  const signature = base58(sign(null, Buffer.from(message, 'utf8'), key));
  const { token } = await callApi(server, '/api/auth/verify', { walletAddress: wallet.address, nonce, signature });
  return token;
}

// ---------- the server ----------

function executable(file, what) {
  try {
    accessSync(file, constants.X_OK);
  } catch {
    throw new Error(`${what}: ${file} is not an executable file`);
  }
  return file;
}

function serverBinary() {
  const bin = process.env.PNL_VOICE_BIN;
  if (!bin) {
    throw new Error(
      'PNL_VOICE_BIN is not set: point it at the pnl-voice server binary, e.g. ' +
        'PNL_VOICE_BIN=$CARGO_TARGET_DIR/release/pnl-voice',
    );
  }
  return executable(path.resolve(bin), 'PNL_VOICE_BIN');
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Server settings from the caller's environment that would change what is under test. */
const FOREIGN_SETTINGS = /^(PNL_VOICE_|MEDIASOUP_|REDIS_URL$|MONGODB_URI$|SOLANA_RPC_URL$|STUN_URLS$|TURN_)/;

function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !FOREIGN_SETTINGS.test(name)));
}

/**
 * The pnl-voice server on a free loopback port, with one worker, its own
 * RTC ports and a markets file naming each market's founder and holdings.
 * `kill()` then `spawn()` is a node restart on the same port: SIGKILL drops
 * every socket without a goodbye, and the rooms (in memory) are gone.
 */
export class VoiceServer {
  static async start({ markets, allowedOrigins = [], env = {} }) {
    const bin = serverBinary();
    const dir = mkdtempSync(path.join(tmpdir(), 'pnl-voice-browser-'));
    const marketsFile = path.join(dir, 'markets.json');
    writeFileSync(marketsFile, JSON.stringify({ markets }));
    mkdirSync(path.join(dir, 'data'));
    const server = new VoiceServer(bin, dir, marketsFile, await freePort());
    server.allowedOrigins = allowedOrigins;
    server.extraEnv = env;
    try {
      await server.spawn();
      await server.expectClient();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  constructor(bin, dir, marketsFile, port) {
    this.bin = bin;
    this.dir = dir;
    this.marketsFile = marketsFile;
    this.port = port;
    this.origin = `http://127.0.0.1:${port}`;
    this.logFile = path.join(dir, 'server.log');
    this.runs = 0;
  }

  async spawn() {
    this.runs += 1;
    // The worker's RTC port (UDP and TCP), its own and kept across restarts:
    // other servers, of this suite or another, may run at the same time.
    this.rtcPort ??= await freePort();
    const out = openSync(this.logFile, 'a');
    this.child = spawn(this.bin, [], {
      cwd: REPO_ROOT,
      stdio: ['ignore', out, out],
      env: {
        ...cleanEnv(),
        PNL_VOICE_HTTP_LISTEN: `127.0.0.1:${this.port}`,
        MEDIASOUP_LISTEN_IP: '127.0.0.1',
        MEDIASOUP_WEBRTC_SERVER_PORT: String(this.rtcPort),
        PNL_VOICE_WORKERS: '1',
        PNL_VOICE_DEV: '1',
        PNL_VOICE_METRICS_SAMPLE_SECS: '1',
        PNL_VOICE_MARKETS_FILE: this.marketsFile,
        PNL_VOICE_DATA_DIR: path.join(this.dir, 'data'),
        PNL_VOICE_ALLOWED_ORIGINS: (this.allowedOrigins ?? []).join(','),
        RUST_LOG: process.env.RUST_LOG ?? 'info',
        ...this.extraEnv,
      },
    });
    closeSync(out); // the child has its own copy
    const child = this.child;
    const exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (error) => resolve({ error: error.message }));
    });
    this.exited = exited;
    // Never leave a server behind, even if this process is ended early.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    void exited.then(() => process.off('exit', killOnExit));
    const deadline = Date.now() + STEP_MS;
    for (;;) {
      const early = await Promise.race([exited, sleep(200).then(() => undefined)]);
      if (early) throw new Error(`the server exited at start (${JSON.stringify(early)}):\n${this.logTail()}`);
      try {
        const health = await fetch(`${this.origin}/health`, { signal: AbortSignal.timeout(2000) });
        if (health.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`the server was not healthy within ${STEP_MS} ms:\n${this.logTail()}`);
      }
    }
    log(`server run ${this.runs} ready at ${this.origin} (pid ${this.child.pid})`);
  }

  /** The web client must have been built (static/dist). */
  async expectClient() {
    const app = await fetch(`${this.origin}/dist/app.js`, { signal: AbortSignal.timeout(5000) });
    if (!app.ok) {
      throw new Error(
        `GET /dist/app.js answered ${app.status}: build the web client first ` +
          '(cd static && npm ci && npm run build)',
      );
    }
  }

  /** Polls `/metrics` until the sample `name` satisfies `ok`; returns its value. */
  async waitForMetric(name, ok, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await (await fetch(`${this.origin}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
      const value = line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : undefined;
      if (value !== undefined && ok(value)) return value;
      if (Date.now() > deadline) throw new Error(`${name} never satisfied the check (last: ${value})`);
      await sleep(500);
    }
  }

  async kill() {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await Promise.race([this.exited, sleep(5000)]);
    log(`server run ${this.runs} killed`);
  }

  /** Runs `fn`; when it fails, prints the end of the server log first. */
  async withLogOnFailure(fn) {
    try {
      return await fn();
    } catch (error) {
      log(`server log (end):\n${this.logTail()}`);
      throw error;
    }
  }

  logTail(lines = 40) {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no server log)';
    }
  }

  async stop({ keepFiles = false } = {}) {
    await this.kill();
    if (!keepFiles) rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------- the browser ----------

/**
 * A looping, speech-like microphone signal: voiced syllables (harmonics of a
 * gliding pitch), four a second, with gaps. Chromium's default fake input is
 * a steady beep, which noise suppression fades out within seconds, so the
 * server's audio-level reports would come and go.
 */
function writeSpeechWav(file) {
  const rate = 48000;
  const samples = rate * 6;
  const wav = Buffer.alloc(44 + samples * 2);
  let phase = 0;
  for (let i = 0; i < samples; i++) {
    const t = i / rate;
    const syllable = (t * 4) % 1;
    const envelope = syllable < 0.7 ? Math.sin((Math.PI * syllable) / 0.7) : 0;
    const pitch = 140 + 60 * Math.sin(2 * Math.PI * 0.7 * t) + 30 * Math.sin(2 * Math.PI * 3.1 * t);
    phase += (2 * Math.PI * pitch) / rate;
    let voice = 0;
    for (let h = 1; h <= 8; h++) voice += Math.sin(h * phase) / h;
    wav.writeInt16LE(Math.round(Math.max(-1, Math.min(1, 0.35 * envelope * voice)) * 32767), 44 + i * 2);
  }
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28); // bytes per second
  wav.writeUInt16LE(2, 32); // block align
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  writeFileSync(file, wav);
}

/**
 * Headless Chromium (CHROMIUM, default /usr/bin/chromium) with fake media; `dir` holds its microphone file.
 * `askForMicrophone`: without the fake permission prompt, so only a context granted `microphone` may open it.
 * `home`: the browser's HOME, whose `.pki/nssdb` holds the certificate authorities it trusts beyond the system's.
 */
export async function launchBrowser(dir, { askForMicrophone = false, home } = {}) {
  const speech = path.join(dir, 'speech.wav');
  writeSpeechWav(speech);
  return chromium.launch({
    executablePath: executable(process.env.CHROMIUM || '/usr/bin/chromium', 'CHROMIUM'),
    headless: true,
    timeout: STEP_MS,
    ...(home ? { env: { ...process.env, HOME: home } } : {}),
    // Playwright gives every launch a new, empty user-data-dir.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-device-for-media-stream',
      ...(askForMicrophone ? [] : ['--use-fake-ui-for-media-stream']),
      '--autoplay-policy=no-user-gesture-required',
      `--use-file-for-fake-audio-capture=${speech}`,
    ],
  });
}

// Keeps every RTCPeerConnection the page creates, so the test can read its stats.
function trackPeerConnections() {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      window.__pcs.push(this);
    }
  };
}

/** Audio RTP counters of the page's open peer connections. */
function readAudioStats() {
  return (async () => {
    const out = { packetsReceived: 0, totalAudioEnergy: 0, audioLevel: 0, packetsSent: 0, open: 0 };
    for (const pc of window.__pcs ?? []) {
      if (pc.connectionState === 'closed') continue;
      out.open += 1;
      const report = await pc.getStats();
      report.forEach((s) => {
        if (s.kind !== 'audio') return;
        if (s.type === 'inbound-rtp') {
          out.packetsReceived += s.packetsReceived ?? 0;
          out.totalAudioEnergy += s.totalAudioEnergy ?? 0;
          out.audioLevel = Math.max(out.audioLevel, s.audioLevel ?? 0);
        } else if (s.type === 'outbound-rtp') {
          out.packetsSent += s.packetsSent ?? 0;
        }
      });
    }
    return out;
  })();
}

/** Candidate types (`host`, `srflx`, `relay`) of the page's connected ICE pairs. */
function readSelectedCandidates() {
  return (async () => {
    const types = [];
    for (const pc of window.__pcs ?? []) {
      if (pc.connectionState !== 'connected') continue;
      const report = await pc.getStats();
      report.forEach((s) => {
        if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) {
          types.push(report.get(s.localCandidateId)?.candidateType);
        }
      });
    }
    return types;
  })();
}

/** SRTP cipher suites (`srtpCipher` of the transport stats) of the page's connected peer connections. */
function readSrtpCiphers() {
  return (async () => {
    const ciphers = [];
    for (const pc of window.__pcs ?? []) {
      if (pc.connectionState !== 'connected') continue;
      const report = await pc.getStats();
      report.forEach((s) => {
        if (s.type === 'transport' && s.srtpCipher) ciphers.push(s.srtpCipher);
      });
    }
    return ciphers;
  })();
}

/**
 * One user: a browser context (own storage, so own guest wallet preset from
 * `wallet.seed`) and page on the server's origin.
 */
export class User {
  /** `microphone: false` leaves the microphone permission ungranted (blocked, in a browser that asks for it). */
  static async open(
    browser,
    server,
    name,
    wallet,
    viewport = { width: 1280, height: 800 },
    { origins = [], microphone = true } = {},
  ) {
    const context = await browser.newContext({ viewport });
    if (microphone) await context.grantPermissions(['microphone'], { origin: server.origin });
    await context.addInitScript((seed) => {
      try {
        localStorage.setItem('pnl-voice:guest-secret-key', seed);
      } catch {
        // about:blank and other opaque origins have no storage
      }
    }, wallet.seed);
    await context.addInitScript(trackPeerConnections);
    // Nothing leaves the server under test (and the market sites it allows, and `origins`: test pages).
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      const allowed =
        url.origin === server.origin || [...(server.allowedOrigins ?? []), ...origins].includes(url.origin);
      return allowed ? route.continue() : route.abort();
    });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_MS);
    const user = new User(name, wallet, context, page);
    page.on('pageerror', (error) => {
      user.pageErrors.push(error.message);
      log(`${name} page error: ${error.stack ?? error.message}`);
    });
    page.on('console', (message) => {
      user.consoleTexts.push(message.text());
      if (message.type() === 'error' || message.type() === 'warning') {
        log(`${name} console.${message.type()}: ${message.text().replace(/token=[^'&\s]+/g, 'token=…')}`);
      }
    });
    // Kicking asks for a confirmation.
    page.on('dialog', (dialog) => void dialog.accept());
    return user;
  }

  constructor(name, wallet, context, page) {
    this.name = name;
    this.wallet = wallet;
    this.context = context;
    this.page = page;
    this.pageErrors = [];
    /** Every console message of the page, as printed (the sign-in token must never be in one). */
    this.consoleTexts = [];
  }

  /** Waits until `fn(arg)` is truthy in the page; fails with `what` and the status line. */
  async waitFor(what, fn, arg) {
    try {
      await this.page.waitForFunction(fn, arg, { timeout: STEP_MS, polling: 100 });
    } catch (error) {
      throw new Error(`${this.name}: ${what} did not happen within ${STEP_MS} ms (${await this.describe()})`, {
        cause: error,
      });
    }
  }

  async describe() {
    return this.page
      .evaluate(() => {
        const app = document.getElementById('app');
        return `phase=${app?.dataset.phase} status="${document.getElementById('status')?.textContent}" problem="${
          document.getElementById('problem')?.textContent
        }"`;
      })
      .catch((error) => `page unreadable: ${error.message}`);
  }

  async phase() {
    return this.page.locator('#app').getAttribute('data-phase');
  }

  /** Opens `/rooms/{market}` (or `/` and types it) and joins through the form. */
  async join(server, market, { viaRoomLink = true, query = '' } = {}) {
    if (viaRoomLink) {
      await this.page.goto(`${server.origin}/rooms/${market}${query}`);
    } else {
      await this.page.goto(`${server.origin}/`);
      await this.page.getByLabel('Market address').fill(market);
    }
    // A room's page offers one Listen button; `/` asks for the address and says Join room.
    await this.page.getByRole('button', { name: viaRoomLink ? 'Listen' : 'Join room', exact: true }).click();
    await this.waitFor('joining', () => document.getElementById('app')?.dataset.phase === 'joined');
    log(`${this.name} joined: ${await this.page.locator('#status').textContent()}`);
  }

  async unmute() {
    const mute = this.page.locator('#mute');
    await this.waitFor('the mic becoming ready', () => {
      const b = document.getElementById('mute');
      return b && !b.hidden && !b.disabled;
    });
    await mute.click();
    await this.waitFor('unmuting', () => document.getElementById('mute')?.textContent === 'Mute');
    log(`${this.name} unmuted`);
  }

  async mute() {
    await this.page.locator('#mute').click();
    await this.waitFor('muting', () => document.getElementById('mute')?.textContent === 'Unmute');
    log(`${this.name} muted`);
  }

  /** Starts recording, per wallet, the largest audio-level ring and whether its tile was marked active. */
  async watchRings() {
    await this.page.evaluate(() => {
      window.__rings = {};
      setInterval(() => {
        for (const tile of document.querySelectorAll('.tile')) {
          const seen = (window.__rings[tile.dataset.wallet] ??= { level: 0, active: false, levels: [] });
          const level = Number(tile.querySelector('.avatar')?.style.getPropertyValue('--level') || 0);
          seen.level = Math.max(seen.level, level);
          seen.active ||= tile.dataset.active === 'true';
          if (level > 0 && !seen.levels.includes(level) && seen.levels.length < 50) seen.levels.push(level);
        }
      }, 50);
    });
  }

  /** What `watchRings` saw of `wallet`: `{level, active, levels}` (the highest level, the active mark, the distinct levels drawn). */
  async rings(wallet) {
    return this.page.evaluate((w) => window.__rings?.[w] ?? { level: 0, active: false, levels: [] }, wallet.address);
  }

  /** An `audioLevel` above 0 that the page's receivers report from the packets' level extension (`getSynchronizationSources`) within 3 s, or 0. */
  async sourceLevel() {
    // A source reports the level of its latest packet, which is 0 in a quiet
    // moment of the speaker's audio: sample for up to 3 s, keep the loudest.
    let loudest = 0;
    for (let i = 0; i < 30 && loudest === 0; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      loudest = await this.page.evaluate(() =>
        Math.max(
          0,
          ...(window.__pcs ?? []).flatMap((pc) =>
            pc.getReceivers().flatMap((r) => r.getSynchronizationSources().map((s) => s.audioLevel ?? 0)),
          ),
        ),
      );
    }
    return loudest;
  }

  /** Audio counters of the page, summed over its frames (an embedded room's peer connections live in its iframe). */
  async stats() {
    const frames = await Promise.all(
      this.page.frames().map((frame) => frame.evaluate(readAudioStats).catch(() => undefined)), // detached meanwhile
    );
    const sum = { packetsReceived: 0, totalAudioEnergy: 0, audioLevel: 0, packetsSent: 0, open: 0 };
    for (const s of frames.filter(Boolean)) {
      sum.packetsReceived += s.packetsReceived;
      sum.totalAudioEnergy += s.totalAudioEnergy;
      sum.audioLevel = Math.max(sum.audioLevel, s.audioLevel);
      sum.packetsSent += s.packetsSent;
      sum.open += s.open;
    }
    return sum;
  }

  /** `from`'s audio reaches this page: inbound packets keep growing and carry sound. */
  /** Local candidate types of the page's connected ICE pairs. */
  async selectedCandidates() {
    return this.page.evaluate(readSelectedCandidates);
  }

  /** SRTP cipher suites of the page's connected peer connections. */
  async srtpCiphers() {
    return this.page.evaluate(readSrtpCiphers);
  }

  async expectHearing(from) {
    const deadline = Date.now() + STEP_MS;
    let first;
    let last;
    let loudest = 0;
    while (Date.now() < deadline) {
      last = await this.stats();
      loudest = Math.max(loudest, last.audioLevel);
      if (!first && last.packetsReceived > 0) first = { ...last, at: Date.now() };
      if (
        first &&
        Date.now() - first.at >= 2000 &&
        last.packetsReceived > first.packetsReceived + 20 &&
        last.totalAudioEnergy > first.totalAudioEnergy &&
        loudest > 0
      ) {
        log(`${this.name} hears ${from.name}: packets ${first.packetsReceived} -> ${last.packetsReceived}, ` +
          `energy ${last.totalAudioEnergy.toFixed(4)}, level ${loudest.toFixed(3)}`);
        return last;
      }
      await sleep(250);
    }
    throw new Error(`${this.name} does not hear ${from.name}: first ${JSON.stringify(first)}, last ${JSON.stringify(last)}, ` +
      `max level ${loudest} (${await this.describe()})`);
  }

  /** Nothing more arrives: inbound packets stay put (a couple in flight allowed). */
  async expectSilence(from) {
    await sleep(1000);
    const before = (await this.stats()).packetsReceived;
    await sleep(2000);
    const after = (await this.stats()).packetsReceived;
    log(`${this.name} inbound while ${from.name} is muted: ${before} -> ${after}`);
    if (after - before > 3) throw new Error(`${this.name} still receives ${from.name} (${before} -> ${after})`);
  }

  /** The element of `wallet`'s participant tile. */
  tile(wallet) {
    return this.page.locator(`.tile[data-wallet="${wallet.address}"]`);
  }

  /** Chooses `item` (its text, or a RegExp) in the menu of `wallet`'s tile, with the pointer. */
  async choose(wallet, item) {
    const tile = this.tile(wallet);
    await tile.getByRole('button', { name: /^Actions for / }).click();
    await tile.getByRole('menuitem', { name: item, exact: typeof item === 'string' }).click();
    log(`${this.name} chose "${item}" for ${wallet.address.slice(0, 4)}…`);
  }

  async screenshot(dir, file, viewport) {
    if (viewport) await this.page.setViewportSize(viewport);
    await sleep(300);
    const target = path.join(dir, file);
    await this.page.screenshot({ path: target });
    log(`screenshot ${target}`);
  }

  async close() {
    await this.context.close().catch(() => undefined);
  }
}

/** Where screenshots go: SCREENSHOT_DIR, else a folder under the OS temp dir (never the repository). */
export function screenshotDir() {
  const dir = process.env.SCREENSHOT_DIR || path.join(tmpdir(), 'pnl-voice-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

// ---------- accessibility ----------

const AXE_SOURCE = readFileSync(path.join(REPO_ROOT, 'tests', 'browser', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** The sizes every accessibility check runs at: desktop, a phone, and the narrowest phone. */
export const A11Y_VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
  { width: 320, height: 568 },
];

/**
 * Runs axe-core in `page` (its main frame) at each of `viewports`, in the
 * light and the dark colour scheme, and fails on any serious or critical
 * violation, naming `label`, the rule, its help and the offending nodes.
 * The page's viewport and colour scheme are put back afterwards.
 */
export async function checkA11y(page, label, { viewports = A11Y_VIEWPORTS } = {}) {
  const before = page.viewportSize();
  const found = [];
  try {
    // Evaluated through the debugging protocol: the page's content security policy does not apply.
    await page.evaluate(`if (!window.axe) { ${AXE_SOURCE} }`);
    for (const viewport of viewports) {
      await page.setViewportSize(viewport);
      for (const colorScheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme });
        const violations = await page.evaluate(async () => {
          const result = await window.axe.run(document, {
            resultTypes: ['violations'],
            // Off by default (experimental): a visible label missing from the accessible name breaks voice control.
            rules: { 'label-content-name-mismatch': { enabled: true } },
          });
          return result.violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => ({
              id: v.id,
              impact: v.impact,
              help: v.help,
              nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`),
            }));
        });
        for (const v of violations) found.push({ at: `${viewport.width}x${viewport.height} ${colorScheme}`, ...v });
      }
    }
  } finally {
    await page.emulateMedia({ colorScheme: null });
    if (before) await page.setViewportSize(before);
  }
  log(`axe ${label}: ${found.length} serious or critical violation(s)`);
  if (found.length) {
    const lines = found.map((v) => `- [${v.at}] ${v.impact} ${v.id} (${v.help}):\n    ${v.nodes.join('\n    ')}`);
    throw new Error(`axe-core found serious or critical violations in ${label}:\n${lines.join('\n')}`);
  }
}

// ---------- members without a browser page of their own ----------

/**
 * Listeners that are only a signaling socket each (no media): a crowd for
 * the room at little cost. The sockets live in one page of the server's
 * origin (so they pass its origin check); `close()` drops them all.
 */
export class SocketCrowd {
  static async join(browser, server, market, wallets) {
    const tokens = await Promise.all(wallets.map((wallet) => signIn(server, wallet)));
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_MS);
    await page.goto(`${server.origin}/health`);
    const joined = await page.evaluate(
      async ({ url, market, tokens }) => {
        window.__crowd = [];
        const one = (token) =>
          new Promise((resolve) => {
            const socket = new WebSocket(`${url}?token=${encodeURIComponent(token)}`);
            window.__crowd.push(socket);
            socket.onopen = () => socket.send(JSON.stringify({ id: 1, method: 'voice:join', data: { marketAddress: market } }));
            socket.onmessage = ({ data }) => {
              const message = JSON.parse(data);
              if (message.id === 1) resolve(message.ok ? 'ok' : message.error.code);
            };
            socket.onclose = () => resolve('closed');
          });
        // One at a time: each join is a room change every member hears of.
        const answers = [];
        for (const token of tokens) answers.push(await one(token));
        return answers;
      },
      { url: `${server.origin.replace(/^http/, 'ws')}/ws`, market, tokens },
    );
    const refused = joined.filter((answer) => answer !== 'ok');
    if (refused.length) throw new Error(`socket listeners refused: ${refused.join(', ')}`);
    log(`${wallets.length} socket-only listeners joined`);
    return new SocketCrowd(context);
  }

  constructor(context) {
    this.context = context;
  }

  /** Drops the socket of the `index`th listener (0-based), as a tab closed without a goodbye. */
  async drop(index) {
    const [page] = this.context.pages();
    await page.evaluate((i) => window.__crowd[i].close(), index);
  }

  async close() {
    await this.context.close().catch(() => undefined);
  }
}
