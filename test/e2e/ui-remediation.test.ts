import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKube, type KubeObject, startFakeKube } from '../fakes/kube-apiserver.ts';
import { loadScenario, SCENARIO_CLUSTERS, scenarioPayload } from '../fixtures/scenarios/index.ts';
import { launchChromium } from '../helpers/browser.ts';
import { ensureRendererBuilt } from '../helpers/build-renderer.ts';
import { type CliProcess, spawnServe } from '../helpers/cli-process.ts';
import { TEST_TOKEN, tempDir } from '../helpers/engine.ts';
import { postJson } from '../helpers/http.ts';

/**
 * Remediation in Debian's Chromium against `oncall-scout serve --policy`: the proposal waits for
 * approval in the report, one click runs it (dry run, eviction, new pod Ready), the audit page lists
 * every step and exports it, and Settings refuse a bad policy with its line.
 */

const scenario = loadScenario('oom-jvm-heap');
const POD = 'checkout-7d9f8b6c5-x2x9q';
let kube: FakeKube;
let serve: CliProcess;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;

beforeAll(async () => {
  ensureRendererBuilt();
  kube = await startFakeKube({
    objects: scenario.objects as KubeObject[],
    logs: scenario.logs,
    controllers: { delayMs: 50 },
  });
  const dir = tempDir('ui-remediation-');
  const kubeconfig = kube.writeKubeconfig(dir, { context: 'test', aliases: SCENARIO_CLUSTERS });
  fs.writeFileSync(path.join(dir, 'policy.yaml'), 'actions:\n  restart-pod: approve\n');
  serve = await spawnServe([
    ...['--data-dir', dir, '--token', TEST_TOKEN, '--kubeconfig', kubeconfig, '--no-llm'],
    ...['--policy', path.join(dir, 'policy.yaml')],
  ]);
  chromium = await launchChromium();
  page = await chromium.context.newPage();
  await page.goto(`${serve.url}/?token=${TEST_TOKEN}`);
  await page.locator('[data-connection="live"]').waitFor();
  expect((await postJson(`${serve.url}/webhook/alertmanager`, scenarioPayload(scenario))).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await serve?.stop();
  await kube?.close();
});

describe('remediation in the browser', () => {
  it('the report shows the proposal waiting for approval; Approve runs it and shows the outcome', async () => {
    await page.locator('[data-incident]', { hasText: POD }).click();
    const proposal = page.locator('[data-action-state="pending"]');
    await proposal.waitFor({ timeout: 20_000 });
    expect(await proposal.textContent()).toContain(
      `restart pod ${POD} (OOMKilled 6 times; 2 other replicas ready)`,
    );
    expect(kube.mutations()).toEqual([]);
    await proposal.locator('[data-action="approve"]').click();
    const done = page.locator('[data-action-state="done"]');
    await done.waitFor({ timeout: 20_000 });
    expect(await done.textContent()).toMatch(/Outcome: replacement pod checkout-7d9f8b6c5-\w{5} is Ready/);
    expect(kube.mutations().map((r) => `${r.method} ${r.query.dryRun ?? 'real'}`)).toEqual([
      'POST All',
      'POST real',
    ]);
  });

  it('the audit page lists every step, and exports them', async () => {
    await page.locator('a', { hasText: 'Audit log of this incident' }).click();
    const rows = page.locator('.audit-table tbody tr');
    await page.locator('.audit-table tr.audit-outcome').waitFor({ timeout: 10_000 });
    const events = await rows.locator('td:nth-child(3)').allTextContents();
    expect(events.reverse()).toEqual([
      'proposed',
      'decided',
      'decided · ok',
      'dry run · ok',
      'executed · ok',
      'outcome · ok',
    ]);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-action="export-csv"]').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^oncall-scout-audit-incident-\d+-.*\.csv$/);
    const file = await download.path();
    expect(fs.readFileSync(file, 'utf8').split('\r\n')[0]).toBe(
      'id,at,incident,action_id,event,actor,ok,action,message,policy',
    );
  });

  it('Settings refuse a bad policy with the line and the reason', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const policy = page.locator('[data-section="policy"]');
    // Editable once the policy in force has loaded, and showing it.
    await policy.locator('textarea:enabled').waitFor();
    expect(await policy.locator('textarea').inputValue()).toBe('actions:\n  restart-pod: approve\n');
    await policy.locator('textarea').fill('actions:\n  restart-pod: approve\n  reboot: auto\n');
    await policy.locator('button[type="submit"]').click();
    await policy.locator('[data-policy-error]').waitFor();
    expect(await policy.locator('[data-policy-error]').textContent()).toBe(
      'policy not saved, line 3: unknown key "actions.reboot"; the previous policy stays in force',
    );
  });
});
