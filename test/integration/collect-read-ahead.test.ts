import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../electron/engine/collect/index.ts';
import { createKubeProvider } from '../../electron/engine/collect/kube.ts';
import { targetFromLabels } from '../../electron/engine/collect/target.ts';
import type { FakeKube, KubeObject } from '../fakes/kube-apiserver.ts';
import { loadScenario } from '../fixtures/scenarios/index.ts';
import { scenarioCluster } from '../helpers/cluster.ts';

/**
 * A Deployment's pod names its ReplicaSet `<deployment>-<hash>`: the Deployment's reads go out with the
 * ReplicaSet's instead of one round trip later. With 100 ms per request the difference is plain.
 */
const s = loadScenario('crashloop-go-panic');
const POD = s.alert.labels.pod!;
const NS = s.alert.labels.namespace!;
const LATENCY = 100;
let kube: FakeKube;
let kubeconfig: string;

beforeAll(async () => {
  ({ kube, kubeconfig } = await scenarioCluster([s], { latencyMs: LATENCY }));
});
afterAll(() => kube.close());

/**
 * Collects the alert's context, checks it is whole (no gap, the Deployment and its rollout), and returns
 * it with the requests it made to each path.
 */
async function collectWhole() {
  const before = kube.requests.length;
  const ctx = await collect(targetFromLabels(s.alert.labels), createKubeProvider({ kubeconfig }));
  expect(ctx.gaps).toEqual([]);
  expect(ctx.workload).toMatchObject({
    kind: 'Deployment',
    name: 'order-router',
    rollout: expect.any(Object),
  });
  const reqs = kube.requests.slice(before);
  return { ctx, at: (path: string) => reqs.filter((r) => r.path === path) };
}

describe("reading a Deployment's pod", () => {
  it("asks for the Deployment, its ReplicaSets, events and pods together with the pod's ReplicaSet, once each", async () => {
    const { ctx, at } = await collectWhole();
    expect(ctx.siblings.length).toBeGreaterThan(0);
    const rs = at(`/apis/apps/v1/namespaces/${NS}/replicasets/order-router-84c6d9f5b7`);
    const deployment = at(`/apis/apps/v1/namespaces/${NS}/deployments/order-router`);
    const replicaSets = at(`/apis/apps/v1/namespaces/${NS}/replicasets`);
    const pods = at(`/api/v1/namespaces/${NS}/pods`);
    for (const once of [rs, deployment, replicaSets, pods]) expect(once).toHaveLength(1);
    // Sent while the ReplicaSet's answer was still on its way, not after it.
    for (const r of [deployment[0]!, replicaSets[0]!, pods[0]!])
      expect(Math.abs(r.at - rs[0]!.at)).toBeLessThan(LATENCY / 2);
  });

  it('a guess the ReplicaSet does not confirm (a label outside the selector) is read again properly, with no gap', async () => {
    const pod = kube.object('Pod', NS, POD)!;
    const labels = { ...(pod.metadata.labels as Record<string, string>), tier: 'edge' };
    kube.upsert({ ...pod, metadata: { ...pod.metadata, labels } } as KubeObject);
    try {
      const { at } = await collectWhole();
      const rsPath = `/apis/apps/v1/namespaces/${NS}/replicasets`;
      // The guess (with tier=edge) went out first; the Deployment's own selector was then used.
      expect(at(rsPath).map((r) => r.query.labelSelector)).toEqual([
        expect.stringContaining('tier=edge'),
        'app=order-router',
      ]);
      expect(at(`/apis/apps/v1/namespaces/${NS}/deployments/order-router`)).toHaveLength(1);
    } finally {
      kube.upsert(pod);
    }
  });
});
