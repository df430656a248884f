// Shared helpers for the browser tests: start a demo Fangguanfu server on a free port with
// a throw-away data dir, launch the system Chromium through playwright-core, and sign in.
//
// Environment:
//   FGF_BIN   the fgf binary (default: <repo>/target/debug/fgf; a relative path is taken
//             from the directory npm was started in)
//   CHROMIUM  the Chromium executable (default: /usr/bin/chromium). Never downloaded.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import crypto from 'node:crypto';
import { chromium } from 'playwright-core';

/** This folder (tests/browser) and the repository root two levels up. */
export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..');
/** Screenshots go here (gitignored). */
export const OUT_DIR = path.join(HERE, 'out');

/** The password of every demo account. */
export const DEMO_PASSWORD = 'Fgf@demo2026';

const READY_LINE = 'Fangguanfu serving the district at';
const START_TIMEOUT_MS = 60_000;

export function fgfBinary() {
  const fromEnv = process.env.FGF_BIN;
  const bin = fromEnv
    ? path.resolve(process.env.INIT_CWD || process.cwd(), fromEnv)
    : path.join(REPO_ROOT, 'target', 'debug', 'fgf');
  if (!fs.existsSync(bin)) {
    throw new Error(
      `fgf binary not found at ${bin}. Build it (cargo build -p fgf) or point FGF_BIN at it.`,
    );
  }
  return bin;
}

/** Finds a free TCP port on the loopback interface by binding port 0. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Servers still running when the process exits (e.g. a test threw before teardown).
const running = new Set();
process.on('exit', () => {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

/**
 * Starts `fgf demo` in a fresh temp data dir on a free port and waits until it is ready
 * (the "serving" line on stdout and GET /healthz answering 200).
 * Returns { baseURL, dataDir, log(), stop() }.
 */
export async function startServer() {
  const bin = fgfBinary();
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'fgf-browser-'));
  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  const baseURL = `http://${addr}`;

  let output = '';
  const child = spawn(bin, ['demo', '--data-dir', dataDir, '--addr', addr], {
    cwd: dataDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  running.add(child);

  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      running.delete(child);
      resolve(exited);
    });
  });
  let sawReadyLine = false;
  child.stdout.on('data', (buf) => {
    output += buf.toString();
    if (output.includes(READY_LINE)) sawReadyLine = true;
  });
  child.stderr.on('data', (buf) => {
    output += buf.toString();
  });
  child.on('error', (err) => {
    output += `\n[spawn error] ${err.message}\n`;
  });

  const stop = async () => {
    if (exited === null) {
      child.kill('SIGTERM');
      const done = await Promise.race([exitPromise, sleep(5_000).then(() => null)]);
      if (done === null && exited === null) {
        child.kill('SIGKILL');
        await exitPromise;
      }
    }
    await fsp.rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  let healthy = false;
  while (Date.now() < deadline) {
    if (exited !== null) break;
    if (sawReadyLine) {
      try {
        const res = await fetch(`${baseURL}/healthz`);
        if (res.status === 200) {
          healthy = true;
          break;
        }
      } catch {
        /* not listening yet */
      }
    }
    await sleep(100);
  }
  if (!healthy) {
    const why = exited !== null
      ? `exited early (code ${exited.code}, signal ${exited.signal})`
      : `not ready within ${START_TIMEOUT_MS / 1000}s`;
    await stop();
    throw new Error(`fgf server ${why}: ${bin} demo --data-dir ${dataDir} --addr ${addr}\n--- output ---\n${output}`);
  }

  return { baseURL, dataDir, port, log: () => output, stop };
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** Launches the system Chromium (never downloads one). */
export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}. Install it with \`apt-get install chromium\` ` +
        '(or set CHROMIUM to its path); these tests never download a browser.',
    );
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/** A fresh, isolated browser context (own cookies) for one test. */
export async function newContext(browser, baseURL) {
  return browser.newContext({
    baseURL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1280, height: 800 },
  });
}

/**
 * Fills and submits the login form; resolves with the HTTP response to the POST
 * (before any redirect is followed) once the resulting page has loaded.
 */
export async function submitLogin(page, username, password, totp = '') {
  if (new URL(page.url() === 'about:blank' ? 'http://x/' : page.url()).pathname !== '/login') {
    await page.goto('/login');
  }
  const form = page.locator('form[action="/login"]');
  await form.locator('#username').fill(username);
  await form.locator('#password').fill(password);
  await form.locator('#totp').fill(totp);
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login',
    ),
    form.getByRole('button', { name: '登录' }).click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

/** Signs in with the demo password and checks we left the login page. */
export async function login(page, username, password = DEMO_PASSWORD) {
  await page.goto('/login');
  const response = await submitLogin(page, username, password);
  const landed = new URL(page.url()).pathname;
  if (landed === '/login') {
    const alert = await page.locator('[role=alert]').allInnerTexts();
    throw new Error(
      `login as ${username} failed (HTTP ${response.status()}): ${alert.join(' ') || '(no alert)'}`,
    );
  }
  return landed;
}

export function pathOf(page) {
  return new URL(page.url()).pathname;
}

export async function ensureOutDir() {
  await fsp.mkdir(OUT_DIR, { recursive: true });
  return OUT_DIR;
}

/** The base32 TOTP secret `fgf demo` printed for an administrator account. */
export function demoTotpSecret(server, username) {
  const line = server.log().split('\n').find((l) => l.trim().startsWith(`${username} `) && l.includes('TOTP secret'));
  if (!line) throw new Error(`no TOTP secret printed for ${username}`);
  return line.trim().split(/\s+/).pop();
}

/**
 * The RFC 6238 code (HMAC-SHA1, 30 s, 6 digits) of a base32 secret for the step `offset`
 * steps from now: a code is accepted once, so a second sign-in takes the next step's code.
 */
export function totpCode(secretBase32, offset = 0) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000) + offset));
  const h = crypto.createHmac('sha1', key).update(counter).digest();
  const o = h[19] & 0x0f;
  const bin = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(bin % 1000000).padStart(6, '0');
}
