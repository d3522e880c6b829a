import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectWithRules } from '../../electron/engine/analyze.ts';
import { DEFAULT_COLLECT } from '../../electron/engine/collect/index.ts';
import { createKubeProvider } from '../../electron/engine/collect/kube.ts';
import { tokenize } from '../../electron/engine/diagnose/commands.ts';
import { alertsFromPayload } from '../../electron/engine/intake/normalize.ts';
import { WebhookPayload } from '../../shared/alert.ts';
import { type FakeKube, type KubeObject, startFakeKube } from '../fakes/kube-apiserver.ts';
import {
  loadScenario,
  loadScenarios,
  SCENARIO_CLUSTERS,
  type Scenario,
  scenarioPayload,
} from '../fixtures/scenarios/index.ts';
import { tempDir } from '../helpers/engine.ts';

/**
 * The report's steps are runnable as written: each is run with the real kubectl against the scenario's
 * stand-in cluster, the changes with --dry-run=client (a rollout undo without an earlier revision, say,
 * fails: "no rollout history found"). With several contexts, the engineer's current one points at another,
 * empty cluster, so a command that did not name the context the diagnosis read would find nothing.
 */
let elsewhere: FakeKube;
let dir: string;

beforeAll(async () => {
  elsewhere = await startFakeKube({ objects: [] });
  dir = tempDir('steps-kubectl-');
});
afterAll(async () => {
  await elsewhere.close();
});

/**
 * A kubeconfig for the scenario's cluster: with the scenario clusters' contexts and an empty one as the
 * current context when the alert names its cluster, else a single context (JSON is YAML).
 */
function kubeconfigFor(s: Scenario, server: string): string {
  const several = Boolean(s.alert.labels.cluster);
  const file = path.join(dir, `${s.name}.json`);
  const cluster = (name: string, url: string) => ({
    name,
    cluster: { server: url, 'insecure-skip-tls-verify': true },
  });
  const context = (name: string, c: string) => ({ name, context: { cluster: c, user: 'u' } });
  fs.writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [cluster('scenario', server), ...(several ? [cluster('elsewhere', elsewhere.url)] : [])],
      users: [{ name: 'u', user: {} }],
      contexts: several
        ? [...SCENARIO_CLUSTERS.map((n) => context(n, 'scenario')), context('elsewhere', 'elsewhere')]
        : [context('only', 'scenario')],
      'current-context': several ? 'elsewhere' : 'only',
    }),
    { mode: 0o600 },
  );
  return file;
}

function kubectl(kubeconfig: string, args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      'kubectl',
      args,
      { timeout: 10_000, env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig } },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

async function diagnosed(s: Scenario, kubeconfig: string) {
  const [alert] = alertsFromPayload(WebhookPayload.parse(scenarioPayload(s)));
  return collectWithRules(alert!, createKubeProvider({ kubeconfig }), DEFAULT_COLLECT, 'cluster');
}

async function withCluster<T>(s: Scenario, fn: (kube: FakeKube, kubeconfig: string) => Promise<T>) {
  const kube = await startFakeKube({ objects: s.objects as KubeObject[], logs: s.logs });
  try {
    return await fn(kube, kubeconfigFor(s, kube.url));
  } finally {
    await kube.close();
  }
}

describe("the report's commands with the real kubectl", () => {
  it.each(loadScenarios().map((s) => s.name))(
    '%s: every step runs as written (the changes as a dry run)',
    (name) =>
      withCluster(loadScenario(name), async (_kube, kubeconfig) => {
        const s = loadScenario(name);
        const { report, context } = await diagnosed(s, kubeconfig);
        const cluster = s.alert.labels.cluster;
        expect(context.kubectlContext).toBe(cluster);
        const steps = report.steps.filter((st) => st.risk === 'read-only' && st.command);
        expect(steps.length).toBeGreaterThanOrEqual(1);
        for (const step of steps) {
          const words = tokenize(step.command!)!;
          if (cluster) expect(words.slice(0, 3)).toEqual(['kubectl', '--context', cluster]);
          else expect(words).not.toContain('--context');
          const r = await kubectl(kubeconfig, words.slice(1));
          expect(r.code, `${step.command}: ${r.stderr}`).toBe(0);
          // kubectl's one line to stderr for an empty list is an answer too.
          if (r.stderr)
            expect(r.stderr, step.command).toMatch(/^No resources found( in \S+ namespace)?\.\n$/);
          else expect(r.stdout.trim(), step.command).not.toBe('');
        }
        // The changes, as kubectl would send them (client-side dry run: nothing is written).
        for (const step of report.steps.filter((st) => st.risk !== 'read-only' && st.command)) {
          const r = await kubectl(kubeconfig, [...tokenize(step.command!)!.slice(1), '--dry-run=client']);
          expect(r.code, `${step.command}: ${r.stderr}`).toBe(0);
          expect(r.stdout, step.command).toMatch(/dry run|Pod Template|patched/);
        }
        // No metrics-server here: no `kubectl top` step, which could only say "Metrics API not available".
        expect(context.metricsApi).toBe(false);
        expect(steps.filter((st) => st.command!.includes(' top '))).toEqual([]);
        // The same command without its context reads the engineer's current cluster: nothing there.
        const describe = cluster && steps.find((st) => st.command!.includes(' describe pod '));
        if (describe) {
          const r = await kubectl(kubeconfig, tokenize(describe.command!)!.slice(3));
          expect(r.code).not.toBe(0);
          expect(r.stderr).toMatch(/NotFound|not found/);
        }
      }),
  );

  it('offers kubectl top where metrics-server answers, and it runs', () => {
    const s = loadScenario('oom-jvm-heap');
    const pod = s.alert.labels.pod!;
    const namespace = s.alert.labels.namespace!;
    return withCluster(s, async (kube, kubeconfig) => {
      kube.upsert({
        apiVersion: 'metrics.k8s.io/v1beta1',
        kind: 'PodMetrics',
        metadata: { name: pod, namespace },
        timestamp: new Date().toISOString(),
        window: '15s',
        containers: [{ name: 'app', usage: { cpu: '250m', memory: '900Mi' } }],
      } as KubeObject);
      const { report, context } = await diagnosed(s, kubeconfig);
      expect(context.metricsApi).toBe(true);
      const top = report.steps.find((st) => st.command?.includes(' top pod '));
      expect(top?.command).toBe(`kubectl --context prod-eu-1 top pod ${pod} -n ${namespace} --containers`);
      const r = await kubectl(kubeconfig, tokenize(top!.command!)!.slice(1));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/app\s+250m\s+900Mi/);
    });
  });
});
