// The catalogue (放) in a real browser: a keeper drafts a change to a matter, a reviewer
// publishes it and the public service guide shows it; a citizen searches 开饭店 and reaches
// the guide. Screenshots go to tests/browser/out/catalog-*.png.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureOutDir, launchBrowser, login, newContext, startServer } from './harness.mjs';

// 企业设立登记, a matter of the keeper's department (区市场监管局).
const CODE = 'XK-D04-0001-01';

describe('catalogue', () => {
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

  const shot = (page, name) =>
    page.screenshot({ path: path.join(out, `catalog-${name}.png`), fullPage: true });

  test('a keeper drafts a change, a reviewer publishes it, the public guide shows it', async () => {
    const newHours = '工作日 8:30-17:30，周六上午延时服务';
    await withPage(async (page) => {
      await login(page, 'keeper');
      await page.goto(`/catalog/${CODE}`);
      await page.getByRole('link', { name: '编辑草稿' }).click();
      await page.waitForURL((u) => u.pathname === `/catalog/${CODE}/edit`);
      // A broken rule is refused on its field, and nothing is saved.
      await page.fill('#trips', '2');
      await page.fill('#trips_reason', '');
      await page.fill('#hours', newHours);
      await page.fill('#note', '增加周六延时服务');
      await page.getByRole('button', { name: '保存草稿' }).click();
      await page.locator('.field.invalid #trips_reason').waitFor();
      await shot(page, 'keeper-refused');
      // Fixed, it saves as a draft and goes to review, with a blank form attached to the
      // first material (uploaded on selection, its file number filled in).
      await page.fill('#trips', '0');
      await page.fill('#trips_reason', '');
      await page.locator('input.upload[data-for=m_blank_file]').first().setInputFiles({
        name: '公司登记申请书.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('公司登记（备案）申请书 空白表格'),
      });
      await page.waitForFunction(() => document.querySelector('input[name=m_blank_file]').value.length === 64);
      await page.getByRole('button', { name: '保存草稿' }).click();
      await page.waitForURL((u) => u.pathname === `/catalog/${CODE}`);
      await page.getByText('草稿已保存').waitFor();
      await page.getByRole('button', { name: '提交审核' }).click();
      await page.getByText('已提交审核').first().waitFor();
      await shot(page, 'keeper-submitted');
    });
    // The public guide still shows the version in force.
    await withPage(async (page) => {
      await page.goto(`/guide/${CODE}`);
      assert.ok(!(await page.locator('article.guide').innerText()).includes(newHours));
    });
    await withPage(async (page) => {
      await login(page, 'reviewer');
      await page.goto('/catalog');
      await page.locator('section.card', { hasText: '待我审核' }).getByRole('link').first().click();
      await page.waitForURL((u) => u.pathname === `/catalog/${CODE}`);
      // The diff shows what changed before the reviewer decides.
      assert.ok((await page.locator('table.diff').innerText()).includes(newHours));
      await shot(page, 'reviewer-review');
      const form = page.locator('form.review');
      await form.locator('input[name=comment]').fill('同意，按时公布');
      await form.getByRole('button', { name: '审核通过并发布' }).click();
      await page.getByText('已审核发布').waitFor();
    });
    await withPage(async (page) => {
      const response = await page.goto(`/guide/${CODE}`);
      assert.equal(response.status(), 200);
      const text = await page.locator('article.guide').innerText();
      assert.ok(text.includes(newHours), 'the guide shows the published change');
      assert.ok(text.includes('第 2 版'));
      await shot(page, 'public-guide');
      // The attached blank form downloads without signing in.
      const href = await page.locator('table.materials a', { hasText: '空白表格' }).first().getAttribute('href');
      const file = await page.request.get(href);
      assert.equal(file.status(), 200);
      assert.equal(await file.text(), '公司登记（备案）申请书 空白表格');
    });
  });

  test('a citizen searches 开饭店 and reaches the service guide', () =>
    withPage(async (page) => {
      await page.goto('/');
      await page.getByRole('link', { name: '办事指南' }).first().click();
      await page.waitForURL((u) => u.pathname === '/guide');
      await page.getByRole('searchbox').fill('开饭店');
      await page.getByRole('button', { name: '搜索' }).click();
      await page.waitForURL((u) => u.searchParams.get('q') === '开饭店');
      const first = page.locator('ol.results li a').first();
      assert.match(await first.innerText(), /食品经营许可|个体工商户设立登记/);
      await shot(page, 'citizen-search');
      await page.locator('ol.results li a', { hasText: '食品经营许可（新办）' }).click();
      await page.waitForURL((u) => u.pathname.startsWith('/guide/'));
      await page.getByRole('heading', { level: 1, name: '食品经营许可（新办）' }).waitFor();
      const materials = await page.locator('table.materials tbody tr').count();
      assert.ok(materials >= 2, 'the guide lists the materials');
      await shot(page, 'citizen-guide');
      // The guide fits one A4 page when printed.
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ format: 'A4' });
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
      assert.equal(pages, 1, `printed on ${pages} A4 pages`);
    }));
});
