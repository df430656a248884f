// Online applications (服) in a real browser, the whole path: an enterprise applies for
// 食品经营许可（新办） with one material missing, the window sends one correction notice, the
// enterprise supplies it, the window accepts, two verifiers countersign, the decider grants and
// an e-licence is issued; the enterprise downloads it and the public verify page confirms it.
// Screenshots (desktop and phone) go to tests/browser/out/apply-*.png.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureOutDir, launchBrowser, login, newContext, startServer } from './harness.mjs';

const FOOD = 'XK-D03-0001-01-01';
const PHONE = { width: 390, height: 844 };

describe('online applications', () => {
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

  const shot = async (page, name) => {
    await page.screenshot({ path: path.join(out, `apply-${name}.png`), fullPage: true });
    const size = page.viewportSize();
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: path.join(out, `apply-${name}-phone.png`), fullPage: true });
    // Nothing scrolls sideways on a phone.
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 1, `${name} scrolls sideways by ${wide}px on a phone`);
    await page.setViewportSize(size);
  };

  const pdf = (name, text) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4 ${text}`) });

  test('apply, correct once, accept, countersign, grant, download and verify', async () => {
    const applicant = await (await newContext(browser, server.baseURL)).newPage();
    await login(applicant, 'enterprise');
    // From the guide to the form.
    await applicant.goto(`/guide/${FOOD}`);
    await applicant.getByRole('link', { name: '在线申请' }).click();
    await applicant.waitForURL((u) => u.pathname === `/apply/${FOOD}`);
    // A wrong credit code is refused on its field, and nothing is sent.
    await applicant.fill('#经营者名称', '示范区浏览器测试餐饮有限公司');
    await applicant.fill('#统一社会信用代码', '91110108MA1H8R7C4E');
    await applicant.fill('#经营场所', '示范区人民路100号');
    await applicant.selectOption('#主体业态', '餐饮服务经营者');
    await applicant.selectOption('#经营项目', '热食类食品制售');
    await applicant.fill('#经营面积', '80');
    await applicant.fill('[name="食品安全管理人员[1].姓名"]', '张三');
    await applicant.fill('[name="食品安全管理人员[1].身份证号"]', '11010519491231002X');
    await applicant.getByRole('button', { name: '提交申请' }).click();
    await applicant.locator('.field.invalid #统一社会信用代码').waitFor();
    await shot(applicant, 'form-refused');
    // Corrected; the application form and one material go, the layout plan is missing.
    await applicant.fill('#统一社会信用代码', '91110108MA1H8R7C4F');
    await applicant.locator('input[name=file_0]').setInputFiles(pdf('申请书.pdf', 'application form'));
    await applicant.getByRole('button', { name: '提交申请' }).click();
    await applicant.waitForURL((u) => /^\/me\/applications\/\d+$/.test(u.pathname));
    await applicant.getByText('申请已提交').waitFor();
    const caseUrl = new URL(applicant.url()).pathname;
    const id = caseUrl.split('/').pop();
    await shot(applicant, 'submitted');

    // The window sends one correction notice listing what is missing.
    const clerk = await (await newContext(browser, server.baseURL)).newPage();
    await login(clerk, 'clerk');
    await clerk.goto('/applications');
    await clerk.getByRole('link', { name: new RegExp(`-0*${id}$`) }).click();
    await clerk.waitForURL((u) => u.pathname === `/applications/${id}`);
    await shot(clerk, 'window-intake');
    await clerk.fill('#items', '主要设备设施布局及操作流程文件');
    await clerk.getByRole('button', { name: '出具补正告知书' }).click();
    await clerk.getByText('补正告知书已出具').waitFor();

    // The applicant reads the notice and supplies the plan.
    await applicant.goto(caseUrl);
    await applicant.getByText('需要您补正的材料').waitFor();
    await applicant.getByRole('link', { name: '补正告知书' }).click();
    await applicant.getByText('一次告知').waitFor();
    await shot(applicant, 'correction-notice');
    await applicant.goto(caseUrl);
    await applicant.locator('input[name=file_2]').setInputFiles(pdf('设备布局.pdf', 'layout'));
    await applicant.fill('#note', '已补充设备布局及操作流程文件');
    await applicant.getByRole('button', { name: '提交补正材料' }).click();
    await applicant.getByText('补正材料已提交').waitFor();

    // Accepted, then assigned to two verifiers chosen from a list, not typed.
    await clerk.goto(`/applications/${id}`);
    await clerk.getByRole('button', { name: '材料齐全，予以受理' }).click();
    await clerk.getByText('受理通知书已出具').waitFor();
    const checker = await (await newContext(browser, server.baseURL)).newPage();
    await login(checker, 'checker');
    await checker.goto('/applications');
    await checker.getByRole('link', { name: new RegExp(`-0*${id}$`) }).click();
    await checker.getByLabel('周敏').check();
    await checker.getByLabel('吴芳').check();
    await checker.selectOption('#decider', { label: '刘卫东' });
    await checker.getByRole('button', { name: '开始审查' }).click();
    await checker.getByText('已指派核查').waitFor();
    await checker.fill('#opinion', '材料真实齐全');
    await checker.getByRole('button', { name: '同意', exact: true }).click();
    await checker.getByText('核查意见已签署').waitFor();
    const surveyor = await (await newContext(browser, server.baseURL)).newPage();
    await login(surveyor, 'surveyor');
    await surveyor.goto(`/applications/${id}`);
    await surveyor.fill('#opinion', '现场核查符合要求');
    await surveyor.getByRole('button', { name: '同意', exact: true }).click();
    await surveyor.getByText('核查意见已签署').waitFor();

    // The decider grants; the licence is issued.
    const chief = await (await newContext(browser, server.baseURL)).newPage();
    await login(chief, 'chief');
    await chief.goto(`/applications/${id}`);
    await shot(chief, 'decide');
    await chief.fill('#scope', '热食类食品制售');
    await chief.getByRole('button', { name: '准予行政许可' }).click();
    await chief.getByText('已准予行政许可').waitFor();
    await shot(chief, 'granted');

    // The applicant downloads the licence and checks it on the public verify page.
    await applicant.goto(caseUrl);
    await applicant.locator('a[href^="/licences/DZ"]').first().click();
    await applicant.locator('article.licence figure.qr svg').waitFor();
    await shot(applicant, 'licence');
    const number = new URL(applicant.url()).pathname.split('/').pop();
    const [download] = await Promise.all([
      applicant.waitForEvent('download'),
      applicant.getByRole('link', { name: '下载电子证照' }).click(),
    ]);
    const file = JSON.parse(await fs.readFile(await download.path(), 'utf8'));
    assert.equal(file.content.number, number);
    assert.equal(file.signature.value.length, 128);
    const anyone = await (await newContext(browser, server.baseURL)).newPage();
    await anyone.goto(`/verify/${number}`);
    await anyone.locator('section.verify.ok').getByText('真实有效').waitFor();
    await shot(anyone, 'verify');
    const missing = await anyone.goto('/verify/DZ202600009999');
    assert.equal(missing.status(), 404);
  });

  test('a life event applied for once fans out; a licence is renewed from its own page', async () => {
    // Anyone finds the package from the guide.
    const visitor = await (await newContext(browser, server.baseURL)).newPage();
    await visitor.goto('/guide');
    await visitor.getByRole('link', { name: '一件事一次办' }).click();
    await visitor.waitForURL((u) => u.pathname === '/life-events');
    await visitor.getByRole('link', { name: '开餐馆' }).click();
    await visitor.waitForURL((u) => u.pathname === '/life-events/YJS-KCG');
    await visitor.getByRole('cell', { name: '企业设立登记' }).waitFor();
    await visitor.getByRole('cell', { name: '食品经营许可（新办）' }).waitFor();
    await shot(visitor, 'life-event');

    // A citizen applies once with one form for both matters.
    const citizen = await (await newContext(browser, server.baseURL)).newPage();
    await login(citizen, 'citizen');
    await citizen.goto('/apply/event/YJS-KCG');
    await citizen.fill('#企业名称', '示范区浏览器一件事餐饮有限公司');
    await citizen.selectOption('#企业类型', '有限责任公司');
    await citizen.fill('#住所', '示范区人民路200号');
    await citizen.fill('#注册资本', '50');
    await citizen.fill('#经营范围', '餐饮服务');
    await citizen.fill('#法定代表人', '张三');
    await citizen.fill('#法定代表人身份证号', '11010519491231002X');
    await citizen.fill('[name="股东[1].名称"]', '张三');
    await citizen.fill('[name="股东[1].出资额"]', '50');
    await citizen.fill('#经营者名称', '示范区浏览器一件事餐饮有限公司');
    await citizen.fill('#统一社会信用代码', '91110108MA1H8R7C4F');
    await citizen.fill('#经营场所', '示范区人民路200号');
    await citizen.selectOption('#主体业态', '餐饮服务经营者');
    await citizen.selectOption('#经营项目', '热食类食品制售');
    // The area is left out: the page comes back with the problem on its field.
    await citizen.fill('[name="食品安全管理人员[1].姓名"]', '张三');
    await citizen.fill('[name="食品安全管理人员[1].身份证号"]', '11010519491231002X');
    await citizen.getByRole('button', { name: '提交申请' }).click();
    await citizen.locator('.field.invalid #经营面积').waitFor();
    assert.equal(await citizen.inputValue('#企业名称'), '示范区浏览器一件事餐饮有限公司');
    await shot(citizen, 'life-event-form');
    await citizen.fill('#经营面积', '60');
    await citizen.getByRole('button', { name: '提交申请' }).click();
    await citizen.waitForURL((u) => /^\/me\/life-events\/\d+$/.test(u.pathname));
    await citizen.getByText('已提交，各事项已分别生成办件').waitFor();
    assert.equal(await citizen.locator('table.data tbody tr').count(), 2);
    await shot(citizen, 'life-event-case');
    await citizen.goto('/me/applications');
    await citizen.getByRole('heading', { name: '我的一件事' }).waitFor();

    // The enterprise renews a licence from its page: the licence is chosen, not typed.
    const holder = await (await newContext(browser, server.baseURL)).newPage();
    await login(holder, 'enterprise');
    await holder.goto('/me/applications');
    const links = await holder.locator('a[href^="/licences/DZ"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(links.length > 0);
    let renewed = false;
    for (const href of links) {
      await holder.goto(href);
      const renew = holder.getByRole('link', { name: '申请延续' });
      if ((await renew.count()) === 0) continue;
      if (!renewed) await shot(holder, 'licence-actions');
      await renew.click();
      await holder.waitForURL((u) => u.pathname === '/apply/XK-D03-0001-01-03');
      const chosen = await holder.inputValue('#licence');
      assert.equal(chosen, href.split('/').pop());
      await holder.getByRole('button', { name: '提交申请' }).click();
      await holder.waitForLoadState();
      if (/^\/me\/applications\/\d+$/.test(new URL(holder.url()).pathname)) {
        await holder.getByText(chosen).first().waitFor();
        renewed = true;
        break;
      }
      // A licence with a change already in hand is refused, named on the page.
      await holder.getByText('已有一件正在办理的变更或延续申请').waitFor();
    }
    assert.ok(renewed, 'one licence was renewed');
    await shot(holder, 'renewal-submitted');
  });

  test('accepted with a material to follow (容缺) and a certificate replaced by a commitment (告知承诺)', async () => {
    const applicant = await (await newContext(browser, server.baseURL)).newPage();
    await login(applicant, 'enterprise');
    await applicant.goto(`/apply/${FOOD}`);
    await applicant.fill('#经营者名称', '示范区承诺制测试餐饮有限公司');
    await applicant.fill('#统一社会信用代码', '91110108MA1H8R7C4F');
    await applicant.fill('#经营场所', '示范区人民路300号');
    await applicant.selectOption('#主体业态', '餐饮服务经营者');
    await applicant.selectOption('#经营项目', '热食类食品制售');
    await applicant.fill('#经营面积', '90');
    await applicant.fill('[name="食品安全管理人员[1].姓名"]', '张三');
    await applicant.fill('[name="食品安全管理人员[1].身份证号"]', '11010519491231002X');
    // The health certificates are replaced by the applicant's commitment.
    await applicant.getByLabel('以告知承诺代替').check();
    await applicant.locator('input[name=file_0]').setInputFiles(pdf('申请书.pdf', 'application form'));
    await applicant.getByRole('button', { name: '提交申请' }).click();
    await applicant.waitForURL((u) => /^\/me\/applications\/\d+$/.test(u.pathname));
    const caseUrl = new URL(applicant.url()).pathname;
    const id = caseUrl.split('/').pop();
    await applicant.getByText('告知承诺', { exact: true }).first().waitFor();

    // The window accepts with the rules list to follow, on the signed commitment uploaded.
    const clerk = await (await newContext(browser, server.baseURL)).newPage();
    await login(clerk, 'clerk');
    await clerk.goto(`/applications/${id}`);
    await clerk.selectOption('#defer_material', '食品安全规章制度目录清单');
    const due = new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 10);
    await clerk.fill('#defer_due', due);
    await clerk.locator('#defer_commitment').setInputFiles(pdf('容缺承诺书.pdf', 'signed'));
    await shot(clerk, 'defer-form');
    await clerk.getByRole('button', { name: '容缺受理' }).click();
    await clerk.getByText('已容缺受理').waitFor();

    // The applicant supplies it from their page while the case is handled.
    await applicant.goto(caseUrl);
    await applicant.getByRole('heading', { name: '需要您补交的容缺材料' }).waitFor();
    await shot(applicant, 'deferred');
    await applicant.locator('section.asked input[type=file]').setInputFiles(pdf('规章制度.pdf', 'rules'));
    await applicant.getByRole('button', { name: '提交补正材料' }).click();
    await applicant.getByText('容缺材料已补交，审查继续进行').waitFor();

    // A reviewer checks the commitment: it holds.
    const checker = await (await newContext(browser, server.baseURL)).newPage();
    await login(checker, 'checker');
    await checker.goto(`/applications/${id}`);
    await checker.getByRole('heading', { name: '告知承诺核查' }).waitFor();
    await shot(checker, 'commitment-check');
    await checker.getByRole('button', { name: '核查属实' }).click();
    await checker.getByText('核查结果已记录').waitFor();
    assert.equal(await checker.getByRole('heading', { name: '告知承诺核查' }).count(), 0);
  });
});
