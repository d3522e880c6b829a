import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentDetail, IncidentSummary } from '../../shared/incident.ts';
import { defaultRespond } from '../fakes/ollama.ts';
import { loadScenario, type Scenario, scenarioPayload } from '../fixtures/scenarios/index.ts';
import { launchChromium } from '../helpers/browser.ts';
import { ensureRendererBuilt } from '../helpers/build-renderer.ts';
import { TEST_TOKEN } from '../helpers/engine.ts';
import { getJson, postJson, waitFor } from '../helpers/http.ts';
import { startUiStack, type UiStack } from '../helpers/ui-stack.ts';

/**
 * The UI in a real browser (Debian's Chromium) against `oncall-scout serve`, the stand-in cluster and
 * the stand-in Ollama: live list, report, acknowledge, search, settings, and untrusted text that must
 * stay text.
 */

const XSS_ANNOTATION = '<img src=x onerror="window.__pwned=\'annotation\'"><script>window.__pwned=1</script>';
const XSS_LOG = "<img src=x onerror=\"window.__pwned='log'\"> <script>window.__pwned='log-script'</script>";
const XSS_LLM = '<img src=x onerror="window.__pwned=\'llm\'">';

/** A scenario whose annotation and log carry script: it must render as visible characters. */
function hostileScenario(): Scenario {
  const s = structuredClone(loadScenario('crashloop-go-panic')) as Scenario;
  s.alert.annotations = {
    ...s.alert.annotations,
    summary: XSS_ANNOTATION,
    runbook_url: 'javascript:window.__pwned=9',
  };
  for (const key of Object.keys(s.logs)) s.logs[key] = `${XSS_LOG}\n${s.logs[key]}`;
  return s;
}

const friendly = loadScenario('crashloop-missing-env');
const hostile = hostileScenario();

let stack: UiStack;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
const dialogs: string[] = [];

async function post(s: Scenario, opts: Parameters<typeof scenarioPayload>[1] = {}) {
  const startsAt = new Date(Date.now() - 120_000).toISOString();
  const res = await postJson(`${stack.url}/webhook/alertmanager`, scenarioPayload(s, { startsAt, ...opts }));
  expect(res.status).toBe(200);
}

async function incidents(): Promise<IncidentSummary[]> {
  return (await getJson<{ items: IncidentSummary[] }>(`${stack.url}/api/incidents`)).body.items;
}

const row = (pod: string) => page.locator('[data-incident]', { hasText: pod });

beforeAll(async () => {
  ensureRendererBuilt();
  stack = await startUiStack([friendly, hostile], {
    ollama: {
      // The model's answer carries markup too (it quotes cluster text back).
      respond: (req) => {
        const r = JSON.parse(defaultRespond(req));
        r.rootCause.explanation += ` Quoted from the pod: ${XSS_LLM}`;
        return JSON.stringify(r);
      },
    },
  });
  chromium = await launchChromium();
  page = await chromium.context.newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  // Any CSP violation means something tried to run or load that the policy forbids.
  await page.addInitScript(() => {
    (window as unknown as { __csp: string[] }).__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.goto(stack.uiUrl);
  await page.getByText('No incidents yet').waitFor();
  // Marks this document: if the page reloaded, the mark is gone.
  await page.evaluate(() => {
    (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
  });
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await stack?.close();
});

describe('the UI in a browser', () => {
  it('shows an alert posted to the webhook in the open list, without a reload', async () => {
    await expect(page.locator('[data-connection="live"]')).toBeTruthy();
    await page.locator('[data-connection="live"]').waitFor();
    await post(friendly);
    await row('notification-worker').waitFor({ timeout: 5_000 });
    // Its age is how long it has fired (it started 2 min before it was posted), not since its receipt.
    const time = row('notification-worker').locator('time');
    expect(await time.textContent()).toBe('2 min ago');
    expect(await time.getAttribute('title')).toMatch(/^Started \d{4}-.*; received \d{4}-/);
    expect(
      await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);
    // The token left the address bar (it stays in the tab's session storage).
    expect(page.url()).not.toContain('token=');
  });

  it("runs the build users get: React's production build, not its development one", async () => {
    // The tests build the UI themselves, under vitest's NODE_ENV=test, which Vite would otherwise follow.
    const js = await page.evaluate(async () => {
      const script = document.querySelector<HTMLScriptElement>('script[type="module"]')!;
      return (await fetch(script.src)).text();
    });
    expect(js.length).toBeGreaterThan(100_000);
    expect(js.includes('jsxDEV'), "the bundle holds React's development JSX runtime").toBe(false);
  });

  it('opens its report once the analysis is done, with steps and evidence linked into the context', async () => {
    await row('notification-worker').click();
    await page.locator('.report .category').waitFor({ timeout: 20_000 });
    expect(await page.locator('.report .category').textContent()).toBe('CrashLoop');
    expect(page.url()).toMatch(/#\/incidents\/\d+$/);
    await page.getByText('Missing required environment variable REDIS_URL').first().waitFor();
    // Evidence → the log line it rests on.
    await page.locator('[data-ref-link^="log/"]').first().click();
    await page.locator('.log-line.flash').waitFor();
    expect(await page.locator('[role="tab"][aria-selected="true"]').textContent()).toMatch(/^Logs/);
    // Copy-ready command for read-only steps.
    expect(await page.locator('.step .command code').first().textContent()).toMatch(/^kubectl /);
  });

  it('copies the report as Markdown, to paste into a ticket', async () => {
    await chromium.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.url });
    await page.locator('[data-action="copy-markdown"]').click();
    await page.locator('[data-action="copy-markdown"][data-copy-state="copied"]').waitFor();
    const md = await page.evaluate(() => navigator.clipboard.readText());
    expect(md).toMatch(/^# KubePodCrashLooping — CrashLoop \(\d+% confidence\)/);
    expect(md).toContain('pod/notification-worker');
    expect(md).toContain('## Immediate steps');
  });

  it('acknowledges the incident', async () => {
    await page.locator('[data-action="ack"]').click();
    await page.locator('[data-action="ack"]', { hasText: 'acknowledged' }).waitFor();
    const i = (await incidents()).find((x) => x.target.includes('notification-worker'))!;
    expect(i.ackedAt).not.toBeNull();
    await row('notification-worker').locator('.tag-acked').waitFor();
    // The "not acknowledged" filter drops it, live.
    await page.getByRole('button', { name: 'Not acknowledged', exact: true }).click();
    await page.getByText('No incident matches').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await row('notification-worker').waitFor();
  });

  it('finds it by full-text search, and says so when nothing matches', async () => {
    const search = page.getByRole('searchbox', { name: 'Search incidents (full text)' });
    await search.fill('REDIS_URL');
    await waitFor(
      async () => (await page.locator('[data-incident]').count()) === 1,
      10_000,
      'one search result',
    );
    await row('notification-worker').waitFor();
    await search.fill('nothing-like-this-anywhere');
    await page.getByText('No incident matches').waitFor();
    await search.fill('');
    await row('notification-worker').waitFor();
  });

  it('renders script in annotations, logs and LLM output as text: nothing executes', async () => {
    await post(hostile);
    await row(hostile.alert.labels.pod!).waitFor({ timeout: 5_000 });
    await row(hostile.alert.labels.pod!).click();
    await page.locator('.report .category').waitFor({ timeout: 20_000 });
    await page.locator('.annotation', { hasText: '<script>window.__pwned=1</script>' }).waitFor();
    await page.locator('.explanation', { hasText: XSS_LLM }).waitFor();
    // The javascript: runbook is not offered as a link.
    expect(await page.locator('a', { hasText: 'Runbook' }).count()).toBe(0);
    await page.getByRole('tab', { name: /^Alert/ }).click();
    await page.locator('.labels td', { hasText: XSS_ANNOTATION }).first().waitFor();
    await page.getByRole('tab', { name: /^Logs/ }).click();
    await page.locator('.log-line', { hasText: XSS_LOG }).first().waitFor();
    await page.getByRole('searchbox', { name: 'Search the log' }).fill('onerror');
    await page.locator('.log-line mark', { hasText: 'onerror' }).first().waitFor();
    const state = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      images: document.querySelectorAll('img').length,
      scripts: [...document.querySelectorAll('script')].filter((s) => !s.src).length,
      csp: (window as unknown as { __csp: string[] }).__csp,
    }));
    expect(state).toEqual({ pwned: undefined, images: 0, scripts: 0, csp: [] });
    expect(dialogs).toEqual([]);
  });

  it('acknowledges every firing incident nobody has taken at once, after asking', async () => {
    await page.locator('[data-action="ack-all"]').click();
    // It says how many it would take before it takes them (the other one was acknowledged before).
    const question = page.getByText('Acknowledge 1 firing incident that nobody has acknowledged?');
    await question.waitFor();
    // Other filters, other incidents: the question asked about the old ones goes away.
    await page.getByRole('button', { name: 'Firing', exact: true }).click();
    await question.waitFor({ state: 'detached' });
    await page.locator('[data-action="ack-all"]').waitFor(); // still offered: the list is not empty
    await page.locator('[data-action="ack-all"]').click();
    await question.waitFor();
    await page.locator('[data-action="ack-all-confirm"]').click();
    await page.getByRole('status').filter({ hasText: '1 incident acknowledged' }).waitFor();
    expect((await incidents()).map((i) => Boolean(i.ackedAt))).toEqual([true, true]);
    await row(hostile.alert.labels.pod!).locator('.tag-acked').waitFor();
    await page.locator('[data-action="ack-all"]').click();
    await page.getByRole('status').filter({ hasText: 'Nothing to acknowledge here' }).waitFor();
  });

  it("groups a workload's replicas into one live row, which opens as their list", async () => {
    await page.getByRole('button', { name: 'Groups', exact: true }).click();
    const group = page.locator('[data-group]', { hasText: 'notification-worker' });
    await group.locator('.alertname').waitFor();
    expect(await group.locator('.tag-count').count()).toBe(0); // a group of one needs no count
    expect(await page.locator('[data-group]').count()).toBe(2); // and the hostile scenario's workload
    // With no incident open, the pane says what opening a group does.
    await page.getByRole('link', { name: 'Incidents', exact: true }).click();
    await page.getByText('Open a group', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Groups', exact: true }).click(); // already on: only focused
    // Another replica of the same Deployment fails: the group grows, no new row.
    const replica = structuredClone(friendly) as Scenario;
    replica.alert.labels = { ...friendly.alert.labels, pod: 'notification-worker-5c9f7b8d6-w8r5n' };
    await post(replica);
    await group.getByText('2 incidents').waitFor({ timeout: 5_000 });
    await group.getByText('1 of 2 acked').waitFor(); // the first was acknowledged above
    expect(await page.locator('[data-group]').count()).toBe(2);
    await page.getByText(/^2 groups · 3 incidents$/).waitFor();

    // Opened from the keyboard (j/k move, Enter opens; the focused view toggle does not take the Enter),
    // it is the list of its incidents, and "acknowledge all" takes just those.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Groups');
    const active = page.locator('[data-group][aria-current="true"]');
    expect(await active.count()).toBe(0);
    await page.keyboard.press('j');
    await active.waitFor();
    const first = await active.getAttribute('data-group');
    await page.keyboard.press('ArrowDown');
    await waitFor(async () => (await active.getAttribute('data-group')) !== first, 5_000, 'the second group');
    await page.keyboard.press('k');
    await waitFor(
      async () => (await active.getAttribute('data-group')) === first,
      5_000,
      'back to the first',
    );
    if (!(await group.getAttribute('aria-current'))) await page.keyboard.press('j');
    await page.locator('[data-group][aria-current="true"]', { hasText: 'notification-worker' }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('[data-filter="workload"]', { hasText: 'notification-worker' }).waitFor();
    await waitFor(async () => (await page.locator('[data-incident]').count()) === 2, 5_000, 'its two');
    await page.locator('[data-action="ack-all"]').click();
    await page.getByText('Acknowledge 1 firing incident that nobody has acknowledged?').waitFor();
    await page.locator('[data-action="ack-all-confirm"]').click();
    await page.getByRole('status').filter({ hasText: '1 incident acknowledged' }).waitFor();
    expect((await incidents()).filter((i) => !i.ackedAt)).toEqual([]);

    // Its alert and workload are chips, each removable; clearing the filters shows every incident again.
    await page.getByRole('button', { name: /^Remove the filter Workload/ }).click();
    await page.locator('[data-filter="workload"]').waitFor({ state: 'detached' });
    await page.locator('[data-filter="alertname"]').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.locator('[data-filter="alertname"]').waitFor({ state: 'detached' });
    await waitFor(async () => (await page.locator('[data-incident]').count()) === 3, 5_000, 'all three');
    // Back in the groups, the group says everyone of it is taken.
    await page.getByRole('button', { name: 'Groups', exact: true }).click();
    await group.locator('.tag-acked', { hasText: /^acked$/ }).waitFor();
    await page.getByRole('button', { name: 'Incidents', exact: true }).click();
    await row('notification-worker-5c9f7b8d6-w8r5n').waitFor();
    // In the incidents, j/k open the next and the previous.
    const ids = await page
      .locator('[data-incident]')
      .evaluateAll((rows) => rows.map((r) => r.dataset.incident));
    const open = async () =>
      page.locator('[data-incident][aria-current="true"]').getAttribute('data-incident');
    for (let i = 0; i < ids.length; i++) await page.keyboard.press('k');
    await waitFor(async () => (await open()) === ids[0], 5_000, 'the first');
    await page.keyboard.press('j');
    await waitFor(async () => (await open()) === ids[1], 5_000, 'the second');
    await page.keyboard.press('k');
    await waitFor(async () => (await open()) === ids[0], 5_000, 'the first again');
  });

  it('streams the LLM text while it writes, when re-analysing', async () => {
    stack.ollama.setOptions({ tokenDelayMs: 40, chunkSize: 4 });
    await page.locator('[data-action="reanalyze"]').click();
    await page.locator('.streaming').waitFor({ timeout: 15_000 });
    await page.locator('.report .category').waitFor({ timeout: 30_000 });
    await waitFor(async () => (await page.locator('.streaming').count()) === 0, 30_000, 'streaming to end');
    stack.ollama.setOptions({ tokenDelayMs: 0, chunkSize: 6 });
  });

  it('settings: names the field it refuses, tests Ollama, applies a new model, switches language', async () => {
    // Changed elsewhere (another window, a script) since this page loaded: Settings shows it, so a save
    // here cannot put the old value back.
    const elsewhere = await fetch(`${stack.url}/api/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
      body: JSON.stringify({ feishuKeyword: 'oncall' }),
    });
    expect(elsewhere.status).toBe(200);
    await page.getByRole('link', { name: 'Settings' }).click();
    const ollama = page.locator('[data-section="ollama"]');
    await ollama.waitFor();
    expect(await page.locator('input[name="feishuKeyword"]').inputValue()).toBe('oncall');
    await ollama.locator('[data-action="test-ollama"]').click();
    await ollama.locator('.chip', { hasText: 'qwen2.5:14b' }).waitFor();
    await ollama.locator('input[name="model"]').fill('not a model!');
    await ollama.getByRole('button', { name: 'Save' }).click();
    await ollama.locator('.error', { hasText: 'model' }).waitFor();
    await ollama.locator('input[name="model"]').fill('llama3.1:8b');
    await ollama.getByRole('button', { name: 'Save' }).click();
    await ollama.getByText('Saved').waitFor();
    const status = await getJson<{ llm: { model: string } }>(`${stack.url}/api/status`);
    expect(status.body.llm.model).toBe('llama3.1:8b');

    const feishu = page.locator('[data-section="feishu"]');
    await feishu.locator('input[name="feishuSecret"]').fill('s3cret-value-abcdef-1234');
    await feishu.getByRole('button', { name: 'Save' }).click();
    await feishu.getByText('Saved').waitFor();
    const settings = await getJson<Record<string, unknown>>(`${stack.url}/api/settings`);
    expect(JSON.stringify(settings.body)).not.toContain('s3cret-value');
    expect(await feishu.locator('input[name="feishuSecret"]').getAttribute('placeholder')).toContain('…1234');

    const lang = page.locator('[data-section="language"]');
    await lang.locator('select').selectOption('zh');
    await lang.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('link', { name: '事件' }).waitFor();
    await page.getByRole('link', { name: '事件' }).click();
    await page.getByText('全部').first().waitFor();
  });

  it('keeps the incident detail consistent with the API', async () => {
    const i = (await incidents()).find((x) => x.target.includes('notification-worker'))!;
    const d = await getJson<IncidentDetail>(`${stack.url}/api/incidents/${i.id}?token=${TEST_TOKEN}`);
    expect(d.body.report?.rootCause.category).toBe('CrashLoop');
  });
});
