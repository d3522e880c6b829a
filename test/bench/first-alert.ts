/**
 * The first alert after the app starts: from the webhook's 200 to its rules report, against the stand-in
 * cluster (no LLM), when it arrives after the analysis worker has been idle for 12 s (past its warm-up,
 * `warmUpMs`), and for a second alert right after it. Median of three fresh `oncall-scout serve` runs.
 */
import { loadScenario, scenarioPayload } from '../fixtures/scenarios/index.ts';
import { spawnServe } from '../helpers/cli-process.ts';
import { scenarioCluster } from '../helpers/cluster.ts';
import { TEST_TOKEN, tempDir } from '../helpers/engine.ts';
import { AUTH, machine, percentile, sleep } from './harness.ts';

const RUNS = 3;
const IDLE_MS = 12_000;

const first = loadScenario('crashloop-missing-env');
const second = loadScenario('oom-jvm-heap');
const { kube, kubeconfig } = await scenarioCluster([first, second]);

/** Posts the scenario's alert and waits for its incident's rules report; returns the milliseconds. */
async function timeToReport(url: string, s: typeof first): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${url}/webhook/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...AUTH },
    body: JSON.stringify(scenarioPayload(s, { startsAt: new Date().toISOString() })),
  });
  if (!res.ok) throw new Error(`webhook answered ${res.status}`);
  for (let i = 0; i < 3_000; i++) {
    const { items } = (await (await fetch(`${url}/api/incidents`, { headers: AUTH })).json()) as {
      items: Array<{ target: string; state: string }>;
    };
    if (items.some((x) => x.target === `pod/${s.alert.labels.pod}` && x.state === 'ready'))
      return performance.now() - t0;
    await sleep(10);
  }
  throw new Error(`no report for ${s.name} within 30 s`);
}

const firsts: number[] = [];
const seconds: number[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const app = await spawnServe([
      '--data-dir',
      tempDir(),
      '--kubeconfig',
      kubeconfig,
      '--no-llm',
      '--token',
      TEST_TOKEN,
    ]);
    try {
      await sleep(IDLE_MS);
      firsts.push(await timeToReport(app.url, first));
      seconds.push(await timeToReport(app.url, second));
    } finally {
      await app.stop();
    }
  }
} finally {
  await kube.close();
}
console.log(`machine: ${machine()}`);
console.log(
  `first alert after ${IDLE_MS / 1000} s idle: rules report ${percentile(firsts, 50).toFixed(0)} ms after the post (median of ${RUNS}); the next alert: ${percentile(seconds, 50).toFixed(0)} ms`,
);
