// Reform-task supervision (督) in a real browser, end to end: the reform office sends the
// demo's draft plan for consultation, a unit comments on a clause, the office disposes of the
// comment and takes the plan through the meeting to approval; the unit accepts its task and
// reports progress with an evidence file; the demo clock moves past the deadline, the task
// turns red, the supervision sweep sends a 催办 notice to the unit's inbox, and the unit
// answers it in writing. Screenshots go to tests/browser/out/reform-*.png.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureOutDir, launchBrowser, login, newContext, startServer } from './harness.mjs';

// The demo's draft plan (the second one the demo loads) and its first task, led by
// 区市场监管局 (the keeper's unit), due ten days after the demo was created.
const DRAFT_PLAN = 2;
const TASK_TITLE = '企业开办全程网办、一日办结';

describe('reform supervision', () => {
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

  const shot = (page, name) =>
    page.screenshot({ path: path.join(out, `reform-${name}.png`), fullPage: true });

  test('consultation to approval, acceptance and report, then red light and 催办', async () => {
    const office = await (await newContext(browser, server.baseURL)).newPage();
    const unit = await (await newContext(browser, server.baseURL)).newPage();
    const plan = `/reform/plans/${DRAFT_PLAN}`;

    // The office sends the draft to 区市场监管局 for comments within five days.
    await login(office, 'reform');
    await office.goto(plan);
    await office.locator('.plan-status', { hasText: '草拟中' }).waitFor();
    await shot(office, 'draft');
    await office.locator('input[name=units][value=D04]').check();
    const due = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    await office.fill('input[name=due]', due);
    await office.getByRole('button', { name: '印发征求意见' }).click();
    await office.locator('.plan-status', { hasText: '征求意见中' }).waitFor();

    // The unit finds the consultation in its inbox and comments on clause 1.
    await login(unit, 'keeper');
    await unit.goto('/reform/inbox');
    await unit.getByRole('link', { name: /优化营商环境三年行动方案/ }).click();
    await unit.locator('textarea[name="c:1"]').fill('建议明确“一日办结”自申请材料齐全之时起算');
    await shot(unit, 'unit-comments');
    await unit.getByRole('button', { name: '提交意见' }).click();
    await unit.getByText('意见已反馈').waitFor();

    // The office disposes of the comment, with a reason, and takes the plan to approval.
    await office.reload();
    const comment = office.locator('.comment', { hasText: '自申请材料齐全之时起算' });
    await comment.locator('select[name=disposition]').selectOption('partly');
    await comment.locator('input[name=reason]').fill('起算时点在配套细则中明确');
    await comment.getByRole('button', { name: '保存' }).click();
    await office.getByText('处理意见已保存').waitFor();
    await office.locator('textarea[name=note]').fill('区委全面深化改革委员会会议审议通过');
    await office.getByRole('button', { name: '会议审议通过' }).click();
    await office.getByRole('button', { name: '报审定' }).click();
    await office.getByRole('button', { name: '审定印发' }).click();
    await office.locator('.plan-status', { hasText: '已审定印发' }).waitFor();
    const history = await office.locator('ol.timeline').innerText();
    for (const step of ['印发征求意见', '会议审议', '报审定', '审定印发']) {
      assert.ok(history.includes(step), `history lacks ${step}: ${history}`);
    }
    await shot(office, 'approved');
    await office.goto(`${plan}/report`);
    const report = await office.locator('article').innerText();
    assert.ok(report.includes('部分采纳') && report.includes('起算时点在配套细则中明确'), report);

    // The leaders' dashboard of the published demo plan: figures, lists, scores, timeline.
    await office.goto('/reform/dashboard?plan=1');
    await office.locator('svg.gantt').waitFor();
    assert.ok((await office.locator('.red-list tbody tr').count()) > 0, 'red list is empty');
    assert.match(await office.locator('.tally').last().innerText(), /\d+\.\d\d/, 'no unit score');
    await shot(office, 'dashboard');
    // The top of it, as the README shows it (docs/images/reform-dashboard.png).
    await office.screenshot({ path: path.join(out, 'reform-dashboard-top.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1500 } });
    const xlsx = await office.request.get('/reform/export.xlsx?plan=1');
    assert.equal(xlsx.status(), 200);
    assert.match(xlsx.headers()['content-type'], /spreadsheetml/);

    // The unit accepts its part and reports progress with an evidence file.
    await unit.goto('/reform/inbox');
    const part = unit.locator('.part', { hasText: TASK_TITLE });
    await part.getByRole('button', { name: '确认承担' }).click();
    await unit.getByText('已确认').first().waitFor();
    const row = unit.locator('.task-row', { hasText: TASK_TITLE });
    await row.locator('summary').click();
    await row.locator('input[name=percent]').fill('40');
    await row.locator('textarea[name=done]').fill('完成企业开办“一网通办”专区改造方案');
    await row.locator('input[name=evidence]').setInputFiles({
      name: '专区改造方案.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('企业开办一网通办专区改造方案'),
    });
    await row.getByRole('button', { name: '报送' }).click();
    await unit.getByText('进展已报送').waitFor();
    assert.match(await unit.locator('.task-row', { hasText: TASK_TITLE }).innerText(), /40%/);

    // Fourteen days later the deadline has passed: the task is red on the board.
    await office.goto(`/reform?plan=${DRAFT_PLAN}`);
    await office.fill('input[name=days]', '14');
    await office.getByRole('button', { name: '时间前进' }).click();
    // Moving the clock ends every session: the board sends the office to sign in again.
    await office.waitForURL((u) => u.pathname === '/login');
    await login(office, 'reform');
    await office.goto(`/reform?plan=${DRAFT_PLAN}`);
    const boardRow = office.locator('table.board tr', { hasText: TASK_TITLE });
    await boardRow.locator('.light.red').waitFor();
    await office.getByRole('button', { name: '立即督查扫描' }).click();
    await office.getByText('督查扫描已完成').waitFor();
    await office.locator('section.escalations', { hasText: TASK_TITLE }).waitFor();

    // The 催办 notice is in the unit's inbox; the unit answers in writing.
    await login(unit, 'keeper');
    await unit.goto('/reform/inbox');
    const notice = unit.locator('.notice[data-kind=urge]', { hasText: TASK_TITLE });
    await notice.waitFor();
    assert.match(await notice.innerText(), /催办/);
    await shot(unit, 'inbox-urge');
    await notice.locator('textarea[name=response]').fill('省平台接口联调延误，已协调，下周完成上线');
    await notice.getByRole('button', { name: '提交书面说明' }).click();
    await unit.getByText('书面说明已提交').waitFor();
    assert.match(
      await unit.locator('.notice[data-kind=urge]', { hasText: TASK_TITLE }).innerText(),
      /省平台接口联调延误/,
    );

    // The office's board shows the answer beside the notice.
    await login(office, 'reform');
    await office.goto(`/reform?plan=${DRAFT_PLAN}`);
    await office.locator('section.escalations', { hasText: '省平台接口联调延误' }).waitFor();
  });

  test('the leader sees what is late first, on a desktop and a phone, and a red task opens its page', async () => {
    const page = await (await newContext(browser, server.baseURL)).newPage();
    await login(page, 'leader');
    for (const [name, width] of [['desktop', 1280], ['phone', 390]]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto('/reform/dashboard');
      const red = page.locator('section.red-list');
      await red.waitFor();
      // Above the fold: the red list's first row with its unit, owner and since when.
      const box = await red.boundingBox();
      assert.ok(box.y < 900, `the red list starts above the fold at ${width}px`);
      const first = red.locator('tbody tr').first();
      const row = await first.innerText();
      assert.match(row, /\d{4}-\d{2}-\d{2}/, 'since when');
      const sideways = await page.evaluate(
        () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
      );
      assert.equal(sideways, false, `the dashboard scrolls sideways at ${width}px`);
      await shot(page, `dashboard-${name}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator('section.red-list tbody tr a').first().click();
    await page.waitForURL((u) => /^\/reform\/tasks\/\d+$/.test(u.pathname));
    const text = await page.locator('main').innerText();
    for (const heading of ['牵头与配合单位', '进展报送', '办理记录']) {
      assert.ok(text.includes(heading), `the task page has ${heading}`);
    }
    await shot(page, 'task-page');
    await page.setViewportSize({ width: 390, height: 900 });
    await page.reload();
    const sideways = await page.evaluate(
      () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
    );
    assert.equal(sideways, false, 'the task page scrolls sideways on a phone');
    await shot(page, 'task-page-phone');
  });

  test('published grassroots innovations are on the public portal', async () => {
    const page = await (await newContext(browser, server.baseURL)).newPage();
    await page.goto('/guide/innovations');
    await page.getByRole('link', { name: '“一窗通办”综合窗口改革' }).click();
    await page.getByText('整合18个部门的127个专业窗口').waitFor();
    await shot(page, 'portal-innovation');
    // The one still in review is not shown.
    await page.goto('/guide/innovations');
    assert.ok(!(await page.content()).includes('社区“帮代办”服务点'));
  });
});
