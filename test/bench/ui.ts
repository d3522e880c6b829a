/**
 * The UI's two figures, in headless Chromium against `oncall-scout serve` (run: npm run bench:ui):
 *  - first paint of the incident list with 10,000 incidents in history (target ≤ 1 s);
 *  - time from the webhook's 200 to the incident showing in an open list (target ≤ 300 ms);
 * how smoothly the virtualized list scrolls through all 10,000 rows; and the grouped view: how long the
 * engine takes to group them, and its first paint.
 */
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../electron/engine/store/db.ts';
import { createIngest } from '../../electron/engine/store/ingest.ts';
import type { Alert } from '../../shared/alert.ts';
import { launchChromium } from '../helpers/browser.ts';
import { ensureRendererBuilt } from '../helpers/build-renderer.ts';
import { spawnServe } from '../helpers/cli-process.ts';
import { TEST_TOKEN, tempDir } from '../helpers/engine.ts';
import { watchListFor } from '../helpers/list-watch.ts';
import { amPayload } from '../helpers/payload.ts';
import { percentile } from './harness.ts';

const HISTORY = 10_000;
const PAINTS = 7;
const LIVE = 30;

const ms = (x: number) => `${x.toFixed(0)} ms`;

/** A pod's random suffix as Kubernetes makes them (its alphabet has no vowels), so groups form. */
function podSuffix(i: number): string {
  const abc = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let n = i, k = 0; k < 5; k++, n = Math.floor(n / abc.length)) out += abc[n % abc.length];
  return out;
}

/** Ten thousand finished incidents, written straight into the store before the engine starts. */
function seedHistory(dataDir: string): void {
  const db = openDatabase(path.join(dataDir, 'oncall-scout.db'));
  const ingest = createIngest(db, { source: 'webhook', clusterLabel: 'cluster' });
  const base = Date.now() - HISTORY * 60_000;
  const batch: Alert[] = [];
  for (let i = 0; i < HISTORY; i++) {
    batch.push({
      fingerprint: `hist-${i}`,
      status: 'firing',
      labels: {
        alertname: ['KubePodCrashLooping', 'KubePodNotReady', 'KubeContainerWaiting'][i % 3]!,
        namespace: `team-${i % 40}`,
        cluster: `prod-${i % 3}`,
        pod: `svc-${i % 400}-7d9f8b6c5-${podSuffix(i)}`,
        severity: i % 7 ? 'warning' : 'critical',
      },
      annotations: { summary: `history incident ${i}` },
      startsAt: new Date(base + i * 60_000).toISOString(),
      endsAt: null,
      generatorURL: '',
      externalURL: '',
      receiver: 'bench',
      groupKey: 'g',
    });
    if (batch.length === 500) ingest(batch.splice(0));
  }
  db.prepare(
    `UPDATE incidents SET state = 'ready', category = 'CrashLoop', confidence = 87, source = 'rules',
       summary = 'Container app keeps crashing: exit code 1 after a missing environment variable',
       acked_at = received_at, resolved_at = received_at`,
  ).run();
  db.close();
}

/** Navigation start → the frame that paints the first `row`, for PAINTS page loads of `url`. */
async function firstPaints(url: string, row: string): Promise<number[]> {
  const paints: number[] = [];
  for (let i = 0; i < PAINTS; i++) {
    const page = await chromium.context.newPage();
    await page.addInitScript((selector) => {
      const w = window as unknown as { __firstRow?: number };
      new MutationObserver((_, obs) => {
        if (document.querySelector(selector)) {
          w.__firstRow = performance.now();
          obs.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    }, row);
    await page.goto(url);
    await page.locator(row).first().waitFor();
    // After the rows are in the DOM, wait for the frame that paints them.
    const painted = await page.evaluate(
      () =>
        new Promise<number>((resolve) =>
          requestAnimationFrame(() => {
            const at = (window as unknown as { __firstRow: number }).__firstRow;
            resolve(at);
          }),
        ),
    );
    paints.push(painted);
    await page.close();
  }
  return paints;
}

const dataDir = tempDir('bench-ui-');
console.log(`seeding ${HISTORY.toLocaleString()} incidents…`);
seedHistory(dataDir);
ensureRendererBuilt();
const serve = await spawnServe([
  '--data-dir',
  dataDir,
  '--token',
  TEST_TOKEN,
  '--no-llm',
  '--kubeconfig',
  path.join(dataDir, 'no-kubeconfig'),
]);
const chromium = await launchChromium();
const uiUrl = `${serve.url}/?token=${TEST_TOKEN}`;

try {
  // Warm-up: the first start of a browser process pays for caches the user's open app would have.
  const warm = await chromium.context.newPage();
  await warm.goto(uiUrl);
  await warm.locator('[data-incident]').first().waitFor();
  await warm.close();

  // 1. First paint of the list, from navigation start to the first row on screen.
  const paints = await firstPaints(uiUrl, '[data-incident]');

  // 2. Webhook 200 → incident visible in an open list.
  const page = await chromium.context.newPage();
  await page.goto(uiUrl);
  await page.locator('[data-incident]').first().waitFor();
  await page.locator('[data-connection="live"]').waitFor();
  const live: number[] = [];
  for (let i = 0; i < LIVE; i++) {
    const pod = `live-${i}-${Date.now().toString(36)}`;
    const seen = await watchListFor(page, pod);
    const res = await fetch(`${serve.url}/webhook/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
      body: JSON.stringify(
        amPayload([{ labels: { alertname: 'BenchLive', namespace: 'bench', pod, severity: 'warning' } }]),
      ),
    });
    const ok = Date.now();
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    // The UI can show the incident before the sender has read the 200 (the event leaves first): 0 then.
    live.push(Math.max(0, (await seen()) - ok));
    await new Promise((r) => setTimeout(r, 150));
  }

  // 3. Scroll through all of history: page in every row, then time frames while scrolling.
  const scroll = await page.evaluate(async (total) => {
    const list = document.querySelector('.vlist') as HTMLElement;
    const until = Date.now() + 60_000;
    while (document.querySelectorAll('[data-incident]').length && Date.now() < until) {
      list.scrollTop = list.scrollHeight;
      await new Promise((r) => setTimeout(r, 50));
      if (list.scrollHeight / 68 >= total) break;
    }
    const rows = Math.round(list.scrollHeight / 68);
    // Frame times with the list standing still (what this headless, GPU-less Chromium needs for any
    // frame), then while scrolling at a fast wheel's pace (600 px per frame).
    list.scrollTop = 0;
    // (No helper function here: the page gets this code as text, without tsx's helpers.)
    const timed: number[][] = [];
    for (const [step, count] of [
      [0, 120],
      [600, 240],
    ] as const) {
      const out: number[] = [];
      let last = performance.now();
      for (let f = 0; f < count; f++) {
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        out.push(now - last);
        last = now;
        list.scrollTop += step;
      }
      timed.push(out);
    }
    const [idle, frames] = timed as [number[], number[]];
    return { rows, domRows: document.querySelectorAll('.vrow').length, frames, idle };
  }, HISTORY + LIVE);

  // 4. The grouped view: the engine groups all of history (on its analysis worker), then the first paint.
  const grouping: number[] = [];
  let groupCount = 0;
  for (let i = 0; i < PAINTS; i++) {
    const t0 = performance.now();
    const res = await fetch(`${serve.url}/api/groups`, {
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
    });
    groupCount = ((await res.json()) as { total: number }).total;
    grouping.push(performance.now() - t0);
  }
  const groupPaints = await firstPaints(`${serve.url}/?token=${TEST_TOKEN}#/?view=groups`, '[data-group]');

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\nOncall Scout UI — ${os.cpus().length} × ${cpu}, Node ${process.version}, headless Chromium`);
  console.log(`history: ${HISTORY.toLocaleString()} incidents\n`);
  console.log(
    '| measure                                              | p50      | p95      | max      | target   |',
  );
  console.log(
    '| ---------------------------------------------------- | -------- | -------- | -------- | -------- |',
  );
  console.log(
    `| first paint of the list (${PAINTS} page loads)                | ${ms(percentile(paints, 50)).padEnd(8)} | ${ms(percentile(paints, 95)).padEnd(8)} | ${ms(Math.max(...paints)).padEnd(8)} | ≤ 1000 ms |`,
  );
  console.log(
    `| webhook 200 → incident in the open list (${LIVE} alerts)   | ${ms(percentile(live, 50)).padEnd(8)} | ${ms(percentile(live, 95)).padEnd(8)} | ${ms(Math.max(...live)).padEnd(8)} | ≤ 300 ms |`,
  );
  console.log(
    `| frame time scrolling 600 px/frame through ${scroll.rows.toLocaleString()} rows | ${ms(percentile(scroll.frames, 50)).padEnd(8)} | ${ms(percentile(scroll.frames, 95)).padEnd(8)} | ${ms(Math.max(...scroll.frames)).padEnd(8)} |          |`,
  );
  console.log(
    `| frame time, list standing still (reference)          | ${ms(percentile(scroll.idle, 50)).padEnd(8)} | ${ms(percentile(scroll.idle, 95)).padEnd(8)} | ${ms(Math.max(...scroll.idle)).padEnd(8)} |          |`,
  );
  console.log(
    `| GET /api/groups: ${(HISTORY + LIVE).toLocaleString()} incidents into ${groupCount.toLocaleString()} groups (${PAINTS} reads) | ${ms(percentile(grouping, 50)).padEnd(8)} | ${ms(percentile(grouping, 95)).padEnd(8)} | ${ms(Math.max(...grouping)).padEnd(8)} |          |`,
  );
  console.log(
    `| first paint of the grouped view (${PAINTS} page loads)        | ${ms(percentile(groupPaints, 50)).padEnd(8)} | ${ms(percentile(groupPaints, 95)).padEnd(8)} | ${ms(Math.max(...groupPaints)).padEnd(8)} | ≤ 1000 ms |`,
  );
  console.log(`\nrows in the DOM while scrolling ${scroll.rows.toLocaleString()}: ${scroll.domRows}`);
} finally {
  await chromium.close();
  await serve.stop();
}
