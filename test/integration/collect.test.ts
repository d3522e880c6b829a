import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, DEFAULT_COLLECT } from '../../electron/engine/collect/index.ts';
import { createKubeProvider, type KubeProvider } from '../../electron/engine/collect/kube.ts';
import { targetFromLabels } from '../../electron/engine/collect/target.ts';
import type { Context } from '../../shared/context.ts';
import type { FakeKube, KubeObject } from '../fakes/kube-apiserver.ts';
import { loadScenarios, type Scenario } from '../fixtures/scenarios/index.ts';
import { scenarioCluster } from '../helpers/cluster.ts';
import { tempDir } from '../helpers/engine.ts';

const scenarios = loadScenarios();
let kube: FakeKube;
let provider: KubeProvider;
const contexts = new Map<string, Context>();

beforeAll(async () => {
  const cluster = await scenarioCluster(scenarios);
  kube = cluster.kube;
  provider = createKubeProvider({ kubeconfig: cluster.kubeconfig });
  for (const s of scenarios)
    contexts.set(s.name, await collect(targetFromLabels(s.alert.labels), provider, DEFAULT_COLLECT));
}, 120_000);
afterAll(async () => {
  await kube.close();
});

const ctxOf = (s: Scenario) => contexts.get(s.name)!;

describe('collection against the stand-in cluster, every scenario', () => {
  it.each(scenarios.map((s) => [s.name, s] as const))(
    '%s: every evidence line reaches the budgeted digest',
    (_n, s) => {
      const ctx = ctxOf(s);
      expect(ctx.gaps, JSON.stringify(ctx.gaps)).toEqual([]);
      expect(ctx.digestTokens).toBeLessThanOrEqual(DEFAULT_COLLECT.budgetTokens);
      for (const e of s.expect.evidence) expect(ctx.digest, `evidence "${e}"`).toContain(e);
    },
  );
});

const byName = (n: string) => scenarios.find((s) => s.name === n)!;
const PLANTED = [
  'S3cr3tP4ss',
  'eyJhbGciOiJSUzI1NiIs',
  'AKIAZ4Q7EXAMPLE3XR2M',
  '3f2a9c1e7b4d4e0fa1c2b3d4e5f60718',
];

describe('what the collector finds', () => {
  it('keeps no planted secret anywhere in any stored context', () => {
    const all = JSON.stringify([...contexts.values()]);
    for (const secret of PLANTED) expect(all).not.toContain(secret);
    expect(all).toContain('[REDACTED]');
  });

  it('a workload alert looks closest at the worst pod and says what the last rollout changed', () => {
    const ctx = ctxOf(byName('oom-rollout-cache-size'));
    expect(ctx.pods[0]!.containers[0]!.lastState?.reason).toBe('OOMKilled');
    expect(ctx.workload).toMatchObject({ kind: 'Deployment', name: 'catalog-api' });
    expect(ctx.workload!.rollout!.changes.join('\n')).toMatch(/--cache-size=256Mi .*→ .*--cache-size=768Mi/);
    expect(ctx.digest).toContain('## Last rollout (what changed)');
  });

  it('a pod alert gets its owner chain, node and healthy siblings', () => {
    const ctx = ctxOf(byName('oom-jvm-heap'));
    expect(ctx.workload?.chain).toEqual([expect.stringMatching(/^ReplicaSet\//), 'Deployment/checkout']);
    expect(ctx.nodes[0]?.name).toBe(ctx.pods[0]!.nodeName);
    expect(ctx.siblings.length).toBeGreaterThan(0);
    // Previous logs of the restarted container are read, folded, with original line numbers.
    const prev = ctx.logs.find((l) => l.previous)!;
    expect(prev.lineCount).toBeGreaterThan(3_000);
    expect(prev.lineNumbers!.length).toBe(prev.text.split('\n').length);
  });

  it('a node alert reads the node, its conditions and the failing pods on it', () => {
    const ctx = ctxOf(byName('node-not-ready-kubelet-stopped'));
    const node = ctx.nodes[0]!;
    expect(node.conditions.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'Unknown',
      message: 'Kubelet stopped posting node status.',
    });
    expect(node.failingPods.length).toBeGreaterThan(0);
    expect(node.taints.join(' ')).toMatch(/node\.kubernetes\.io\/unreachable/);
  });

  it('a job alert reads the job conditions and its failed pods; a statefulset alert its unbound claims', () => {
    const job = ctxOf(byName('job-backoff-limit-exceeded'));
    expect(job.workload?.conditions.map((c) => c.reason)).toContain('BackoffLimitExceeded');
    expect(job.workload?.job?.failed).toBeGreaterThan(0);
    expect(job.pods.every((p) => p.phase === 'Failed')).toBe(true);
    const sts = ctxOf(byName('unschedulable-pvc-unbound'));
    expect(sts.pvcs.some((p) => p.phase === 'Pending')).toBe(true);
  });

  it('a service alert reads its endpoints and the pods behind it', () => {
    const ctx = ctxOf(byName('dependency-upstream-503'));
    expect(ctx.service).toMatchObject({ name: 'payment-gateway', namespace: 'payments' });
    expect(ctx.pods.length).toBeGreaterThan(0);
  });
});

describe('when the cluster does not have what the alert names', () => {
  it('a pod that no longer exists: says so and looks at the newest pods of its workload', async () => {
    const s = byName('oom-jvm-heap');
    const gone = `${s.alert.labels.pod!.replace(/-[a-z0-9]{5}$/, '')}-zzzzz`;
    const ctx = await collect(targetFromLabels({ ...s.alert.labels, pod: gone }), provider);
    expect(ctx.gaps[0]!.reason).toMatch(
      new RegExp(
        `pod ${gone} not found in namespace shop; it may have been replaced — newest pods of deployment checkout: checkout-7d9f8b6c5-x2x9q`,
      ),
    );
    expect(ctx.pods.length).toBeGreaterThan(0);
  });

  it('an alert with only a namespace gets its warning events and unhealthy pods', async () => {
    const ctx = await collect({ kind: 'namespace', name: 'shop', namespace: 'shop' }, provider);
    expect(ctx.gaps).toEqual([]);
    expect(ctx.events.every((e) => e.type === 'Warning' || ctx.pods.length > 0)).toBe(true);
    expect(ctx.pods.length).toBeGreaterThan(0);
    expect(ctx.pods.every((p) => p.namespace === 'shop')).toBe(true);
  });

  it('an unknown cluster is a gap, never another cluster', async () => {
    const { kube: k2 } = await scenarioCluster([]);
    const two = k2.writeKubeconfig(tempDir('kc2-'), { context: 'test' });
    try {
      const yaml = (await import('node:fs')).readFileSync(two, 'utf8');
      const both = createKubeProvider({ kubeconfig: [two, multiContext(yaml)].join(':') });
      const ctx = await collect(
        targetFromLabels({ ...byName('oom-jvm-heap').alert.labels, cluster: 'prod-us-9' }),
        both,
      );
      expect(ctx.gaps[0]!.reason).toMatch(/cluster "prod-us-9", but no kubeconfig context matches it/);
      expect(ctx.pods).toEqual([]);
    } finally {
      await k2.close();
    }
  });

  it('a single-context kubeconfig is not assumed to be the cluster the alert names, unless mapped', async () => {
    const labels = { ...byName('oom-jvm-heap').alert.labels, cluster: 'prod-eu-1' };
    const single = kube.writeKubeconfig(tempDir('single-'), { context: 'test' });
    const unmapped = await collect(targetFromLabels(labels), createKubeProvider({ kubeconfig: single }));
    expect(unmapped.gaps[0]).toMatchObject({
      reason: expect.stringMatching(/cluster "prod-eu-1", but no kubeconfig context matches it/),
      fix: expect.stringContaining('clusterContexts: {"prod-eu-1": "<context>"}'),
    });
    expect(unmapped.pods).toEqual([]);
    const mapped = await collect(
      targetFromLabels(labels),
      createKubeProvider({ kubeconfig: single, clusterContexts: { 'prod-eu-1': 'test' } }),
    );
    expect(mapped.gaps).toEqual([]);
    expect(mapped.pods[0]?.name).toBe(labels.pod);
  });

  it('metrics.k8s.io usage is read when the cluster serves it, and silently skipped when not', async () => {
    const s = byName('oom-jvm-heap');
    expect(ctxOf(s).usage).toEqual([]);
    const pod = s.alert.labels.pod!;
    kube.upsert({
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'PodMetrics',
      metadata: { name: pod, namespace: 'shop' },
      timestamp: '2026-11-26T03:29:50Z',
      window: '15s',
      containers: [{ name: 'app', usage: { cpu: '912345678n', memory: '1012345Ki' } }],
    } as never);
    const ctx = await collect(targetFromLabels(s.alert.labels), provider);
    expect(ctx.usage).toEqual([
      { pod, containers: [{ name: 'app', cpu: '912345678n', memory: '1012345Ki' }] },
    ]);
    expect(ctx.digest).toContain('usage');
  });
});

/** A second kubeconfig with a differently named context, so the alert's cluster is ambiguous. */
function multiContext(yaml: string): string {
  const fs = require('node:fs') as typeof import('node:fs');
  const os = require('node:os') as typeof import('node:os');
  const path = require('node:path') as typeof import('node:path');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kc-')), 'other.yaml');
  fs.writeFileSync(file, yaml.replace(/\btest\b/g, 'other'));
  return file;
}

describe('credentials that do not work', () => {
  it('an expired token: the gap says the cluster refused the credentials and how to log in again', async () => {
    const { startFakeKube } = await import('../fakes/kube-apiserver.ts');
    const guarded = await startFakeKube({ token: 'the-right-token' });
    try {
      const path = guarded.writeKubeconfig((await import('../helpers/engine.ts')).tempDir(), {
        token: 'an-expired-token',
      });
      const ctx = await collect(
        { kind: 'pod', name: 'x', namespace: 'default' },
        createKubeProvider({ kubeconfig: path }),
      );
      expect(ctx.gaps[0]).toMatchObject({
        reason: expect.stringMatching(/unauthorized \(401\)/),
        fix: expect.stringMatching(/log in again/),
      });
    } finally {
      await guarded.close();
    }
  });

  it('a kubeconfig exec plugin that fails: the gap names it and says to run it by hand', async () => {
    const fs = await import('node:fs');
    const dir = (await import('../helpers/engine.ts')).tempDir();
    const file = `${dir}/exec.yaml`;
    fs.writeFileSync(
      file,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${kube.url}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/false, args: [], interactiveMode: Never}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
    const ctx = await collect(
      { kind: 'pod', name: 'x', namespace: 'default' },
      createKubeProvider({ kubeconfig: file }),
    );
    expect(ctx.gaps.length).toBeGreaterThan(0);
    expect(ctx.gaps[0]!.reason).toMatch(/credential plugin `\/bin\/false` failed/);
    expect(ctx.gaps[0]!.fix).toMatch(/credential plugin by hand/);
  });
});

describe('a list too long to hold', () => {
  it('a node with 700 pods on it: the first 500 are read, and the report says the rest were not', async () => {
    const node = 'node-overfull';
    kube.upsert({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: node },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        allocatable: { cpu: '64', memory: '256Gi' },
      },
    } as KubeObject);
    for (let i = 0; i < 700; i++) {
      kube.upsert({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `filler-${i}`, namespace: 'filler', uid: `filler-${i}` },
        spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox' }] },
        status: { phase: 'Running' },
      } as KubeObject);
    }
    const ctx = await collect({ kind: 'node', name: node }, provider);
    expect(ctx.nodes[0]?.name).toBe(node);
    expect(ctx.gaps).toEqual([
      { what: `pods on node ${node}`, reason: 'only the first 500 were read (200 more)' },
    ]);
    const lists = kube.requests.filter(
      (r) => r.path === '/api/v1/pods' && r.query.fieldSelector === `spec.nodeName=${node}`,
    );
    expect(lists.map((r) => r.query.limit)).toEqual(['500']);
  });
});
