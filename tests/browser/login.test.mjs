// Sign-in, sign-out, lockout and the citizen's own page, driven in a real browser.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  DEMO_PASSWORD,
  demoTotpSecret,
  ensureOutDir,
  launchBrowser,
  login,
  newContext,
  pathOf,
  startServer,
  submitLogin,
  totpCode,
} from './harness.mjs';

describe('login', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Runs fn(page) in a fresh context, closed afterwards. */
  async function withPage(fn) {
    const context = await newContext(browser, server.baseURL);
    try {
      return await fn(await context.newPage());
    } finally {
      await context.close();
    }
  }

  test('clerk signs in to the workbench and signs out', () =>
    withPage(async (page) => {
      await login(page, 'clerk');
      assert.equal(pathOf(page), '/workbench');
      await page.getByRole('heading', { level: 1, name: '工作台' }).waitFor();
      await page.getByText('王晓燕').first().waitFor();

      const logout = page.locator('form[action="/logout"]').getByRole('button', { name: '退出' });
      await Promise.all([page.waitForURL((u) => u.pathname === '/login'), logout.click()]);
      assert.equal(new URL(page.url()).searchParams.get('bye'), '1');
      await page.getByText('您已安全退出').waitFor();

      // The session is gone: the workbench sends us back to the login page.
      await page.goto('/workbench');
      assert.equal(pathOf(page), '/login');
      await page.locator('#username').waitFor();
    }));

  test('five wrong passwords lock the account for this address, then even the right one is refused', () =>
    withPage(async (page) => {
      await page.goto('/login');
      for (let attempt = 1; attempt <= 5; attempt++) {
        const response = await submitLogin(page, 'keeper', `wrong-password-${attempt}`);
        assert.equal(pathOf(page), '/login', `attempt ${attempt} must stay on /login`);
        const alert = page.getByRole('alert');
        if (attempt === 1) {
          // The same words as for an unknown username: nothing tells whether the account exists.
          await alert.filter({ hasText: '用户名或密码错误' }).waitFor();
          assert.equal((await alert.allInnerTexts()).join('').includes('再错'), false);
        }
        if (attempt === 5) {
          assert.equal(response.status(), 423, 'the locking attempt answers 423 Locked');
          await page.getByText(/登录失败次数过多，账号已锁定至 \S+/).waitFor();
        }
      }

      const response = await submitLogin(page, 'keeper', DEMO_PASSWORD);
      assert.equal(response.status(), 423);
      assert.equal(pathOf(page), '/login');
      await page.getByText(/登录失败次数过多，账号已锁定至/).waitFor();
      assert.equal(await page.locator('form[action="/logout"]').count(), 0, 'not signed in');
    }));

  test('an applicant asks for a recovery code from the login page, on a desktop and on a phone', () =>
    withPage(async (page) => {
      const out = await ensureOutDir();
      for (const [width, height, name] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
        await page.setViewportSize({ width, height });
        await page.goto('/login');
        await Promise.all([page.waitForURL((u) => u.pathname === '/recover'), page.getByRole('link', { name: '忘记密码' }).click()]);
        await page.getByRole('heading', { level: 1, name: '找回密码' }).waitFor();
        await page.locator('#rc-username').fill('citizen');
        await page.locator('#rc-rid').fill('34052419800101001X');
        // A wrong phone: the answer is the same as for a right one.
        await page.locator('#rc-phone').fill('13700000000');
        await page.getByRole('button', { name: '发送验证码' }).click();
        await page.waitForLoadState('load');
        await page.getByText('如填写的信息与账号登记一致，验证码已发送至登记的手机').waitFor();
        await page.locator('#rc-code').waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
        assert.equal(overflow, false, `no sideways scrolling at ${width} px`);
        await page.screenshot({ path: path.join(out, `recover-${name}.png`), fullPage: true });
      }
    }));

  test('the security administrator finds a refused attempt and the second-factor page asks for password and code', () =>
    withPage(async (page) => {
      const out = await ensureOutDir();
      // A refused attempt: the keeper opens the user administration, which needs another role.
      await login(page, 'inspector');
      const refused = await page.goto('/admin/audit');
      assert.equal(refused.status(), 403);
      await page.context().clearCookies();
      await page.goto('/login');
      await submitLogin(page, 'security', DEMO_PASSWORD, totpCode(demoTotpSecret(server, 'security')));
      assert.notEqual(pathOf(page), '/login', 'the security administrator signed in');
      for (const [width, height, name] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
        await page.setViewportSize({ width, height });
        await page.goto('/admin/refusals');
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        const body = await page.locator('main').innerText();
        assert.match(body, /inspector/, 'the refused attempt is listed with who made it');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
        assert.equal(overflow, false, `no sideways scrolling at ${width} px`);
        await page.screenshot({ path: path.join(out, `refusals-${name}.png`), fullPage: true });
        await page.goto('/totp');
        await page.locator('#password').waitFor();
        await page.locator('#current_code').waitFor();
        await page.screenshot({ path: path.join(out, `totp-reenrol-${name}.png`), fullPage: true });
      }
    }));

  test('citizen lands on 我的办事 with the resident ID masked', () =>
    withPage(async (page) => {
      const landed = await login(page, 'citizen');
      assert.equal(landed, '/me');
      await page.getByRole('heading', { level: 1, name: '我的办事' }).waitFor();

      const idCell = page.locator('dt', { hasText: '居民身份证号码' }).locator('xpath=following-sibling::dd[1]');
      const shown = (await idCell.innerText()).trim();
      assert.match(shown, /\*/, `resident ID should be masked, got ${shown}`);
      assert.notEqual(shown, '34052419800101001X');

      const html = await page.content();
      assert.ok(!html.includes('34052419800101001X'), 'the full resident ID must not be in the page');
      assert.ok(!(await page.locator('body').innerText()).includes('34052419800101001X'));
    }));
});
