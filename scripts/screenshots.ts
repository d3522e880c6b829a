// Takes the README's screenshots (docs/*.png): the list, a report and the settings, in headless
// Chromium against `oncall-scout serve` with the stand-in cluster and Ollama. Run: npm run screenshots
import path from 'node:path';
import { loadScenario, scenarioPayload } from '../test/fixtures/scenarios/index.ts';
import { launchChromium } from '../test/helpers/browser.ts';
import { ensureRendererBuilt } from '../test/helpers/build-renderer.ts';
import { ROOT } from '../test/helpers/cli-process.ts';
import { TEST_TOKEN } from '../test/helpers/engine.ts';
import { waitFor } from '../test/helpers/http.ts';
import { startUiStack } from '../test/helpers/ui-stack.ts';

const NAMES = [
  'crashloop-missing-env',
  'oom-jvm-heap',
  'imagepull-tag-typo',
  'configerror-missing-secret',
  'unschedulable-insufficient-memory',
  'probe-liveness-http-500',
];
const scenarios = NAMES.map(loadScenario);

ensureRendererBuilt();
const stack = await startUiStack(scenarios);
const chromium = await launchChromium({ colorScheme: 'dark' });
const H = { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` };
/** Turns the LLM step on or off through Settings (it applies at once). */
const llm = (on: boolean) =>
  fetch(`${stack.url}/api/settings`, { method: 'PUT', headers: H, body: JSON.stringify({ llm: on }) });
try {
  // Reports from the rules alone: the stand-in Ollama's replies are canned placeholders
  // (test/fakes/ollama.ts), and a real model cannot run here; a screenshot of either would not show what
  // the app gives. The LLM is on again for the Settings screenshot, as it is by default.
  await llm(false);
  // A storm's replicas, first (the group shows its newest diagnosis): the other pod of the
  // crash-looping Deployment, and more of the OOM-killed one's.
  const replicas = [
    { name: 'crashloop-missing-env', pods: ['notification-worker-5c9f7b8d6-w8r5n'] },
    { name: 'oom-jvm-heap', pods: ['b7xkq', 'c4mzt', 'f9rwd', 'h2nvj', 'k5tbx'] },
  ];
  for (const r of replicas) {
    const base = loadScenario(r.name);
    for (const pod of r.pods) {
      const s = structuredClone(base);
      const full = pod.includes('-') ? pod : base.alert.labels.pod!.replace(/[^-]+$/, pod);
      s.alert.labels = { ...s.alert.labels, pod: full };
      await fetch(`${stack.url}/webhook/alertmanager`, {
        method: 'POST',
        headers: H,
        body: JSON.stringify(
          scenarioPayload(s, { startsAt: new Date(Date.now() - 30 * 60_000).toISOString() }),
        ),
      });
    }
  }
  for (const [i, s] of scenarios.entries()) {
    const startsAt = new Date(Date.now() - (NAMES.length - i) * 7 * 60_000).toISOString();
    await fetch(`${stack.url}/webhook/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
      body: JSON.stringify(scenarioPayload(s, { startsAt })),
    });
  }
  await waitFor(
    async () => {
      const r = await fetch(`${stack.url}/api/incidents`, {
        headers: { authorization: `Bearer ${TEST_TOKEN}` },
      });
      const { items } = (await r.json()) as { items: Array<{ state: string }> };
      return items.length === NAMES.length + 6 && items.every((x) => x.state === 'ready');
    },
    30_000,
    'all incidents ready',
  );
  const page = await chromium.context.newPage();
  const shot = (name: string) => page.screenshot({ path: path.join(ROOT, 'docs', name) });
  await page.goto(stack.uiUrl);
  await page.locator('[data-incident]').first().waitFor();
  await shot('list.png');
  await page.getByRole('button', { name: 'Groups', exact: true }).click();
  await page.locator('[data-group]').first().waitFor();
  // The keyboard's row on the storm's group: Enter would list its replicas.
  const storm = page.locator('[data-group]', { hasText: 'checkout' });
  for (let i = 0; i < 10 && !(await storm.getAttribute('aria-current')); i++) await page.keyboard.press('j');
  await shot('groups.png');
  await page.getByRole('button', { name: 'Incidents', exact: true }).click();
  await page.locator('[data-incident]', { hasText: 'notification-worker-5c9f7b8d6-2xkqp' }).click();
  await page.locator('.report').waitFor();
  await shot('report.png');
  // Follow the rule's evidence into the log: the tab opens at the line and flashes it.
  await page.locator('[data-ref-link^="log/"]').first().click();
  await page.locator('.log-line.flash').waitFor();
  await page.locator('.tabs').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await shot('logs.png');
  await llm(true);
  await page.goto(`${stack.url}/#/settings`);
  await page.locator('[data-section="ollama"]').waitFor();
  await page.locator('[data-action="test-ollama"]').click();
  await page.locator('.check-result').waitFor();
  await shot('settings.png');
  console.log('screenshots written to docs/');
} finally {
  await chromium.close();
  await stack.close();
}
