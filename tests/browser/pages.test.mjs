// Visit the pages each staff role can reach and keep a full-page screenshot of each
// (tests/browser/out/<role>-<page>.png), plus the public portal and login page.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ensureOutDir,
  launchBrowser,
  login,
  newContext,
  pathOf,
  startServer,
} from './harness.mjs';

const STAFF_PAGES = [
  ['workbench', '/workbench'],
  ['departments', '/admin/departments'],
  ['users', '/admin/users'],
  ['calendar', '/admin/calendar'],
  ['notifications', '/notifications'],
  ['reform-board', '/reform'],
  ['reform-dashboard', '/reform/dashboard'],
  ['reform-supervision', '/reform/supervision'],
  ['reform-inbox', '/reform/inbox'],
  ['reform-innovations', '/reform/innovations'],
  ['catalog', '/catalog'],
  ['password', '/password'],
];

describe('pages', () => {
  let server;
  let browser;
  let out;

  before(async () => {
    out = await ensureOutDir();
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function withPage(fn) {
    const context = await newContext(browser, server.baseURL);
    try {
      return await fn(await context.newPage());
    } finally {
      await context.close();
    }
  }

  const shot = (page, name) => page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });

  for (const role of ['clerk', 'reform']) {
    test(`${role} can open the staff pages`, () =>
      withPage(async (page) => {
        await login(page, role);
        for (const [name, url] of STAFF_PAGES) {
          const response = await page.goto(url);
          assert.equal(response.status(), 200, `${role} ${url}`);
          assert.equal(pathOf(page), url, `${role} ${url} must not redirect`);
          const h1 = page.locator('h1').first();
          await h1.waitFor();
          assert.ok((await h1.innerText()).trim().length > 0, `${role} ${url} has a heading`);
          await shot(page, `${role}-${name}`);
        }
      }));
  }

  test('the clerk\'s work items show their time limit, and read on a phone', () =>
    withPage(async (page) => {
      await login(page, 'clerk');
      for (const [name, width] of [['desktop', 1280], ['phone', 390]]) {
        await page.setViewportSize({ width, height: 800 });
        const response = await page.goto('/tasks');
        assert.equal(response.status(), 200);
        await page.locator('h1').first().waitFor();
        const text = await page.locator('main').innerText();
        assert.match(text, /办理时限/, 'the time-limit column');
        assert.doesNotMatch(text, /\b(accept|review|cc_leader)\b/, 'no node ids');
        const sideways = await page.evaluate(
          () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
        );
        assert.equal(sideways, false, `/tasks scrolls sideways at ${width}px`);
        // Nor may the table scroll inside its frame: on a phone each item is a card.
        const clipped = await page.evaluate(() =>
          [...document.querySelectorAll('.table-wrap')].some((w) => w.scrollWidth > w.clientWidth + 1),
        );
        assert.equal(clipped, false, `the work-item table scrolls inside its frame at ${width}px`);
        await shot(page, `clerk-tasks-${name}`);
      }
    }));

  test('a work item opens with its case; people are chosen from the organisation, and the inbox says what happened', () =>
    withPage(async (page) => {
      await login(page, 'clerk');
      for (const [name, width] of [['desktop', 1280], ['phone', 390]]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto('/tasks');
        await page.getByRole('link', { name: '查看并办理' }).first().click();
        await page.waitForURL((u) => /^\/tasks\/\d+$/.test(u.pathname));
        const text = await page.locator('main').innerText();
        assert.match(text, /行政许可审批（示范）/, 'the process of the case');
        assert.match(text, /业务编号/, 'its business number');
        assert.doesNotMatch(text, /\b(accept|review|cc_leader)\b/, 'no node ids');
        // 转办: the search box narrows the list of people to those who match.
        await page.locator('details.ops summary').click();
        const q = page.locator('#transfer-to-q');
        await q.fill('审批局');
        const shown = await page.locator('#transfer-to option[data-search]:not([hidden])').count();
        const all = await page.locator('#transfer-to option[data-search]').count();
        assert.ok(shown > 0 && shown < all, `the search narrows the picker (${shown} of ${all})`);
        assert.notEqual(await page.locator('#transfer-to').inputValue(), '', 'the first match is chosen');
        const sideways = await page.evaluate(
          () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
        );
        assert.equal(sideways, false, `a work item scrolls sideways at ${width}px`);
        await shot(page, `clerk-work-item-${name}`);
      }
      // Complete it: the inbox says so, by the step's name.
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.getByRole('button', { name: '提交' }).first().click();
      await page.waitForURL((u) => u.pathname === '/tasks');
      assert.match(await page.locator('.flash.ok').innerText(), /已办理“受理”：同意/);
      await shot(page, 'clerk-tasks-after-complete');
    }));

  test('process designer reopens the demo flow, moves and removes a card', () =>
    withPage(async (page) => {
      await login(page, 'keeper');
      await page.goto('/processes');
      await page.locator('a', { hasText: '行政许可审批（示范）' }).first().click();
      await page.getByRole('link', { name: /在设计器中修改/ }).click();
      await page.waitForURL((u) => u.pathname === '/designer' && u.searchParams.has('from'));
      const cards = page.locator('section .dnode strong');
      const before = await cards.allInnerTexts();
      assert.ok(before.length >= 3, `the demo flow has cards: ${before}`);
      await shot(page, 'keeper-designer-reopened');
      // Move the second card up: the first two swap.
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/designer'),
        page.locator('form.dctl').nth(1).getByRole('button', { name: /上移/ }).click(),
      ]);
      await page.waitForLoadState('load');
      const moved = await page.locator('section .dnode strong').allInnerTexts();
      assert.deepEqual(moved.slice(0, 2), [before[1], before[0]]);
      // Remove the (new) first card.
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/designer'),
        page.locator('form.dctl').first().getByRole('button', { name: /删除/ }).click(),
      ]);
      await page.waitForLoadState('load');
      const removed = await page.locator('section .dnode strong').allInnerTexts();
      assert.equal(removed.length, before.length - 1);
      assert.equal(removed[0], before[0]);
      await shot(page, 'keeper-designer-edited');
      // Open the first card for editing: the form comes back filled with its values.
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/designer'),
        page.locator('form.dctl').first().getByRole('button', { name: /修改/ }).click(),
      ]);
      await page.waitForLoadState('load');
      assert.equal(await page.locator('#d-name').inputValue(), removed[0]);
      await shot(page, 'keeper-designer-card-edit');
      // A branch card opens with one row per conditional arm and a blank row for a new arm.
      const branchCard = page.locator('.dnode', { has: page.locator('.tag', { hasText: '条件分支' }) }).first();
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/designer'),
        branchCard.locator(':scope > form.dctl').getByRole('button', { name: /修改/ }).click(),
      ]);
      await page.waitForLoadState('load');
      assert.ok(await page.locator('input[name="arm_cond_0"]').inputValue());
      await page.locator('input[name="arm_cond_new"]').waitFor();
      await shot(page, 'keeper-designer-branch-edit');
    }));

  test('portal home and login page, signed out', () =>
    withPage(async (page) => {
      let response = await page.goto('/');
      assert.equal(response.status(), 200);
      await page.locator('h1').first().waitFor();
      await shot(page, 'anon-portal');

      response = await page.goto('/login');
      assert.equal(response.status(), 200);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await shot(page, 'anon-login');
    }));

  test('the API documentation shows each route with its request and response schemas, on a desktop and a phone', () =>
    withPage(async (page) => {
      for (const [name, width] of [['desktop', 1280], ['phone', 390]]) {
        await page.setViewportSize({ width, height: 900 });
        const response = await page.goto('/api/docs');
        assert.equal(response.status(), 200);
        await page.locator('h1').first().waitFor();
        // Creating a department: its body names the fields a client sends.
        const create = page.locator('details').filter({ hasText: 'POST /api/v1/departments' }).first();
        await create.locator('summary').click();
        const text = await create.innerText();
        assert.match(text, /请求 Request/);
        assert.match(text, /parent_id/, 'the request schema lists its fields');
        assert.match(text, /响应 Response 201/);
        const sideways = await page.evaluate(
          () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
        );
        assert.equal(sideways, false, `/api/docs scrolls sideways at ${width}px`);
        await shot(page, `anon-api-docs-${name}`);
      }
    }));

  test('portal home leads with search; the tools page computes 5 working days from 2025-09-26 as 2025-10-10', () =>
    withPage(async (page) => {
      for (const [name, width] of [['desktop', 1280], ['phone', 390]]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto('/');
        // The first field on the page is the search box, above the fold, and it searches.
        const first = page.locator('main input').first();
        assert.equal(await first.getAttribute('name'), 'q');
        const box = await first.boundingBox();
        assert.ok(box.y < 400, `the search box leads at ${width}px`);
        for (const heading of ['热门服务', '一件事一次办', '通知公告']) {
          await page.getByRole('heading', { name: heading }).waitFor();
        }
        const sideways = await page.evaluate(
          () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
        );
        assert.equal(sideways, false, `the home page scrolls sideways at ${width}px`);
        await shot(page, `anon-portal-home-${name}`);
      }
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.locator('#home-q').fill('开饭店');
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/guide' && u.searchParams.get('q') === '开饭店'),
        page.locator('form.big-search button').click(),
      ]);
      await page.goto('/');
      await page.getByRole('link', { name: /便民工具/ }).click();
      await page.waitForURL((u) => u.pathname === '/tools');
      const form = page.locator('form').filter({ has: page.locator('input[name="n"]') });
      await form.locator('input[name="date"]').fill('2025-09-26');
      await form.locator('input[name="n"]').fill('5');
      await Promise.all([
        page.waitForURL((u) => u.searchParams.get('n') === '5'),
        form.getByRole('button', { name: '计算' }).click(),
      ]);
      const result = page.locator('p.result');
      await result.waitFor();
      assert.match(await result.innerText(), /2025-10-10/);
      await shot(page, 'anon-portal-deadline');
    }));
});
