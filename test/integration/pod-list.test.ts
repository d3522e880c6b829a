import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeProvider, type KubeClients } from '../../electron/engine/collect/kube.ts';
import { readPodList } from '../../electron/engine/collect/pod-list.ts';
import { explain, ReadTimeout, read } from '../../electron/engine/collect/read.ts';
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
