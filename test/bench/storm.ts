/**
 * An incident storm, run with `npm run bench:storm`: 10,000 alerts in 100 payloads over 60 s, first
 * posted straight to the webhook, then through the real Alertmanager (grouped by alertname and
 * namespace, so it re-sends whole groups as they grow). It prints, for each:
 *  - webhook latency (p50/p99/max) over the whole storm, and whether every alert was stored;
 *  - the engine's peak RSS (VmHWM: main thread, pipeline worker and SQLite together);
 *  - how many desktop notifications the tray's own coalescing would show (fed from the live events);
 *  - how smooth the open incident list stays (frame times in headless Chromium) and how soon a new
 *    incident shows in it;
 * and for the direct storm, the time until every incident is diagnosed and how many LLM calls that
 * took against the number of distinct (alertname, workload, finding) groups.
 *
 * The stand-ins (API server, Ollama) and Alertmanager run at a lower CPU priority: on a real laptop
 * they are other machines. Chromium, this load generator and the engine compete for the 2 cores as is.
 * The webhook is posted to (or, behind Alertmanager, relayed and timed) by sender-process.ts, which does
 * nothing else: this process's event loop is busy with the browser and the event stream.
 *
 * STORM_PIN=1 (Linux, an experiment: pin-cores.ts) gives the engine's main thread and the sender a core
 * of their own and everything else the others, to see the webhook's latency without the wait for a core.
 *
 * The cluster (storm-cluster.ts): one bad rollout crash-looping every replica of a service in 100
 * namespaces, 100 pods each. Scale with STORM_NAMESPACES and STORM_PODS.
 */
import type { Page } from 'playwright-core';
import { NotifyTracker, notifyCoalescer } from '../../electron/main/decisions/notify-policy.ts';
import type { IncidentSummary } from '../../shared/incident.ts';
import { loadScenario } from '../fixtures/scenarios/index.ts';
import { startAlertmanager } from '../helpers/alertmanager.ts';
import { launchChromium } from '../helpers/browser.ts';
import { ensureRendererBuilt } from '../helpers/build-renderer.ts';
import type { CliProcess } from '../helpers/cli-process.ts';
import { TEST_TOKEN, tempDir } from '../helpers/engine.ts';
import { watchListFor } from '../helpers/list-watch.ts';
import { amAlert, amPayload } from '../helpers/payload.ts';
import {
  AUTH,
  asRemote,
  engineStatus,
  formatShares,
  machine,
  percentile,
  postWebhook,
  processMemory,
  type Shares,
  schedStat,
  serveAgainst,
  sleep,
  startFakes,
  startSender,
} from './harness.ts';
import { type CorePin, pinCores } from './pin-cores.ts';
import { STORM_SCENARIO, stormNamespace, stormPod } from './storm-cluster.ts';

const NAMESPACES = Number(process.env.STORM_NAMESPACES ?? 100);
const PODS = Number(process.env.STORM_PODS ?? 100);
const ALERTS = NAMESPACES * PODS;
const PAYLOADS = 100;
const STORM_MS = Number(process.env.STORM_SECONDS ?? 60) * 1000;
const DRAIN_LIMIT_MS = Number(process.env.STORM_DRAIN_MINUTES ?? 20) * 60_000;
const PHASES = (process.env.STORM_PHASES ?? 'direct,alertmanager').split(',');
const s = loadScenario(STORM_SCENARIO);
const PIN = process.env.STORM_PIN === '1';

const pct = percentile;
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** The i-th alert of the storm: every pod of every namespace, crash-looping. */
function stormLabels(i: number): Record<string, string> {
  return {
    ...s.alert.labels,
    namespace: stormNamespace(i % NAMESPACES),
    pod: stormPod(Math.floor(i / NAMESPACES)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// What runs alongside a storm.

/** Feeds the live event stream to the tray's notification decisions; counts what would be shown. */
function watchNotifications(url: string): { shown(): number; close(): void } {
  const tracker = new NotifyTracker();
  const coalescer = notifyCoalescer();
  let shown = 0;
  const ctrl = new AbortController();
  const tick = setInterval(() => {
    if (coalescer.due(Date.now())) shown++;
  }, 250);
  void (async () => {
    const res = await fetch(`${url}/api/events`, { headers: AUTH, signal: ctrl.signal });
    const decoder = new TextDecoder();
    let buf = '';
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      for (let cut = buf.indexOf('\n\n'); cut >= 0; cut = buf.indexOf('\n\n')) {
        const frame = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        if (!frame.startsWith('event: incident\n')) continue;
        const item = tracker.observe(JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as IncidentSummary);
        if (item && coalescer.push(item, Date.now())) shown++;
      }
    }
  })().catch(() => {});
  return {
    shown: () => shown,
    close() {
      clearInterval(tick);
      ctrl.abort();
    },
  };
}

/** The incident list open in Chromium: records every frame's duration until stopped. */
async function openList(page: Page, url: string): Promise<{ stop(): Promise<number[]> }> {
  await page.goto(`${url}/?token=${TEST_TOKEN}`);
  await page.locator('[data-connection="live"]').waitFor();
  // As text: tsx would wrap a named function in a helper the page does not have.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__run = true;
    let last = performance.now();
    const loop = (now) => {
      window.__frames.push(now - last);
      last = now;
      if (window.__run) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  })()`);
  return {
    stop: () =>
      page.evaluate(() => {
        const w = window as unknown as { __frames: number[]; __run: boolean };
        w.__run = false;
        return w.__frames;
      }),
  };
}

/** Posts one alert for a pod that is not part of the storm and times until the open list shows it. */
async function probeList(page: Page, url: string, n: number): Promise<number> {
  const pod = `probe-${n}-${Date.now().toString(36)}`;
  const seen = await watchListFor(page, pod);
  const sent = Date.now();
  await postWebhook(
    url,
    JSON.stringify(
      amPayload([{ labels: { alertname: 'StormProbe', namespace: 'probe', pod, severity: 'critical' } }]),
    ),
  );
  return (await seen()) - sent;
}

// ---------------------------------------------------------------------------------------------------------

interface StormResult {
  latencies: number[];
  /** The engine's own share of each answer and its parts (Server-Timing). */
  server: Shares;
  failed: number;
  stored: number;
  peakMb: number;
  notifications: number;
  frames: number[];
  probes: number[];
  /** The engine's main thread over the storm: time on a core, and time runnable but waiting for one. */
  mainThread?: { runMs: number; waitMs: number };
}

/**
 * Runs one 60-second storm: `send(i)` delivers payload i; everything else is watched meanwhile. `timed()`
 * gives the webhook's latencies as the sender process measured them.
 */
async function storm(
  app: CliProcess,
  page: Page,
  send: (i: number) => Promise<void> | void,
  timed: () => Promise<{ times: number[]; server: Shares; failed: number }>,
): Promise<StormResult> {
  const notes = watchNotifications(app.url);
  const list = await openList(page, app.url);
  const sched0 = schedStat(app.proc.pid!);
  const probes: number[] = [];
  const probing: Promise<number>[] = [];
  const t0 = Date.now();
  const sends: (Promise<void> | void)[] = [];
  let probe = 0;
  for (let i = 0; i < PAYLOADS; i++) {
    await sleep(Math.max(0, t0 + (i * STORM_MS) / PAYLOADS - Date.now()));
    sends.push(send(i));
    if (i % 10 === 5)
      probing.push(
        probeList(page, app.url, probe++).catch((err) => {
          console.error(`  probe failed: ${(err as Error).message}`);
          return Number.NaN;
        }),
      );
  }
  await Promise.all(sends);
  const sched1 = schedStat(app.proc.pid!);
  probes.push(...(await Promise.all(probing)));
  const frames = await list.stop();
  let stored = 0;
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    stored = (await engineStatus(app.url)).incidents.firing - probe;
    if (stored >= ALERTS) break;
    await sleep(500);
  }
  notes.close();
  const t = await timed();
  return {
    latencies: t.times,
    server: t.server,
    failed: t.failed,
    stored,
    peakMb: processMemory(app.proc.pid!).peakMb,
    notifications: notes.shown(),
    frames,
    probes,
    mainThread:
      sched0 && sched1
        ? { runMs: sched1.runMs - sched0.runMs, waitMs: sched1.waitMs - sched0.waitMs }
        : undefined,
  };
}

/** Probes seen in the list (p50, max), and those never seen: pushed below the visible rows by newer ones. */
function listProbes(all: number[]): string {
  const seen = all.filter((x) => !Number.isNaN(x));
  const missed = all.length - seen.length;
  const head = seen.length ? `p50 ${ms(pct(seen, 50))}, max ${ms(Math.max(...seen))}` : 'none seen';
  return `${head} (${all.length} probes${missed ? `; ${missed} scrolled out of view by newer incidents before a frame showed them` : ''})`;
}

function report(name: string, r: StormResult): void {
  const l = r.latencies;
  console.log(`\n${name}`);
  console.log(`  alerts stored:            ${r.stored.toLocaleString()} of ${ALERTS.toLocaleString()}`);
  console.log(
    `  webhook latency:          p50 ${ms(pct(l, 50))}, p99 ${ms(pct(l, 99))}, max ${ms(Math.max(...l))} over ${l.length} requests (target p99 ≤ 20 ms)${r.failed ? `; ${r.failed} FAILED` : ''}`,
  );
  console.log(
    `  the engine's share:       p50 ${ms(pct(r.server.intake!, 50))}, p99 ${ms(pct(r.server.intake!, 99))}, max ${ms(Math.max(...r.server.intake!))} (Server-Timing)`,
  );
  console.log(`    its parts p50/p99/max:  ${formatShares(r.server)} ms`);
  if (r.mainThread)
    console.log(
      `  engine main thread:       ${(r.mainThread.runMs / 1000).toFixed(2)} s on a core, ${(r.mainThread.waitMs / 1000).toFixed(2)} s runnable but waiting for one (over the storm; Linux schedstat)`,
    );
  console.log(`  engine peak RSS:          ${r.peakMb.toFixed(0)} MB (target ≤ 250 MB)`);
  console.log(
    `  desktop notifications:    ${r.notifications} for ${r.stored.toLocaleString()} incidents (one per 5 s at most)`,
  );
  console.log(
    `  list frame time:          p50 ${ms(pct(r.frames, 50))}, p99 ${ms(pct(r.frames, 99))}, max ${ms(Math.max(...r.frames))} (${r.frames.length} frames)`,
  );
  console.log(`  new incident → list:      ${listProbes(r.probes)}`);
}

async function main(): Promise<void> {
  ensureRendererBuilt();
  const fakes = await startFakes(STORM_SCENARIO, {
    remote: true,
    tokenMs: 2,
    env: { BENCH_STORM: `${NAMESPACES}x${PODS}` },
  });
  const chromium = await launchChromium();
  const serve = (dataDir: string) => serveAgainst(fakes, dataDir);
  console.log(`Oncall Scout storm — ${machine()}`);
  console.log(
    `${ALERTS.toLocaleString()} alerts (${NAMESPACES} namespaces × ${PODS} crash-looping pods) in ${PAYLOADS} payloads over ${STORM_MS / 1000} s`,
  );
  let pin: CorePin | undefined;
  if (PIN) {
    const p = pinCores();
    if (typeof p === 'string') console.log(`STORM_PIN: ${p}; going on without it`);
    else {
      pin = p;
      console.log(
        `STORM_PIN=1, an experiment: the engine's main thread and the sender on CPU 0, every other thread of this run on CPU ${p.rest}`,
      );
    }
  }
  /** With STORM_PIN=1, the engine's main thread and the sender (or relay) get the first core. */
  const pinFirst = async (app: CliProcess, sender: { pid: number }) => {
    await pin?.first(app.proc.pid!);
    await pin?.first(sender.pid, true);
  };
  try {
    // 1. Straight to the webhook.
    if (PHASES.includes('direct')) {
      const app = await serve(tempDir('storm-direct-'));
      const page = await chromium.context.newPage();
      const asked = await fakes.ollamaRequests();
      const per = ALERTS / PAYLOADS;
      const bodies = Array.from({ length: PAYLOADS }, (_, p) =>
        JSON.stringify(
          amPayload(Array.from({ length: per }, (_, k) => ({ labels: stormLabels(p * per + k) }))),
        ),
      );
      const sender = startSender();
      await pinFirst(app, sender);
      await sender.load(bodies);
      const t0 = Date.now();
      const r = await storm(
        app,
        page,
        (i) => sender.post(app.url, i),
        () => sender.stats(),
      );
      sender.stop();
      report('direct to the webhook', r);
      // Until every incident has its diagnosis.
      let rss = 0;
      const until = t0 + DRAIN_LIMIT_MS;
      let q = (await engineStatus(app.url)).queue;
      while (q.waiting + q.collecting + q.diagnosing > 0 && Date.now() < until) {
        await sleep(1_000);
        q = (await engineStatus(app.url)).queue;
        rss = Math.max(rss, processMemory(app.proc.pid!).rssMb);
      }
      const drained = q.waiting + q.collecting + q.diagnosing === 0;
      const calls = (await fakes.ollamaRequests()) - asked;
      console.log(
        `  all diagnosed:            ${drained ? `${((Date.now() - t0) / 1000).toFixed(0)} s after the first alert` : `NOT within ${DRAIN_LIMIT_MS / 60_000} min (${q.waiting} waiting, ${q.diagnosing} for the LLM)`}`,
      );
      console.log(
        `  LLM calls:                ${calls} for ${NAMESPACES + r.probes.length} distinct (alertname, workload, finding) groups (${NAMESPACES} storm workloads + ${r.probes.length} probes)`,
      );
      console.log(`  engine peak RSS, drained: ${processMemory(app.proc.pid!).peakMb.toFixed(0)} MB`);
      await page.close();
      await app.stop();
    }
    // 2. Through the real Alertmanager, which groups and re-sends.
    if (PHASES.includes('alertmanager')) {
      const app = await serve(tempDir('storm-am-'));
      const page = await chromium.context.newPage();
      const sender = startSender();
      await pinFirst(app, sender);
      const relay = await sender.proxy(app.url);
      // For tracing the two hops from outside (e.g. tcpdump on loopback): Alertmanager → relay → engine.
      console.log(`\nthrough Alertmanager: engine ${app.url}, relay ${relay}`);
      const am = await startAlertmanager(`${relay}/webhook/alertmanager`, TEST_TOKEN, {
        groupBy: ['alertname', 'namespace'],
        groupInterval: '5s',
      });
      // Not the lowest priority: Alertmanager must keep delivering while the engine's analysis (nice 10)
      // keeps both cores busy, or the storm measures a starved Alertmanager instead of the engine.
      asRemote(am.proc.pid!, 10);
      const per = ALERTS / PAYLOADS;
      const now = new Date().toISOString();
      try {
        const r = await storm(
          app,
          page,
          (i) =>
            am.postAlerts(
              Array.from({ length: per }, (_, k) => {
                const a = amAlert({ labels: stormLabels(i * per + k) });
                return {
                  labels: a.labels,
                  annotations: a.annotations,
                  startsAt: now,
                  generatorURL: a.generatorURL,
                };
              }),
            ),
          () => sender.stats(),
        );
        report('through Alertmanager (group_by alertname, namespace; group_interval 5 s)', r);
      } finally {
        await am.close();
        sender.stop();
        await page.close();
        await app.stop();
      }
    }
  } finally {
    await pin?.stop();
    await chromium.close();
    await fakes.stop();
  }
}

await main();
