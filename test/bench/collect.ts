/**
 * Collection speed and prompt size (issue: "See what an engineer would look at").
 *
 * 1. A CrashLoop pod alert against the stand-in API server with 50 ms latency per request: our
 *    collector against the seed's approach — three sequential `kubectl` calls (describe pod,
 *    logs --since=10m --tail=100, get pod -o jsonpath={.status.containerStatuses}) with the real kubectl,
 *    warm discovery cache. Median of 5 runs each, and what each collected.
 * 2. The digest of a pod whose previous log has 50,000 lines: tokens against the budget, evidence kept.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { collect, DEFAULT_COLLECT } from '../../electron/engine/collect/index.ts';
import { createKubeProvider } from '../../electron/engine/collect/kube.ts';
import { targetFromLabels } from '../../electron/engine/collect/target.ts';
import { loadScenario } from '../fixtures/scenarios/index.ts';
import { tempDir } from '../helpers/engine.ts';
import { BIG_LOG_EVIDENCE } from './big-log.ts';
import { percentile, startFakes } from './harness.ts';

const run = promisify(execFile);
const SCENARIO = 'crashloop-go-panic';
const LATENCY_MS = 50;
const RUNS = 5;

const median = (xs: number[]) => percentile(xs, 50);

async function main() {
  const s = loadScenario(SCENARIO);
  const { namespace, pod } = s.alert.labels as { namespace: string; pod: string };
  const fakes = await startFakes(SCENARIO, {
    tokenMs: 0,
    apiLatencyMs: LATENCY_MS,
    env: { BENCH_BIG_LOG: '50000' },
  });
  try {
    const kube = createKubeProvider({ kubeconfig: fakes.kubeconfig });
    const target = targetFromLabels(s.alert.labels);
    const ours: number[] = [];
    let ctx = await collect(target, kube); // warm-up (TLS-free here, but module and client setup)
    for (let i = 0; i < RUNS; i++) {
      // Past the read cache's sharing window (collect/read-cache.ts): every run reads the cluster afresh.
      await new Promise((r) => setTimeout(r, 3_100));
      const t0 = performance.now();
      ctx = await collect(target, kube);
      ours.push(performance.now() - t0);
    }

    const home = tempDir('kubectl-home-');
    const cacheDir = path.join(home, 'cache');
    const kubectl = (args: string[]) =>
      run('kubectl', ['--kubeconfig', fakes.kubeconfig, '--cache-dir', cacheDir, ...args], {
        env: { ...process.env, HOME: home },
      });
    const seed = async () => {
      const describe = await kubectl(['describe', 'pod', pod, '-n', namespace]);
      const logs = await kubectl(['logs', pod, '-n', namespace, '--since=10m', '--tail=100']).catch((e) => ({
        stdout: String(e.stderr),
      }));
      const statuses = await kubectl([
        'get',
        'pod',
        pod,
        '-n',
        namespace,
        '-o',
        'jsonpath={.status.containerStatuses}',
      ]);
      return { describe: describe.stdout, logs: logs.stdout, statuses: statuses.stdout };
    };
    let seedOut = await seed(); // warm the discovery cache, as on a laptop
    const theirs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      seedOut = await seed();
      theirs.push(performance.now() - t0);
    }
    const evidenceOurs = s.expect.evidence.filter((e) => ctx.digest?.includes(e)).length;
    const seedText = `${seedOut.describe.slice(-3000)}\n${seedOut.logs.split('\n').slice(-100).join('\n')}\n${seedOut.statuses}`;
    const evidenceSeed = s.expect.evidence.filter((e) => seedText.includes(e)).length;

    const big = await collect({ kind: 'pod', name: 'ledger-5d8f7c9b6-bigl0', namespace: 'bench' }, kube);
    const bigLog = big.logs.find((l) => l.previous)!;

    console.log(
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; stand-in API server with ${LATENCY_MS} ms per request`,
    );
    console.log(
      `collect ${SCENARIO}: ours median ${median(ours).toFixed(0)} ms vs seed (3 sequential kubectl) median ${median(theirs).toFixed(0)} ms = ${(median(ours) / median(theirs)).toFixed(2)}× (target <= 0.25×)`,
    );
    console.log(
      `  ours collected: ${ctx.pods.length} pod(s), ${ctx.events.length} events, ${ctx.logs.length} logs (previous: ${ctx.logs.filter((l) => l.previous).length}), owner chain ${ctx.workload?.chain.join(' → ') ?? '-'}, rollout diff ${ctx.workload?.rollout ? 'yes' : 'no'}, ${ctx.nodes.length} node(s), ${ctx.siblings.length} sibling(s); evidence in prompt ${evidenceOurs}/${s.expect.evidence.length}`,
    );
    console.log(
      `  seed collected: describe + last 100 current-log lines + statuses; evidence in its prompt ${evidenceSeed}/${s.expect.evidence.length}`,
    );
    console.log(
      `prompt for a pod with ${bigLog.lineCount.toLocaleString('en-US')} log lines: ${big.digestTokens} tokens (budget ${DEFAULT_COLLECT.budgetTokens}), decisive line at line 1,001 kept: ${big.digest?.includes(BIG_LOG_EVIDENCE) ? 'yes' : 'NO'}`,
    );
  } finally {
    await fakes.stop();
  }
}

await main();
