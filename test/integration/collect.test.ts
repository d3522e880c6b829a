import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, DEFAULT_COLLECT } from '../../electron/engine/collect/index.ts';
import { createKubeProvider, type KubeProvider } from '../../electron/engine/collect/kube.ts';
import { targetFromLabels } from '../../electron/engine/collect/target.ts';
import type { Context } from '../../shared/context.ts';
import { type FakeKube, fakeUid, type KubeObject } from '../fakes/kube-apiserver.ts';
import { loadScenarios, SCENARIO_CLUSTERS, type Scenario } from '../fixtures/scenarios/index.ts';
import { scenarioCluster } from '../helpers/cluster.ts';
import { tempDir } from '../helpers/engine.ts';
import { freePort } from '../helpers/ports.ts';

const scenarios = loadScenarios();
let kube: FakeKube;
let provider: KubeProvider;
let kubeconfig: string;
const contexts = new Map<string, Context>();

beforeAll(async () => {
  const cluster = await scenarioCluster(scenarios);
  kube = cluster.kube;
  kubeconfig = cluster.kubeconfig;
  provider = createKubeProvider({ kubeconfig });
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

  it("a node alert lists its node's pods once, and the node is in the context once", async () => {
    const s = byName('node-not-ready-kubelet-stopped');
    const target = targetFromLabels(s.alert.labels);
    const before = kube.requests.length;
    // A provider of its own: nothing shared from the collections above.
    const ctx = await collect(target, createKubeProvider({ kubeconfig }), DEFAULT_COLLECT);
    // Its failing pods are read closely, and they run on that node: it is not read again for them.
    expect(ctx.pods.length).toBeGreaterThan(0);
    expect(ctx.pods.every((p) => p.nodeName === target.name)).toBe(true);
    expect(ctx.nodes.map((n) => n.name)).toEqual([target.name]);
    const lists = kube.requests
      .slice(before)
      .filter((r) => r.path === '/api/v1/pods' && r.query.fieldSelector === `spec.nodeName=${target.name}`);
    expect(lists).toHaveLength(1);
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
    const shop = scenarios.flatMap((s) => s.objects).filter((o) => o.metadata.namespace === 'shop');
    const fixturePods = shop.filter((o) => o.kind === 'Pod') as unknown as k8s.V1Pod[];
    const healthy = fixturePods
      .filter(
        (p) =>
          p.status?.phase === 'Running' &&
          (p.status.containerStatuses ?? []).every((c) => c.ready && c.restartCount === 0),
      )
      .map((p) => p.metadata!.name!);
    expect(healthy.length).toBeGreaterThan(0);

    // Unhealthy pods only: the worst read closely, the rest listed; a healthy pod is neither.
    expect(ctx.pods.length).toBeGreaterThan(0);
    for (const p of ctx.pods) {
      expect(p.namespace).toBe('shop');
      expect(
        p.phase !== 'Running' || p.containers.some((c) => !c.ready || c.restartCount > 0),
        `${p.name} is healthy`,
      ).toBe(true);
    }
    const listed = [...ctx.pods.map((p) => p.name), ...ctx.siblings.map((s) => s.name)];
    for (const name of healthy) expect(listed).not.toContain(name);

    // The namespace's Warning events, whichever pod they are about; Normal events only of the pods read
    // closely and their workload (a liveness kill or a pull back-off is a Normal event), never the
    // namespace's routine noise.
    const close = new Set([
      ...ctx.pods.map((p) => `Pod/${p.name}`),
      ...(ctx.workload ? [`${ctx.workload.kind}/${ctx.workload.name}`] : []),
    ]);
    expect(ctx.events.filter((e) => e.type !== 'Warning' && !close.has(e.object))).toEqual([]);
    const farWarnings = ctx.events.filter((e) => e.type === 'Warning' && !close.has(e.object));
    expect(farWarnings.map((e) => e.object)).toContain('Pod/postgres-0');
    const noise = shop
      .filter((o) => o.kind === 'Event' && (o as unknown as k8s.CoreV1Event).type === 'Normal')
      .map((o) => o as unknown as k8s.CoreV1Event)
      .filter((e) => !close.has(`${e.involvedObject.kind}/${e.involvedObject.name}`));
    expect(noise.length).toBeGreaterThan(0);
    for (const e of noise)
      expect(ctx.events.map((x) => `${x.reason} ${x.object}`)).not.toContain(
        `${e.reason} ${e.involvedObject.kind}/${e.involvedObject.name}`,
      );
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
    expect(mapped.pods[0]?.name).toBe(byName('oom-jvm-heap').alert.labels.pod);
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

// ---------------------------------------------------------------------------------------------------
// Target kinds beyond the scenarios: each built here in its own namespace, so the scenario tests above
// see the cluster they expect.

const T = '2026-11-26T02:00:00Z';
const ago = (minutes: number) => new Date(Date.parse(T) - minutes * 60_000).toISOString().replace('.000', '');
const NODE = 'extra-node-1';

type Status = Record<string, unknown>;
const running = (): Status => ({
  ready: true,
  started: true,
  restartCount: 0,
  state: { running: { startedAt: ago(300) } },
});
const crashLooping = (container: string, pod: string, restarts: number, exitCode = 1): Status => ({
  ready: false,
  started: false,
  restartCount: restarts,
  state: {
    waiting: {
      reason: 'CrashLoopBackOff',
      message: `back-off 5m0s restarting failed container=${container} pod=${pod}`,
    },
  },
  lastState: { terminated: { exitCode, reason: 'Error', startedAt: ago(3), finishedAt: ago(2) } },
});
const failedRun = (): Status => ({
  ready: false,
  started: false,
  restartCount: 0,
  state: { terminated: { exitCode: 1, reason: 'Error', startedAt: ago(70), finishedAt: ago(69) } },
});

function ownerRef(o: KubeObject) {
  const uid = fakeUid(o.kind, o.metadata.namespace, o.metadata.name);
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid, controller: true };
}

/** A pod as the kubelet reports it; `statuses` in container order (init containers first). */
function pod(o: {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  owner?: KubeObject;
  containers: Array<[name: string, status: Status]>;
  init?: Array<[name: string, status: Status]>;
  phase?: string;
  created?: string;
  claim?: string;
  scheduled?: boolean;
  conditions?: Status[];
}): KubeObject {
  const spec = (list: Array<[string, Status]>) =>
    list.map(([name]) => ({ name, image: `registry.example.com/${o.namespace}/${name}:1.0.0` }));
  const status = (list: Array<[string, Status]>) =>
    list.map(([name, s]) => ({ name, image: `registry.example.com/${o.namespace}/${name}:1.0.0`, ...s }));
  const ready = o.containers.every(([, s]) => s.ready === true);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      labels: o.labels ?? {},
      creationTimestamp: o.created ?? ago(300),
      ...(o.owner ? { ownerReferences: [ownerRef(o.owner)] } : {}),
    },
    spec: {
      ...(o.scheduled === false ? {} : { nodeName: NODE }),
      ...(o.init ? { initContainers: spec(o.init) } : {}),
      containers: spec(o.containers),
      restartPolicy: o.owner?.kind === 'Job' ? 'Never' : 'Always',
      ...(o.claim ? { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: o.claim } }] } : {}),
    },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.conditions ?? [
        { type: 'Ready', status: ready ? 'True' : 'False' },
        { type: 'ContainersReady', status: ready ? 'True' : 'False' },
        { type: 'PodScheduled', status: 'True' },
      ],
      ...(o.init ? { initContainerStatuses: status(o.init) } : {}),
      ...(o.scheduled === false ? {} : { containerStatuses: status(o.containers) }),
      qosClass: 'BestEffort',
    },
  } as KubeObject;
}

function event(
  about: KubeObject,
  type: 'Warning' | 'Normal',
  reason: string,
  message: string,
  at = ago(2),
): KubeObject {
  const { kind, metadata } = about;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${metadata.name}.${reason.toLowerCase()}${type}`, namespace: metadata.namespace },
    involvedObject: {
      apiVersion: about.apiVersion,
      kind,
      name: metadata.name,
      namespace: metadata.namespace,
      uid: fakeUid(kind, metadata.namespace, metadata.name),
    },
    type,
    reason,
    message,
    count: 3,
    firstTimestamp: ago(20),
    lastTimestamp: at,
    source: { component: kind === 'Pod' ? 'kubelet' : `${kind.toLowerCase()}-controller` },
  } as KubeObject;
}

const podListSelectors = (namespace: string) =>
  kube.requests
    .filter((r) => r.method === 'GET' && r.path === `/api/v1/namespaces/${namespace}/pods`)
    .map((r) => r.query.labelSelector);

describe('what an alert naming other kinds of object gets', () => {
  beforeAll(() => {
    kube.upsert({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: NODE },
      status: {
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
        allocatable: { cpu: '8', memory: '32Gi', pods: '110' },
      },
    } as KubeObject);
  });

  it('a daemonset: its pods by its selector, the crash-looping one first, with its previous log', async () => {
    const ns = 'logging';
    const ds: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'fluent-bit', namespace: ns, generation: 3 },
      spec: {
        selector: { matchLabels: { app: 'fluent-bit' } },
        template: {
          metadata: { labels: { app: 'fluent-bit' } },
          spec: { containers: [{ name: 'fluent-bit', image: 'cr.fluentbit.io/fluent/fluent-bit:3.1.4' }] },
        },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      },
      status: {
        desiredNumberScheduled: 4,
        currentNumberScheduled: 4,
        numberReady: 3,
        numberAvailable: 3,
        numberUnavailable: 1,
        updatedNumberScheduled: 4,
        observedGeneration: 3,
      },
    };
    kube.upsert(ds);
    const labels = { app: 'fluent-bit' };
    const sick = 'fluent-bit-7xk2p';
    const healthy = ['fluent-bit-b9qzt', 'fluent-bit-c4mwn', 'fluent-bit-d8hrs'];
    const sickPod = pod({
      namespace: ns,
      name: sick,
      labels,
      owner: ds,
      containers: [['fluent-bit', crashLooping('fluent-bit', sick, 7)]],
    });
    kube.upsert(sickPod);
    for (const name of healthy)
      kube.upsert(pod({ namespace: ns, name, labels, owner: ds, containers: [['fluent-bit', running()]] }));
    // Same namespace, not the daemonset's: its selector keeps it out.
    kube.upsert(
      pod({
        namespace: ns,
        name: 'log-archiver-0',
        labels: { app: 'log-archiver' },
        containers: [['archiver', crashLooping('archiver', 'log-archiver-0', 12)]],
      }),
    );
    kube.upsert(event(sickPod, 'Warning', 'BackOff', 'Back-off restarting failed container fluent-bit'));
    const error =
      "[2026/11/26 01:58:01] [error] [config] section 'output' tried to instance a plugin name that does not exist: 'opensearch2'";
    kube.setLogs(
      `${ns}/${sick}/fluent-bit/previous`,
      `Fluent Bit v3.1.4\n* Copyright (C) 2015-2024 The Fluent Bit Authors\n${error}\n[2026/11/26 01:58:01] [error] configuration file contains errors, aborting.\n`,
    );

    const ctx = await collect(targetFromLabels({ namespace: ns, daemonset: 'fluent-bit' }), provider);
    expect(ctx.gaps).toEqual([]);
    expect(ctx.workload).toMatchObject({
      kind: 'DaemonSet',
      name: 'fluent-bit',
      chain: ['DaemonSet/fluent-bit'],
      selector: 'app=fluent-bit',
      replicas: { desired: 4, ready: 3, available: 3, updated: 4 },
    });
    expect(podListSelectors(ns)).toContain('app=fluent-bit');
    expect(ctx.pods[0]!.name).toBe(sick);
    expect(ctx.pods[0]!.containers[0]).toMatchObject({
      restartCount: 7,
      lastState: { kind: 'terminated', reason: 'Error', exitCode: 1 },
    });
    const seen = [...ctx.pods.map((p) => p.name), ...ctx.siblings.map((s) => s.name)];
    expect(seen.sort()).toEqual([sick, ...healthy].sort());
    expect(ctx.logs).toContainEqual(
      expect.objectContaining({ pod: sick, container: 'fluent-bit', previous: true }),
    );
    expect(ctx.digest).toContain('DaemonSet logging/fluent-bit');
    expect(ctx.digest).toContain('replicas: desired 4, ready 3, available 3, updated 4');
    expect(ctx.digest).toContain(error);
  });

  it("a replicaset: only that revision's pods (its selector carries the template hash), and its Deployment's rollout", async () => {
    const ns = 'shopfront';
    const dep: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'storefront', namespace: ns, generation: 7 },
      spec: { replicas: 3, selector: { matchLabels: { app: 'storefront' } } },
    };
    kube.upsert(dep);
    const rs = (hash: string, revision: string, replicas: number, ready: number): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `storefront-${hash}`,
        namespace: ns,
        labels: { app: 'storefront', 'pod-template-hash': hash },
        annotations: { 'deployment.kubernetes.io/revision': revision },
        ownerReferences: [ownerRef(dep)],
      },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'storefront', 'pod-template-hash': hash } },
        template: {
          metadata: { labels: { app: 'storefront', 'pod-template-hash': hash } },
          spec: { containers: [{ name: 'web', image: `shop/storefront:1.${revision}` }] },
        },
      },
      status: { replicas, readyReplicas: ready, availableReplicas: ready, fullyLabeledReplicas: replicas },
    });
    const current = rs('6d8f7c9b5', '4', 3, 2);
    const old = rs('5c7b8d9f4', '3', 1, 1);
    kube.upsert(current);
    kube.upsert(old);
    const of = (set: KubeObject, name: string, status: Status) =>
      pod({
        namespace: ns,
        name,
        labels: (set.metadata.labels ?? {}) as Record<string, string>,
        owner: set,
        containers: [['web', status]],
      });
    kube.upsert(of(current, 'storefront-6d8f7c9b5-k2m4x', running()));
    kube.upsert(of(current, 'storefront-6d8f7c9b5-w3v5t', running()));
    kube.upsert(
      of(current, 'storefront-6d8f7c9b5-p7q9z', crashLooping('web', 'storefront-6d8f7c9b5-p7q9z', 4, 2)),
    );
    kube.upsert(of(old, 'storefront-5c7b8d9f4-h8j2n', crashLooping('web', 'storefront-5c7b8d9f4-h8j2n', 30)));

    const ctx = await collect(
      targetFromLabels({ namespace: ns, replicaset: 'storefront-6d8f7c9b5' }),
      provider,
    );
    expect(ctx.gaps).toEqual([]);
    expect(ctx.workload).toMatchObject({
      kind: 'ReplicaSet',
      name: 'storefront-6d8f7c9b5',
      replicas: { desired: 3, ready: 2, available: 2 },
      // …and the Deployment's last rollout: this revision against the one before.
      chain: ['ReplicaSet/storefront-6d8f7c9b5', 'Deployment/storefront'],
      rollout: {
        current: { name: 'storefront-6d8f7c9b5', revision: '4' },
        previous: { name: 'storefront-5c7b8d9f4', revision: '3' },
        changes: ['image web: shop/storefront:1.3 → shop/storefront:1.4'],
      },
    });
    expect(ctx.digest).toContain('image web: shop/storefront:1.3 → shop/storefront:1.4');
    expect(podListSelectors(ns)).toContain('app=storefront,pod-template-hash=6d8f7c9b5');
    expect(ctx.pods.map((p) => p.name)).toEqual([
      'storefront-6d8f7c9b5-p7q9z',
      expect.stringMatching(/^storefront-6d8f7c9b5-/),
      expect.stringMatching(/^storefront-6d8f7c9b5-/),
    ]);
    // The old revision crash-loops harder, but it is not what the alert is about (its node may still
    // list it among the node's failing pods).
    expect(
      JSON.stringify({ pods: ctx.pods, logs: ctx.logs, siblings: ctx.siblings, events: ctx.events }),
    ).not.toContain('storefront-5c7b8d9f4-h8j2n');
  });

  it('a cronjob: its newest failed Job, that job’s conditions and its failed pods with their logs', async () => {
    const ns = 'reports';
    const cron: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly-export', namespace: ns },
      spec: { schedule: '0 1 * * *', jobTemplate: { spec: { backoffLimit: 2 } } },
      status: { lastScheduleTime: ago(60) },
    };
    const other: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly-export-eu', namespace: ns },
      spec: { schedule: '30 1 * * *', jobTemplate: { spec: {} } },
    };
    kube.upsert(cron);
    kube.upsert(other);
    const job = (owner: KubeObject, name: string, created: string, status: Status): KubeObject => {
      const uid = fakeUid('Job', ns, name);
      return {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name,
          namespace: ns,
          creationTimestamp: created,
          labels: { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name },
          ownerReferences: [ownerRef(owner)],
        },
        spec: {
          backoffLimit: 2,
          selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
          template: { metadata: { labels: { 'batch.kubernetes.io/controller-uid': uid } } },
        },
        status,
      };
    };
    const done = job(cron, 'nightly-export-29391000', ago(2 * 1440 + 60), {
      succeeded: 1,
      conditions: [{ type: 'Complete', status: 'True' }],
    });
    const failed = job(cron, 'nightly-export-29392440', ago(1440 + 60), {
      failed: 3,
      conditions: [
        {
          type: 'Failed',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
      ],
    });
    const runningNow = job(cron, 'nightly-export-29393880', ago(60), { active: 1 });
    // Newer and failed, but another CronJob's.
    const foreign = job(other, 'nightly-export-eu-29393910', ago(30), {
      failed: 3,
      conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }],
    });
    for (const j of [done, failed, runningNow, foreign]) kube.upsert(j);
    const podOf = (j: KubeObject, suffix: string, phase: string, status: Status) =>
      pod({
        namespace: ns,
        name: `${j.metadata.name}-${suffix}`,
        labels: (j.metadata.labels ?? {}) as Record<string, string>,
        owner: j,
        phase,
        containers: [['export', status]],
        created: (j.metadata.creationTimestamp as string) ?? ago(60),
      });
    const failedPods = ['4xq7d', 'm2k9p', 'v8z3n'].map((s) => podOf(failed, s, 'Failed', failedRun()));
    for (const p of failedPods) kube.upsert(p);
    kube.upsert(podOf(runningNow, 'h5j7k', 'Running', running()));
    kube.upsert(podOf(foreign, 'q9w2e', 'Failed', failedRun()));
    const denied =
      'upload failed: AccessDenied: User: arn:aws:sts::123456789012:assumed-role/reports-export is not authorized to perform: s3:PutObject';
    kube.setLogs(
      `${ns}/${failedPods[0]!.metadata.name}/export`,
      `exporting 1,204,331 rows to s3://acme-reports/nightly/\n${denied}\n`,
    );
    kube.upsert(
      event(
        failed,
        'Warning',
        'BackoffLimitExceeded',
        'Job has reached the specified backoff limit',
        ago(1400),
      ),
    );

    const ctx = await collect(targetFromLabels({ namespace: ns, cronjob: 'nightly-export' }), provider);
    expect(ctx.gaps).toEqual([]);
    expect(ctx.workload).toMatchObject({
      kind: 'Job',
      name: 'nightly-export-29392440',
      chain: ['Job/nightly-export-29392440', 'CronJob/nightly-export'],
      job: { failed: 3, backoffLimit: 2 },
    });
    expect(ctx.workload!.conditions.map((c) => c.reason)).toContain('BackoffLimitExceeded');
    expect(ctx.pods.map((p) => p.name).sort()).toEqual(failedPods.map((p) => p.metadata.name).sort());
    expect(ctx.pods.every((p) => p.phase === 'Failed')).toBe(true);
    expect(ctx.events.map((e) => e.reason)).toContain('BackoffLimitExceeded');
    expect(ctx.digest).toContain('(owner chain: Job/nightly-export-29392440 → CronJob/nightly-export)');
    expect(ctx.digest).toContain(denied);
    expect(JSON.stringify(ctx)).not.toMatch(/nightly-export-eu-29393910|nightly-export-29393880-h5j7k/);
  });

  it('a cronjob without any Job left is a gap that says so', async () => {
    kube.upsert({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'weekly-cleanup', namespace: 'reports' },
      spec: { schedule: '0 3 * * 0', jobTemplate: { spec: {} } },
    } as KubeObject);
    const ctx = await collect(
      targetFromLabels({ namespace: 'reports', cronjob: 'weekly-cleanup' }),
      provider,
    );
    expect(ctx.gaps).toEqual([
      {
        what: 'jobs of cronjob reports/weekly-cleanup',
        reason: 'the CronJob has no Jobs left (history limits, or it never ran)',
      },
    ]);
    expect(ctx.pods).toEqual([]);
  });

  it('a persistentvolumeclaim: its phase, storage class and events, and the pod waiting for it', async () => {
    const ns = 'olap';
    const claim = (name: string, phase: string, extra: Status = {}): KubeObject => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name, namespace: ns },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'fast-ssd',
        resources: { requests: { storage: '500Gi' } },
        ...extra,
      },
      status: { phase },
    });
    const pending = claim('data-clickhouse-0', 'Pending');
    const sibling = claim('data-clickhouse-1', 'Pending');
    kube.upsert(pending);
    kube.upsert(sibling);
    const provisioning = 'storageclass.storage.k8s.io "fast-ssd" not found';
    kube.upsert(event(pending, 'Warning', 'ProvisioningFailed', provisioning));
    kube.upsert(event(sibling, 'Warning', 'ProvisioningFailed', 'another claim, another story'));
    const waiting = pod({
      namespace: ns,
      name: 'clickhouse-0',
      labels: { app: 'clickhouse' },
      containers: [['clickhouse', {}]],
      phase: 'Pending',
      scheduled: false,
      claim: 'data-clickhouse-0',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message:
            '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
        },
      ],
    });
    kube.upsert(waiting);
    kube.upsert(pod({ namespace: ns, name: 'loader-5d9c7b8f6-zt4kq', containers: [['loader', running()]] }));

    const ctx = await collect(
      targetFromLabels({ namespace: ns, persistentvolumeclaim: 'data-clickhouse-0' }),
      provider,
    );
    expect(ctx.gaps).toEqual([]);
    // Exactly one entry for the claim, although the pod using it names it too.
    expect(ctx.pvcs).toEqual([
      {
        name: 'data-clickhouse-0',
        namespace: ns,
        phase: 'Pending',
        storageClass: 'fast-ssd',
        accessModes: ['ReadWriteOnce'],
      },
    ]);
    expect(ctx.events.filter((e) => e.reason === 'ProvisioningFailed').map((e) => e.message)).toEqual([
      provisioning,
    ]);
    expect(ctx.pods.map((p) => p.name)).toEqual(['clickhouse-0']);
    expect(ctx.digest).toContain('pvc olap/data-clickhouse-0: Pending, storageClass fast-ssd, ReadWriteOnce');
    expect(ctx.digest).toContain(provisioning);
    expect(ctx.digest!.match(/^pvc olap\/data-clickhouse-0/gm)).toHaveLength(1);
  });

  it('a bound claim nobody mounts right now: its size and class, no pods, no gap', async () => {
    kube.upsert({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'backups', namespace: 'olap' },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'standard-rwo',
        volumeName: 'pvc-0b6f1c2e-5a4d-4e3f-9c8b-7a6d5e4f3c2b',
        resources: { requests: { storage: '100Gi' } },
      },
      status: { phase: 'Bound', capacity: { storage: '100Gi' }, accessModes: ['ReadWriteOnce'] },
    } as KubeObject);
    const ctx = await collect(
      targetFromLabels({ namespace: 'olap', persistentvolumeclaim: 'backups' }),
      provider,
    );
    expect(ctx.gaps).toEqual([]);
    expect(ctx.pvcs).toEqual([
      {
        name: 'backups',
        namespace: 'olap',
        phase: 'Bound',
        storageClass: 'standard-rwo',
        volumeName: 'pvc-0b6f1c2e-5a4d-4e3f-9c8b-7a6d5e4f3c2b',
        capacity: '100Gi',
        accessModes: ['ReadWriteOnce'],
      },
    ]);
    expect(ctx.pods).toEqual([]);
  });

  it('a pod whose init container crashed: its previous log is read and shown', async () => {
    const ns = 'accounts';
    const name = 'accounts-api-0';
    const crashed = pod({
      namespace: ns,
      name,
      phase: 'Pending',
      init: [['migrate', crashLooping('migrate', name, 4)]],
      containers: [
        ['api', { ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
      ],
      conditions: [
        {
          type: 'Initialized',
          status: 'False',
          reason: 'ContainersNotInitialized',
          message: 'containers with incomplete status: [migrate]',
        },
        { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
        { type: 'PodScheduled', status: 'True' },
      ],
    });
    kube.upsert(crashed);
    const error = 'ERROR: relation "ledger_entries" does not exist (SQLSTATE 42P01)';
    kube.setLogs(
      `${ns}/${name}/migrate/previous`,
      `applying migration 0042_add_ledger_index\n${error}\nmigration 0042_add_ledger_index failed, exiting\n`,
    );

    const ctx = await collect(targetFromLabels({ namespace: ns, pod: name }), provider);
    expect(ctx.gaps).toEqual([]);
    expect(ctx.pods[0]!.containers[0]).toMatchObject({
      name: 'migrate',
      init: true,
      restartCount: 4,
      lastState: { kind: 'terminated', reason: 'Error', exitCode: 1 },
    });
    expect(ctx.logs.map((l) => [l.container, l.previous])).toEqual([['migrate', true]]);
    expect(ctx.logs[0]!.text).toContain(error);
    expect(
      kube.requests.some(
        (r) =>
          r.path === `/api/v1/namespaces/${ns}/pods/${name}/log` &&
          r.query.container === 'migrate' &&
          r.query.previous === 'true',
      ),
    ).toBe(true);
    expect(ctx.digest).toContain('container migrate (init)');
    expect(ctx.digest).toContain('last state: terminated Error exit code 1');
    expect(ctx.digest).toMatch(
      new RegExp(
        `previous log of ${name}/migrate \\(3 lines\\):\\n(.*\\n)*.*${error.replace(/[()]/g, '\\$&')}`,
      ),
    );
  });
});

describe('a slow or unreachable cluster', () => {
  // A fresh provider per test: reads are shared between collections for a few seconds.
  const fresh = () =>
    createKubeProvider({
      kubeconfig: kube.writeKubeconfig(tempDir('deadline-'), { context: 'test', aliases: SCENARIO_CLUSTERS }),
    });
  const SLOW = { ...DEFAULT_COLLECT, readTimeoutMs: 10_000, deadlineMs: 600 };

  it('reads still hanging at the collection deadline are cut: it returns on time, with gaps naming them', async () => {
    const s = byName('oom-jvm-heap');
    const pod = s.alert.labels.pod!;
    const off = kube.fail(/\/log$/, 'hang');
    try {
      const t0 = performance.now();
      const ctx = await collect(targetFromLabels(s.alert.labels), fresh(), SLOW);
      const ms = performance.now() - t0;
      expect(ms).toBeLessThan(SLOW.deadlineMs + 1_500);
      // What was read before the deadline is kept.
      expect(ctx.pods[0]?.name).toBe(pod);
      expect(ctx.events.length).toBeGreaterThan(0);
      expect(ctx.logs).toEqual([]);
      const cut = ctx.gaps.filter((g) => /logs of/.test(g.what));
      expect(cut.map((g) => g.what)).toContain(`previous logs of shop/${pod} container app`);
      for (const g of cut) expect(g.reason).toBe('the collection deadline passed before it was read');
      expect(ctx.digest).toContain(
        `could not read previous logs of shop/${pod} container app: the collection deadline passed before it was read`,
      );
    } finally {
      off();
    }
  });

  it('reads that would start after the deadline are not sent out to wait for their own timeout', async () => {
    // The whole namespace hangs after the Deployment itself was read: the pod list is cut by the
    // deadline, and the reads that would follow it (events, ReplicaSets) must not wait 10 s each.
    const s = byName('dependency-postgres-connection-refused');
    const offs = [
      kube.fail('/namespaces/shop/pods', 'hang'),
      kube.fail('/namespaces/shop/events', 'hang'),
      kube.fail('/namespaces/shop/replicasets', 'hang'),
    ];
    try {
      const t0 = performance.now();
      const ctx = await collect(targetFromLabels(s.alert.labels), fresh(), SLOW);
      expect(performance.now() - t0).toBeLessThan(SLOW.deadlineMs + 1_500);
      expect(ctx.workload?.name).toBe('orders-api');
      expect(ctx.gaps).toHaveLength(3);
      const gaps = Object.fromEntries(ctx.gaps.map((g) => [g.what, g.reason]));
      expect(gaps).toEqual({
        'pods of deployment shop/orders-api': 'the collection deadline passed before it was read',
        'events of deployment shop/orders-api': 'the collection deadline passed before it was read',
        'replicasets of deployment shop/orders-api': 'the collection deadline passed before it was read',
      });
      // A pod list that was cut says so; it never claims the deployment has no pods.
      expect(ctx.gaps.map((g) => g.reason)).not.toContain('it has no pods right now');
    } finally {
      for (const off of offs) off();
    }
  });

  it('an API server nobody listens on: the gap says it cannot be reached, and what to check', async () => {
    const s = byName('oom-jvm-heap');
    const cluster = s.alert.labels.cluster!;
    const port = await freePort();
    const file = `${tempDir('unreachable-')}/kubeconfig.yaml`;
    writeFileSync(
      file,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: some-token}}]
contexts: [{name: ${cluster}, context: {cluster: c, user: u}}]
current-context: ${cluster}
`,
    );
    const t0 = performance.now();
    const ctx = await collect(targetFromLabels(s.alert.labels), createKubeProvider({ kubeconfig: file }));
    expect(performance.now() - t0).toBeLessThan(3_000);
    expect(ctx.kubeContext).toBe(cluster);
    expect(ctx.pods).toEqual([]);
    expect(ctx.gaps[0]).toEqual({
      what: `pod shop/${s.alert.labels.pod}`,
      reason: 'the API server is unreachable (ECONNREFUSED)',
      fix: 'check the VPN, the kubeconfig context and `kubectl cluster-info`',
    });
    expect(ctx.digest).toContain('could not read pod shop/');
  });
});
