/**
 * A cluster in the middle of an incident storm: one bad rollout crash-looping every replica of the same
 * service in many namespaces. Built from the crashloop-go-panic scenario: its `orders` namespace is
 * copied `namespaces` times, and each copy's order-router gets `pods` crash-looping replicas, spread
 * over as many nodes as a real cluster would need for them (100 pods per node, a kubelet's default is 110).
 */
import type { FakeKube, KubeObject } from '../fakes/kube-apiserver.ts';
import type { Scenario } from '../fixtures/scenarios/index.ts';

export const STORM_SCENARIO = 'crashloop-go-panic';
const TEMPLATE_POD = 'order-router-84c6d9f5b7-tn4vd';
const CLUSTER_SCOPED = new Set(['Node', 'PersistentVolume', 'StorageClass', 'Namespace']);
const UID = /\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-)[0-9a-f]{4}([0-9a-f]{8})\b/g;

export const stormNamespace = (n: number) => `storm-${String(n).padStart(3, '0')}`;
export const stormPod = (p: number) => `order-router-84c6d9f5b7-s${String(p).padStart(4, '0')}`;

/** The same objects in namespace `ns`, with uids made unique per copy (owner references stay intact). */
function copyInto(objects: KubeObject[], ns: string, n: number): KubeObject[] {
  const tag = (n + 1).toString(16).padStart(4, '0');
  const json = JSON.stringify(objects.filter((o) => !CLUSTER_SCOPED.has(o.kind)))
    .replaceAll('"namespace":"orders"', `"namespace":"${ns}"`)
    .replace(UID, `$1${tag}$2`);
  return JSON.parse(json) as KubeObject[];
}

const PODS_PER_NODE = 100;

export function loadStorm(kube: FakeKube, s: Scenario, namespaces: number, pods: number): void {
  const template = s.objects.find((o) => o.kind === 'Pod' && o.metadata.name === TEMPLATE_POD)!;
  const nodeName = (template as { spec?: { nodeName?: string } }).spec?.nodeName ?? '';
  const node = s.objects.find((o) => o.kind === 'Node' && o.metadata.name === nodeName)!;
  const nodes = Math.ceil((namespaces * pods) / PODS_PER_NODE);
  for (let k = 0; k < nodes; k++) {
    const meta = node.metadata as Record<string, unknown>;
    kube.upsert({
      ...node,
      metadata: { ...meta, name: `${nodeName}-s${k}`, uid: undefined, resourceVersion: undefined },
    } as KubeObject);
  }
  const current = s.logs[`orders/${TEMPLATE_POD}/order-router`] ?? '';
  const previous = s.logs[`orders/${TEMPLATE_POD}/order-router/previous`] ?? '';
  for (let n = 0; n < namespaces; n++) {
    const ns = stormNamespace(n);
    kube.upsert({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as KubeObject);
    for (const o of copyInto(s.objects as KubeObject[], ns, n)) kube.upsert(o);
    const [pod] = copyInto([template as KubeObject], ns, n);
    for (let p = 0; p < pods; p++) {
      const name = stormPod(p);
      const meta = pod!.metadata as Record<string, unknown>;
      const spec = (pod as { spec?: Record<string, unknown> }).spec;
      kube.upsert({
        ...pod!,
        metadata: { ...meta, name, uid: `${ns}-${name}`, resourceVersion: undefined },
        spec: { ...spec, nodeName: `${nodeName}-s${Math.floor((n * pods + p) / PODS_PER_NODE)}` },
      } as KubeObject);
      kube.setLogs(`${ns}/${name}/order-router`, current);
      kube.setLogs(`${ns}/${name}/order-router/previous`, previous);
    }
  }
}
