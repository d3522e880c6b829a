import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentDetail } from '../../shared/incident.ts';
import { loadScenario, scenarioPayload } from '../fixtures/scenarios/index.ts';
import { launchChromium } from '../helpers/browser.ts';
import { ensureRendererBuilt } from '../helpers/build-renderer.ts';
import { tempDir } from '../helpers/engine.ts';
import { getJson, postJson, waitFor } from '../helpers/http.ts';
import { type RealPrometheus, startPrometheus, startRampExporter } from '../helpers/prometheus.ts';
import { startUiStack, type UiStack } from '../helpers/ui-stack.ts';

/**
 * The Metrics tab in Debian's Chromium against `oncall-scout serve`, the real Prometheus scraping the
 * ramp exporter for the scenario's pod, and an alert whose generatorURL names that Prometheus: one uPlot
 * chart per series, the threshold / limit / request drawn as a second (red, dashed) series, values
 * under the cursor, and the same summary line the LLM and the Feishu card get.
 */

const scenario = loadScenario('oom-jvm-heap');
const labels = scenario.alert.labels as Record<string, string>;
const pod = { namespace: labels.namespace!, pod: labels.pod!, container: labels.container! };

let exporter: Awaited<ReturnType<typeof startRampExporter>>;
let prom: RealPrometheus;
let stack: UiStack;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let detail: IncidentDetail;

async function promValue(query: string): Promise<number> {
  const r = (await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(query)}`).then((x) =>
    x.json(),
  )) as { data: { result: Array<{ value: [number, string] }> } };
  return Number(r.data.result[0]?.value[1] ?? Number.NaN);
}

beforeAll(async () => {
  ensureRendererBuilt();
  exporter = await startRampExporter(20, pod);
  prom = await startPrometheus(exporter.url);
  // The shortest window the config allows, so the few seconds of ramp are more than a point or two.
  const config = path.join(tempDir('metrics-config-'), 'config.yaml');
  fs.writeFileSync(config, 'metricsWindowMinutes: 5\n');
  stack = await startUiStack([scenario], { args: ['--no-llm', '--config', config] });
  await waitFor(
    async () =>
      (await promValue('demo_queue_depth')) > 150 &&
      (await promValue('rate(container_cpu_usage_seconds_total[5m])')) > 0.16,
    40_000,
    'the ramp past the threshold and the CPU past its request',
  );
  const payload = scenarioPayload(scenario, { startsAt: new Date().toISOString() }) as {
    alerts: Array<{ generatorURL: string }>;
  };
  payload.alerts[0]!.generatorURL =
    `${prom.url}/graph?g0.expr=${encodeURIComponent('demo_queue_depth > 100')}&g0.tab=1`;
  expect((await postJson(`${stack.url}/webhook/alertmanager`, payload)).status).toBe(200);
  detail = await waitFor(
    async () => {
      const items = (
        await getJson<{ items: Array<{ id: number; state: string }> }>(`${stack.url}/api/incidents`)
      ).body.items;
      const ready = items.find((i) => i.state === 'ready');
      return ready ? (await getJson<IncidentDetail>(`${stack.url}/api/incidents/${ready.id}`)).body : null;
    },
    20_000,
    'the incident to be ready',
  );
  chromium = await launchChromium();
  page = await chromium.context.newPage();
  await page.goto(stack.uiUrl);
  await page.locator('[data-connection="live"]').waitFor();
}, 90_000);

afterAll(async () => {
  await chromium?.close();
  await stack?.close();
  await prom?.close();
  await exporter?.close();
});

describe('the Metrics tab', () => {
  it('draws one chart per series, each with its threshold, limit or request as a second line', async () => {
    const series = detail.context!.metrics!.series;
    expect(series.map((s) => s.name)).toEqual([
      'alert expression',
      'memory working set app',
      'CPU usage app',
      'restarts app',
    ]);
    // The ramp from below the threshold to past it, as Prometheus saw it.
    expect(series[0]!.summary.start).toBeLessThan(100);
    expect(series[0]!.summary.last).toBeGreaterThan(150);
    await page.locator('[data-incident]', { hasText: pod.pod }).click();
    await page.locator('.report .category').waitFor({ timeout: 20_000 });
    await page.locator('[role="tab"]', { hasText: /^Metrics$/ }).click();
    await page
      .locator('figure.metric canvas')
      .nth(series.length - 1)
      .waitFor();
    expect(await page.locator('.metrics .muted').first().textContent()).toContain(
      `From ${prom.url} (the alert's generatorURL)`,
    );

    const charts = await page.locator('figure.metric').evaluateAll((figs) =>
      figs.map((f) => {
        const canvas = f.querySelector<HTMLCanvasElement>('.metric-chart canvas');
        // What is painted: the series' blue and the threshold's red, counted from the canvas itself.
        let blue = 0;
        let red = 0;
        if (canvas) {
          const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          for (let i = 0; i < px.length; i += 4) {
            const [r, g, b, a] = [px[i]!, px[i + 1]!, px[i + 2]!, px[i + 3]!];
            if (a < 128) continue;
            if (b > 180 && r < 120 && g < 150) blue++;
            if (r > 180 && g < 110 && b < 110) red++;
          }
        }
        return {
          name: f.getAttribute('data-metric'),
          canvas: canvas ? { width: canvas.width, height: canvas.height } : null,
          legend: [...f.querySelectorAll('.u-legend .u-series .u-label')].map((l) => l.textContent),
          summary: f.querySelector('.metric-summary')?.textContent,
          blue,
          red,
        };
      }),
    );
    expect(charts.map((c) => c.name)).toEqual(series.map((s) => s.name));
    for (const c of charts) {
      expect(c.canvas!.width).toBeGreaterThan(200);
      expect(c.canvas!.height).toBeGreaterThan(100);
      expect(c.blue, `${c.name}: the series is drawn`).toBeGreaterThan(20);
    }
    const byName = Object.fromEntries(charts.map((c) => [c.name, c]));
    const lines: Record<string, string | null> = {
      'alert expression': 'threshold',
      'memory working set app': 'limit',
      'CPU usage app': 'request',
      'restarts app': null,
    };
    for (const [name, line] of Object.entries(lines)) {
      const c = byName[name]!;
      if (line) {
        expect(c.legend).toEqual(expect.arrayContaining([name, line]));
        expect(c.red, `${name}: its ${line} is drawn`).toBeGreaterThan(20);
      } else {
        expect(c.legend).not.toContain('threshold');
        expect(c.red).toBe(0);
      }
    }
    // Under each chart, the summary line the LLM and the Feishu card get.
    expect(byName['alert expression']!.summary).toMatch(
      /^alert expression: start .*, rising .*, crossed threshold > 100 at \d\d:\d\d$/,
    );
    expect(byName['CPU usage app']!.summary).toMatch(/crossed request > 100m at \d\d:\d\d$/);
    expect(byName['memory working set app']!.summary).toMatch(/limit >= 1\.0 GiB/);
  });

  it('shows the values under the cursor', async () => {
    const fig = page.locator('figure.metric[data-metric="alert expression"]');
    const values = () => fig.locator('.u-legend .u-series .u-value').allTextContents();
    const over = fig.locator('.u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width - 3, box.y + box.height / 2);
    // The last two legend entries are the series and its threshold ('–' until the cursor is over a point).
    await waitFor(
      async () => (await values()).slice(-2).every((v) => /^\d/.test(v)),
      5_000,
      'values in the legend',
    );
    const [value, threshold] = (await values()).slice(-2);
    expect(Number(value)).toBeGreaterThan(100);
    expect(threshold).toBe('100');
  });
});
