// Caddy in front of a test server, as in production: the repository's
// docker/caddy/Caddyfile run by Debian's caddy on loopback, with the
// certificate of `localhost` from Caddy's own local CA, and a HOME whose NSS
// store (certutil) makes Chromium trust that CA.

import { execFileSync, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import { freePort, log, REPO_ROOT, sleep, STEP_MS } from './harness.mjs';

/** The production Caddyfile the test runs. */
const CADDYFILE = path.join(REPO_ROOT, 'docker', 'caddy', 'Caddyfile');

/** `name` on the PATH, or an error saying which Debian package has it. */
function tool(name, debianPackage) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this folder
    }
  }
  throw new Error(`${name} is not on the PATH: install Debian's ${debianPackage} (scripts/setup-system.sh test)`);
}

/**
 * The production Caddyfile with the test's settings added to its global
 * options: loopback only, free ports for HTTPS and for the redirect from
 * HTTP.
 */
function testCaddyfile(httpsPort, httpPort) {
  const production = readFileSync(CADDYFILE, 'utf8');
  const globalOptions = /^\{\n/m;
  if (!globalOptions.test(production)) throw new Error(`${CADDYFILE} has no global options block to add the test's settings to`);
  return production.replace(
    globalOptions,
    `{\n\tdefault_bind 127.0.0.1\n\thttps_port ${httpsPort}\n\thttp_port ${httpPort}\n`,
  );
}

/** GETs `url` trusting only `ca` (PEM); resolves with the status, rejects on a TLS or connection error. */
function getTrusting(url, ca) {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.once('timeout', () => req.destroy(new Error('timed out')));
    req.once('error', reject);
    req.end();
  });
}

/**
 * `caddy run` with docker/caddy/Caddyfile for `PUBLIC_HOST=localhost`,
 * proxying to `upstreamPort` on loopback. Its CA, certificates and logs live
 * in `dir`; `accessLog()` is what it wrote on stdout (the JSON access log).
 */
export class Caddy {
  /** `httpsPort`: the port of `https://localhost:…` (the node's public URL must name it). */
  static async start({ dir, httpsPort, upstreamPort }) {
    const bin = tool('caddy', 'caddy');
    mkdirSync(dir, { recursive: true });
    const config = path.join(dir, 'Caddyfile');
    writeFileSync(config, testCaddyfile(httpsPort, await freePort()));
    const caddy = new Caddy(dir, httpsPort);
    const stdout = openSync(caddy.accessLogFile, 'a');
    const stderr = openSync(caddy.logFile, 'a');
    const child = spawn(bin, ['run', '--config', config, '--adapter', 'caddyfile'], {
      cwd: dir,
      stdio: ['ignore', stdout, stderr],
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        XDG_DATA_HOME: path.join(dir, 'data'),
        XDG_CONFIG_HOME: path.join(dir, 'config'),
        PUBLIC_HOST: 'localhost',
        VOICE_UPSTREAM: `127.0.0.1:${upstreamPort}`,
      },
    });
    closeSync(stdout);
    closeSync(stderr);
    caddy.child = child;
    caddy.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (error) => resolve({ error: error.message }));
    });
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    void caddy.exited.then(() => process.off('exit', killOnExit));
    try {
      await caddy.ready();
    } catch (error) {
      await caddy.stop();
      throw error;
    }
    return caddy;
  }

  constructor(dir, httpsPort) {
    this.dir = dir;
    this.origin = `https://localhost:${httpsPort}`;
    this.accessLogFile = path.join(dir, 'access.log');
    this.logFile = path.join(dir, 'caddy.log');
    /** Caddy's local root CA, created at its first start. */
    this.rootCertFile = path.join(dir, 'data', 'caddy', 'pki', 'authorities', 'local', 'root.crt');
  }

  /** Waits until Caddy answers the node's `/health` over HTTPS with a certificate of its CA. */
  async ready() {
    const deadline = Date.now() + STEP_MS;
    let last = 'no root certificate yet';
    for (;;) {
      const early = await Promise.race([this.exited, sleep(200).then(() => undefined)]);
      if (early) throw new Error(`caddy exited at start (${JSON.stringify(early)}):\n${this.logTail()}`);
      if (existsSync(this.rootCertFile)) {
        try {
          const status = await getTrusting(`${this.origin}/health`, readFileSync(this.rootCertFile));
          if (status === 200) break;
          last = `GET /health answered ${status}`;
        } catch (error) {
          last = error.message;
        }
      }
      if (Date.now() > deadline) throw new Error(`caddy was not serving within ${STEP_MS} ms (${last}):\n${this.logTail()}`);
    }
    log(`caddy ready at ${this.origin} (pid ${this.child.pid})`);
  }

  /**
   * A HOME for Chromium whose NSS store trusts Caddy's root CA for servers
   * (`certutil -t C,,`), as `certutil` would set up a user's browser.
   */
  trustingHome() {
    const certutil = tool('certutil', 'libnss3-tools');
    const home = path.join(this.dir, 'browser-home');
    const nssdb = `sql:${path.join(home, '.pki', 'nssdb')}`;
    mkdirSync(path.join(home, '.pki', 'nssdb'), { recursive: true });
    execFileSync(certutil, ['-N', '-d', nssdb, '--empty-password'], { stdio: 'pipe' });
    execFileSync(certutil, ['-A', '-d', nssdb, '-t', 'C,,', '-n', 'caddy-test', '-i', this.rootCertFile], { stdio: 'pipe' });
    log(`Caddy's root CA trusted in ${nssdb}`);
    return home;
  }

  /** The access log's entries (one JSON object a line). */
  accessLog() {
    const text = existsSync(this.accessLogFile) ? readFileSync(this.accessLogFile, 'utf8') : '';
    return { text, entries: text.split('\n').filter(Boolean).map((line) => JSON.parse(line)) };
  }

  logTail(lines = 30) {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no caddy log)';
    }
  }

  async stop() {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    if (!(await Promise.race([this.exited, sleep(5000).then(() => undefined)]))) {
      this.child.kill('SIGKILL');
      await Promise.race([this.exited, sleep(5000)]);
    }
    log('caddy stopped');
  }
}
