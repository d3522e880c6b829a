import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentSummary } from '../../shared/incident.ts';
import { loadScenario, scenarioPayload } from '../fixtures/scenarios/index.ts';
import { type RealAlertmanager, startAlertmanager } from '../helpers/alertmanager.ts';
import { launchChromium } from '../helpers/browser.ts';
import { ensureRendererBuilt } from '../helpers/build-renderer.ts';
import { TEST_TOKEN } from '../helpers/engine.ts';
import { getJson, postJson, waitFor } from '../helpers/http.ts';
import { startUiStack, type UiStack } from '../helpers/ui-stack.ts';

/**
 * The on-call parts of the UI in Debian's Chromium against `oncall-scout serve --alertmanager URL` and
 * the real Alertmanager: acknowledge with a silence (and take it back), the source's status in
 * Settings, and the Stats page with its chart and CSV export.
 */

const scenario = loadScenario('crashloop-missing-env');
let am: RealAlertmanager;
let stack: UiStack;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;

async function silences() {
  const res = await fetch(`${am.url}/api/v2/silences`);
  return (await res.json()) as Array<{ id: string; status: { state: string }; createdBy: string }>;
}

beforeAll(async () => {
  ensureRendererBuilt();
  am = await startAlertmanager('http://127.0.0.1:9/nowhere', TEST_TOKEN);
  stack = await startUiStack([scenario], { args: ['--no-llm', '--alertmanager', am.url] });
  chromium = await launchChromium();
  page = await chromium.context.newPage();
  await page.goto(stack.uiUrl);
  await page.locator('[data-connection="live"]').waitFor();
  // As if Alertmanager had sent it: its externalURL names the Alertmanager to silence in.
  const payload = {
    ...scenarioPayload(scenario, { startsAt: new Date(Date.now() - 300_000).toISOString() }),
    externalURL: am.url,
  };
  expect((await postJson(`${stack.url}/webhook/alertmanager`, payload)).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await stack?.close();
  await am?.close();
});

describe('acknowledging with a silence, in the browser', () => {
  it('acknowledges and silences for an hour; Alertmanager lists the silence', async () => {
    await page.locator('[data-incident]', { hasText: 'notification-worker' }).click();
    await page.locator('.report .category').waitFor({ timeout: 20_000 });
    await page.locator('[data-action="silence-minutes"]').selectOption('60');
    await page.locator('[data-action="ack"]').click();
    await page.locator('[data-silence="active"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-silence="active"]').textContent()).toContain(`Silenced in ${am.url}`);
    const active = (await silences()).filter((s) => s.status.state === 'active');
    expect(active).toHaveLength(1);
  });

  it('un-acknowledges: the silence expires in Alertmanager', async () => {
    await page.locator('[data-action="unack"]').click();
    await page.locator('[data-silence="expired"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-action="ack"]', { hasText: /^Acknowledge$/ }).waitFor();
    expect((await silences()).map((s) => s.status.state)).toEqual(['expired']);
    const items = (await getJson<{ items: IncidentSummary[] }>(`${stack.url}/api/incidents`)).body.items;
    expect(items[0]?.ackedAt).toBeNull();
  });
});

describe('the Alertmanager source in Settings', () => {
  it('shows its state, what it lists and its version', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const status = page.locator('[data-source-status]');
    await status.waitFor();
    await page.locator('[data-source-status][data-state="ok"]').waitFor({ timeout: 20_000 });
    expect(await status.textContent()).toContain('Alertmanager 0.25.0');
    expect(await page.locator('input[name="am-target-0"]').inputValue()).toBe(am.url);
  });
});

describe('the Stats page', () => {
  it('shows this period against the previous one, the chart and accuracy, and exports CSV', async () => {
    // Feedback, so accuracy has something to say.
    const [inc] = (await getJson<{ items: IncidentSummary[] }>(`${stack.url}/api/incidents`)).body.items;
    await postJson(`${stack.url}/api/incidents/${inc!.id}/ack`, { by: 'bob' });
    await postJson(`${stack.url}/api/incidents/${inc!.id}/feedback`, { verdict: 'right' });

    await page.getByRole('link', { name: 'Stats' }).click();
    await page.getByRole('heading', { name: 'On-call scoreboard' }).waitFor();
    const incidents = page.locator('[data-stat="incidents"] .stat-value');
    await waitFor(async () => (await incidents.textContent()) === '1', 10_000, 'one alert counted');
    expect(await page.locator('[data-stat="mtta"] .stat-value').textContent()).toMatch(/min$/);
    expect(await page.locator('[data-stat="accuracy"] .stat-value').textContent()).toBe('100%');
    expect(await page.locator('[data-stat="incidents"] .stat-prev').textContent()).toContain(
      'previous period: 0',
    );
    await page.locator('[data-chart="by-day"] canvas').first().waitFor();
    // Its legend counts the whole period until the cursor is over a day, then that day.
    const legend = () => page.locator('[data-chart="by-day"] .u-legend .u-series .u-value').allTextContents();
    const [period, ...levels] = await legend();
    expect(period).toBe('whole period');
    expect(levels.map(Number).reduce((a, b) => a + b, 0)).toBe(1);
    const over = (await page.locator('[data-chart="by-day"] .u-over').boundingBox())!;
    await page.mouse.move(over.x + over.width - 2, over.y + over.height / 2);
    await waitFor(
      async () => /^\d{4}-\d{2}-\d{2}$/.test((await legend())[0]!),
      5_000,
      'the day under the cursor',
    );
    await page.mouse.move(0, 0);
    await page.locator('[data-section="accuracy"] td', { hasText: 'CrashLoop' }).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-action="export-csv"]').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      /^oncall-scout-stats-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/,
    );
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^metric,current \(.*\),previous \(.*\)$/);
    expect(csv).toContain('\r\nincidents,1,0\r\n');
    expect(csv).toContain('\r\nCrashLoop,1,0,1\r\n');

    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await waitFor(async () => (await incidents.textContent()) === '1', 10_000, 'the 7-day view');
  });
});
