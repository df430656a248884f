// Every page as every demo account: starting from each account's landing page, follow the
// links it is shown (GET only, one page per URL pattern) and check each page at desktop and
// phone width — it has a heading, nothing scrolls sideways (nor a table inside its frame: on
// a phone a table is a list of cards), no raw code or English word shows in Chinese mode —
// and run axe-core's WCAG 2.1 A/AA rules on it once.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import {
  DEMO_PASSWORD,
  demoTotpSecret,
  ensureOutDir,
  launchBrowser,
  newContext,
  startServer,
  submitLogin,
  totpCode,
} from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The demo district's accounts; the first three sign in with a second factor. */
const ADMINS = ['admin', 'security', 'auditor'];
const ACCOUNTS = [
  ...ADMINS,
  'clerk', 'reviewer', 'checker', 'surveyor', 'chief', 'keeper', 'inspector', 'reform',
  'director', 'leader', 'teacher', 'gridman', 'citizen', 'enterprise', null,
];

/** Pages per account at most (each a different URL pattern). */
const MAX_PAGES = 45;

/** Words that are Chinese usage too: acronyms, standards, product and file names. */
const ALLOWED = new Set([
  'SM2', 'SM3', 'SM4', 'BPMN', 'XML', 'API', 'PDF', 'Excel', 'EMS', 'QR', 'CSV', 'XLSX', 'xlsx',
  'TOTP', 'URL', 'OpenAPI', 'WCAG', 'HTTP', 'HTTPS', 'Camunda', 'Modeler', 'bpmn.io', 'Flowable',
  'English', 'GB', 'ISO', 'App', 'APP', 'PNG', 'JPG', 'JPEG', 'DOCX', 'ZIP', 'SVG', 'JSON', 'SQL',
  'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ', 'USCC', 'TXT', 'ODT', 'WPS', 'OFD', 'DRG', 'CSV',
]);

/** Demo usernames are data a page may show (the user list, who is signed in). */
for (const a of ACCOUNTS) if (a) ALLOWED.add(a);

function pattern(url) {
  const u = new URL(url);
  const segs = u.pathname.split('/').map((s) => (/\d/.test(s) ? '{x}' : s));
  const keys = [...u.searchParams.keys()].filter((k) => !['msg', 'page'].includes(k)).sort();
  return `${segs.join('/')}?${keys.join('&')}`;
}

function crawlable(href, origin) {
  let u;
  try { u = new URL(href, origin); } catch { return null; }
  if (u.origin !== origin) return null;
  const p = u.pathname;
  if (p.startsWith('/api/') || p.startsWith('/assets/') || p === '/logout' || p.startsWith('/prefs')) return null;
  if (/\.(xlsx|pdf|png|svg|xml|zip)$/.test(p) || p.endsWith('/download') || p.includes('/files/')) return null;
  u.hash = '';
  return u.toString();
}

/** Raw codes and English words in the visible text of the page's main part. */
function foreignWords(text) {
  const cleaned = text
    .replace(/[A-Z]{2,}-[A-Z0-9-]+/g, ' ') // matter and package codes (XK-D04-0001, YJS-KCG)
    .replace(/[A-Z]{2,}\d[A-Z0-9-]*/g, ' ') // numbers (SQ2026-0001, YJS20261208-000001)
    .replace(/[0-9a-f]{8,}/gi, ' ') // hashes
    .replace(/\S+@\S+/g, ' '); // addresses
  const words = cleaned.match(/[A-Za-z][A-Za-z_.]*[A-Za-z]/g) || [];
  return [...new Set(words.filter((w) => !ALLOWED.has(w) && (w.length >= 3 || /[_.]/.test(w))))];
}

describe('every page as every demo account', () => {
  let server;
  let browser;
  const problems = [];
  const axeSeen = new Set();
  let visited = 0;

  before(async () => {
    await ensureOutDir();
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signIn(page, account) {
    await page.goto('/login');
    const totp = ADMINS.includes(account) ? totpCode(demoTotpSecret(server, account)) : '';
    await submitLogin(page, account, DEMO_PASSWORD, totp);
  }

  async function check(page, who, url, isNewForAxe) {
    const problemsHere = [];
    const res = await page.goto(url);
    if (!res || res.status() !== 200) {
      problemsHere.push(`HTTP ${res && res.status()}`);
      return { problemsHere, links: [] };
    }
    const h1 = (await page.locator('h1').first().innerText().catch(() => '')).trim();
    if (!h1) problemsHere.push('no heading');
    // What a reader reads: codes shown as such (<code>) and names marked translate="no" (a
    // username, an identifier) are data, not words of the page.
    const text = await page.evaluate(() => {
      const main = document.querySelector('main');
      if (!main) return '';
      let t = main.innerText;
      // Longest first, so removing "satisfied" does not leave the "very" of "very satisfied".
      const data = [...main.querySelectorAll('code, [translate="no"]')]
        .map((e) => e.innerText.trim())
        .filter((x) => x)
        .sort((a, b) => b.length - a.length);
      for (const x of data) t = t.split(x).join(' ');
      return t;
    });
    const words = foreignWords(text);
    if (words.length) problemsHere.push(`English or code in Chinese mode: ${words.slice(0, 8).join(', ')}`);
    const links = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')));
    if (isNewForAxe) {
      await page.evaluate(AXE_SOURCE);
      const r = await page.evaluate(() =>
        window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
      );
      for (const v of r.violations) {
        problemsHere.push(`axe ${v.id} ×${v.nodes.length}: ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(' | ')}`);
      }
    }
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      const overflow = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth > document.documentElement.clientWidth,
        tables: [...document.querySelectorAll('.table-wrap')].filter((w) => w.scrollWidth > w.clientWidth + 1).length,
      }));
      if (overflow.page) problemsHere.push(`scrolls sideways at ${width}px`);
      if (overflow.tables) problemsHere.push(`${overflow.tables} table(s) scroll inside their frame at ${width}px`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    return { problemsHere, links };
  }

  for (const account of ACCOUNTS) {
    const who = account || 'anonymous';
    test(`as ${who}`, async () => {
      const context = await newContext(browser, server.baseURL);
      const page = await context.newPage();
      try {
        if (account) await signIn(page, account);
        const start = account ? page.url() : new URL('/', server.baseURL).toString();
        const queue = [start];
        const seen = new Set();
        let n = 0;
        while (queue.length && n < MAX_PAGES) {
          const url = queue.shift();
          const p = pattern(url);
          if (seen.has(p)) continue;
          seen.add(p);
          n += 1;
          const { problemsHere, links } = await check(page, who, url, !axeSeen.has(p));
          axeSeen.add(p);
          visited += 1;
          for (const pr of problemsHere) problems.push(`${who} ${new URL(url).pathname}${new URL(url).search}: ${pr}`);
          for (const h of links) {
            const next = crawlable(h, server.baseURL.replace(/\/$/, ''));
            if (next && !seen.has(pattern(next))) queue.push(next);
          }
        }
      } finally {
        await context.close();
      }
    });
  }

  test('finds nothing wrong', () => {
    fs.writeFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), 'out', 'crawl.txt'), problems.join('\n') + '\n');
    assert.ok(visited > 100, `the crawl reached ${visited} pages`);
    assert.deepEqual(problems, [], `${problems.length} problems:\n${problems.join('\n')}`);
  });
});
