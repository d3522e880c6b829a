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
import { loadScenario, SCENARIO_CLUSTERS, scenarioPayload } from '../fixtures/scenarios/index.ts';
import { scenarioCluster } from '../helpers/cluster.ts';
import { tempDir } from '../helpers/engine.ts';

/**
 * The report's read-only steps are runnable as written: each is run with the real kubectl against the
 * stand-in cluster. The engineer's current context points at another, empty cluster, so a command that
 * did not name the context the diagnosis read would find nothing there.
 */
const NAMES = [
  'crashloop-missing-env',
  'oom-jvm-heap',
  'imagepull-tag-typo',
  'configerror-missing-secret',
  'unschedulable-insufficient-memory',
];
const scenarios = NAMES.map(loadScenario);

let kube: FakeKube;
let elsewhere: FakeKube;
let kubeconfig: string;
let dir: string;

beforeAll(async () => {
  let single: string;
  ({ kube, kubeconfig: single } = await scenarioCluster(scenarios));
  elsewhere = await startFakeKube({ objects: [] });
  dir = tempDir('steps-kubectl-');
  // The scenario clusters' contexts, plus the empty one as the current context (JSON is YAML).
  const yaml = fs.readFileSync(single, 'utf8');
  const server = /server: (\S+)/.exec(yaml)![1]!;
  const contexts = ['test', ...SCENARIO_CLUSTERS];
  kubeconfig = path.join(dir, 'kubeconfig.json');
  fs.writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'scenarios', cluster: { server, 'insecure-skip-tls-verify': true } },
        { name: 'elsewhere', cluster: { server: elsewhere.url, 'insecure-skip-tls-verify': true } },
      ],
      users: [{ name: 'u', user: {} }],
      contexts: [
        ...contexts.map((name) => ({ name, context: { cluster: 'scenarios', user: 'u' } })),
        { name: 'elsewhere', context: { cluster: 'elsewhere', user: 'u' } },
      ],
      'current-context': 'elsewhere',
    }),
    { mode: 0o600 },
  );
});
afterAll(async () => {
  await kube.close();
  await elsewhere.close();
});

function kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      args,
      { timeout: 10_000, env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig } },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe("the report's commands with the real kubectl", () => {
  it.each(NAMES)('%s: every read-only step runs against the cluster the diagnosis read', async (name) => {
    const s = loadScenario(name);
    const [alert] = alertsFromPayload(WebhookPayload.parse(scenarioPayload(s)));
    const provider = createKubeProvider({ kubeconfig });
    const { report, context } = await collectWithRules(alert!, provider, DEFAULT_COLLECT, 'cluster');
    expect(context.kubectlContext).toBe(s.alert.labels.cluster);
    const steps = report.steps.filter((st) => st.risk === 'read-only' && st.command);
    expect(steps.length).toBeGreaterThanOrEqual(2);
    for (const step of steps) {
      const words = tokenize(step.command!)!;
      expect(words.slice(0, 3)).toEqual(['kubectl', '--context', s.alert.labels.cluster]);
      const r = await kubectl(words.slice(1));
      expect(r.code, `${step.command}: ${r.stderr}`).toBe(0);
      // kubectl's one line to stderr for an empty list is an answer too.
      if (r.stderr) expect(r.stderr, step.command).toMatch(/^No resources found in \S+ namespace\.\n$/);
      else expect(r.stdout.trim(), step.command).not.toBe('');
    }
    // The same command without its context reads the engineer's current cluster: nothing there.
    // No metrics-server here: no `kubectl top` step, which could only answer "Metrics API not available".
    expect(context.metricsApi).toBe(false);
    expect(steps.filter((st) => st.command!.includes(' top '))).toEqual([]);
    const describe = steps.find((st) => st.command!.includes(' describe pod '))!;
    const unpinned = tokenize(describe.command!)!.slice(3);
    const r = await kubectl(unpinned);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/NotFound|not found/);
  });

  it('offers kubectl top where metrics-server answers, and it runs', async () => {
    const s = loadScenario('oom-jvm-heap');
    const pod = s.alert.labels.pod!;
    kube.upsert({
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'PodMetrics',
      metadata: { name: pod, namespace: s.alert.labels.namespace! },
      timestamp: new Date().toISOString(),
      window: '15s',
      containers: [{ name: 'app', usage: { cpu: '250m', memory: '900Mi' } }],
    } as KubeObject);
    try {
      const [alert] = alertsFromPayload(WebhookPayload.parse(scenarioPayload(s)));
      const { report, context } = await collectWithRules(
        alert!,
        createKubeProvider({ kubeconfig }),
        DEFAULT_COLLECT,
        'cluster',
      );
      expect(context.metricsApi).toBe(true);
      const top = report.steps.find((st) => st.command?.includes(' top pod '));
      expect(top?.command).toBe(`kubectl --context prod-eu-1 top pod ${pod} -n shop --containers`);
      const r = await kubectl(tokenize(top!.command!)!.slice(1));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/app\s+250m\s+900Mi/);
    } finally {
      kube.remove('PodMetrics', s.alert.labels.namespace!, pod);
    }
  });
});
