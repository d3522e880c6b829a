import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { investigatePods, siblingSummaries } from '../../electron/engine/collect/investigate.ts';
import { createKubeProvider, type KubeClients } from '../../electron/engine/collect/kube.ts';
import { nodeInfo } from '../../electron/engine/collect/nodes.ts';
import { readPodList } from '../../electron/engine/collect/pod-list.ts';
import { explain, ReadTimeout, read } from '../../electron/engine/collect/read.ts';
import { Reader } from '../../electron/engine/collect/reader.ts';
import { podBadness } from '../../electron/engine/collect/selectors.ts';
import { emptyContext } from '../../shared/context.ts';
import type { FakeKube, KubeObject } from '../fakes/kube-apiserver.ts';
import { loadScenario, loadScenarios } from '../fixtures/scenarios/index.ts';
import { scenarioCluster } from '../helpers/cluster.ts';

// Pod lists are read as JSON rather than through client-node's typed models (pod-list.ts): what the
// collection gets must be exactly what the typed API would have given it.
let kube: FakeKube;
let c: KubeClients;

beforeAll(async () => {
  const cluster = await scenarioCluster(loadScenarios());
  kube = cluster.kube;
  c = createKubeProvider({ kubeconfig: cluster.kubeconfig }).forCluster(undefined);
}, 60_000);
afterAll(async () => {
  await kube.close();
});

const signal = () => AbortSignal.timeout(10_000);

describe('pod lists read as JSON', () => {
  it('equal the typed API’s lists, Dates and all, for every kind of list the collection reads', async () => {
    const s = loadScenario('crashloop-go-panic');
    const pod = s.objects.find((o) => o.kind === 'Pod') as KubeObject & { spec: { nodeName: string } };
    const namespace = pod.metadata.namespace!;
    const cases = [
      [{ namespace }, () => c.core.listNamespacedPod({ namespace })],
      [
        { namespace, labelSelector: 'app=order-router', limit: 500 },
        () => c.core.listNamespacedPod({ namespace, labelSelector: 'app=order-router', limit: 500 }),
      ],
      [
        { fieldSelector: `spec.nodeName=${pod.spec.nodeName}`, limit: 500 },
        () =>
          c.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${pod.spec.nodeName}`, limit: 500 }),
      ],
    ] as const;
    for (const [query, typed] of cases) {
      const mine = await readPodList(c, query, signal());
      const theirs = await typed();
      expect(mine.items.length).toBeGreaterThan(0);
      expect(mine).toEqual(theirs);
      const first = mine.items[0]!;
      expect(first.metadata?.creationTimestamp).toBeInstanceOf(Date);
      const statuses = mine.items.flatMap((p) => p.status?.containerStatuses ?? []);
      const finished = statuses.map((cs) => cs.lastState?.terminated?.finishedAt).filter(Boolean);
      expect(finished.length).toBeGreaterThan(0);
      for (const f of finished) expect(f).toBeInstanceOf(Date);
    }
  });

  it("leaves out each pod's managedFields, which an API server sends and nothing reads", async () => {
    const s = loadScenario('crashloop-go-panic');
    const pod = structuredClone(s.objects.find((o) => o.kind === 'Pod')!) as KubeObject;
    pod.metadata = {
      ...pod.metadata,
      namespace: 'managed-fields',
      managedFields: [
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          apiVersion: 'v1',
          time: '2026-11-26T03:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } },
        },
      ],
    } as KubeObject['metadata'];
    kube.upsert(pod);
    try {
      const mine = await readPodList(c, { namespace: 'managed-fields' }, signal());
      const theirs = await c.core.listNamespacedPod({ namespace: 'managed-fields' });
      expect(theirs.items[0]!.metadata?.managedFields).toHaveLength(1);
      expect(mine.items[0]!.metadata).not.toHaveProperty('managedFields');
      delete theirs.items[0]!.metadata!.managedFields;
      expect(mine).toEqual(theirs);
    } finally {
      kube.remove('Pod', 'managed-fields', pod.metadata.name);
    }
  });

  it('brief lists keep exactly what ranks and sums up a pod or a node, and nothing else', async () => {
    const full = await readPodList(c, {}, signal());
    const brief = await readPodList(c, {}, signal(), 'brief');
    // Every scenario's pods: init containers, pending, evicted, OOM-killed, image pulls, jobs.
    expect(full.items.length).toBeGreaterThan(30);
    expect(brief.items.map((p) => p.metadata?.name)).toEqual(full.items.map((p) => p.metadata?.name));
    expect(brief.items.map(podBadness)).toEqual(full.items.map(podBadness));
    expect(siblingSummaries(brief.items)).toEqual(siblingSummaries(full.items));
    const nodeNames = [...new Set(full.items.map((p) => p.spec?.nodeName).filter(Boolean))] as string[];
    expect(nodeNames.length).toBeGreaterThan(1);
    for (const name of nodeNames) {
      const node = await c.core.readNode({ name });
      const on = (l: typeof full) => l.items.filter((p) => p.spec?.nodeName === name);
      expect(nodeInfo(node, on(brief))).toEqual(nodeInfo(node, on(full)));
    }
    const b = brief.items.find((p) => p.status?.containerStatuses?.length)!;
    expect(b.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(Object.keys(b.metadata!).sort()).toEqual(
      ['creationTimestamp', 'deletionTimestamp', 'name', 'namespace', 'uid'].sort(),
    );
    expect(b.spec).not.toHaveProperty('volumes');
    expect(Object.keys(b.spec!.containers[0]!)).toEqual(['name', 'resources']);
    expect(Object.keys(b.status!.containerStatuses![0]!)).toEqual(['name', 'ready', 'restartCount', 'state']);
    // A fraction of the JSON (about an eighth here): what a shared list holds for its few seconds.
    expect(JSON.stringify(brief).length).toBeLessThan(JSON.stringify(full).length / 5);
  });

  it('a collection reads its pod in full and the workload and node around it brief, with the same context', async () => {
    const podName = 'order-router-84c6d9f5b7-tn4vd';
    const raw = await c.core.readNamespacedPod({ name: podName, namespace: 'orders' });
    const collect = async () => {
      const ctx = emptyContext({ kind: 'pod', namespace: 'orders', name: podName }, new Date().toISOString());
      const r = new Reader(c, 5_000, signal(), ctx.gaps);
      await investigatePods(
        r,
        ctx,
        [raw],
        { logTailLines: 100, logLimitBytes: 64_000 },
        { detailed: 1, siblings: true },
      );
      return ctx;
    };
    const ctx = await collect();
    expect(ctx.gaps).toEqual([]);
    expect(ctx.pods[0]!.containers[0]!.name).toBe('order-router');
    expect(ctx.siblings.length).toBeGreaterThan(0);
    expect(ctx.nodes[0]!.requested).toEqual(
      expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }),
    );
    expect(ctx.nodes[0]!.failingPods).toContain(`orders/${podName}`);
  });

  it('pages as the typed API does: the continue token is `_continue`', async () => {
    const mine = await readPodList(c, { limit: 2 }, signal());
    const theirs = await c.core.listPodForAllNamespaces({ limit: 2 });
    expect(mine.items).toHaveLength(2);
    expect(mine.metadata?._continue).toBeTruthy();
    expect(mine).toEqual(theirs);
    expect(mine.metadata?.remainingItemCount).toBe(theirs.metadata?.remainingItemCount);
  });

  it('fails as the typed API does, so a gap says the same', async () => {
    for (const code of [403, 404, 500]) {
      const off = kube.fail('/api/v1/namespaces/orders/pods', code);
      try {
        const mine = await read('pods', 5_000, (s) => readPodList(c, { namespace: 'orders' }, s));
        const theirs = await read('pods', 5_000, () => c.core.listNamespacedPod({ namespace: 'orders' }));
        expect(mine.gap).toBeDefined();
        expect(mine.gap).toEqual(theirs.gap);
      } finally {
        off();
      }
    }
    // A hung API server: the read's own timeout aborts the request.
    const off = kube.fail('/api/v1/namespaces/orders/pods', 'hang');
    try {
      const t0 = Date.now();
      const r = await read('pods', 300, (s) => readPodList(c, { namespace: 'orders' }, s));
      expect(r.gap).toEqual({ what: 'pods', ...explain(new ReadTimeout(300)) });
      expect(Date.now() - t0).toBeLessThan(3_000);
    } finally {
      off();
    }
  });
});
