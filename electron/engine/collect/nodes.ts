import type * as k8s from '@kubernetes/client-node';
import type { EventInfo, NodeInfo } from '../../../shared/context.ts';
import { clean, eventInfo, iso } from './convert.ts';
import { type PodShape, readPodList } from './pod-list.ts';
import { addQuantity, formatQuantity } from './quantity.ts';
import { withSignal } from './read.ts';
import { POD_LIST_LIMIT, type Reader } from './reader.ts';
import { isUnhealthy } from './selectors.ts';

export function nodeInfo(node: k8s.V1Node, pods: k8s.V1Pod[]): NodeInfo {
  const requested: Record<string, number> = {};
  const active = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  for (const p of active) {
    for (const c of p.spec?.containers ?? []) {
      for (const [res, q] of Object.entries(c.resources?.requests ?? {}))
        addQuantity(requested, res, String(q));
    }
  }
  return clean({
    name: node.metadata?.name ?? '',
    conditions: (node.status?.conditions ?? []).map((c) =>
      clean({
        type: c.type,
        status: c.status,
        reason: c.reason,
        message: c.message,
        lastHeartbeat: iso(c.lastHeartbeatTime),
      }),
    ),
    taints: (node.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`),
    unschedulable: node.spec?.unschedulable ?? false,
    allocatable: Object.fromEntries(
      Object.entries(node.status?.allocatable ?? {}).map(([k, v]) => [k, String(v)]),
    ),
    requested: Object.fromEntries(Object.entries(requested).map(([k, v]) => [k, formatQuantity(k, v)])),
    kubeletVersion: node.status?.nodeInfo?.kubeletVersion,
    failingPods: pods.filter(isUnhealthy).map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`),
  }) as NodeInfo;
}

export interface NodeEvidence {
  info?: NodeInfo;
  /** In the shape asked for: brief when only `info` is wanted (pod-list.ts). */
  pods: k8s.V1Pod[];
  events: EventInfo[];
}

/**
 * The node, the pods scheduled on it (for requested vs allocatable and "what else is failing here"),
 * and its recent events. The kubelet records node events with the node's name as uid, so the event
 * query selects on kind and name only (as kubectl's fallback does).
 */
export async function readNode(r: Reader, name: string, pods: PodShape = 'full'): Promise<NodeEvidence> {
  const [node, list, events] = await Promise.all([
    r.get(`node ${name}`, (s) => r.kube.core.readNode({ name }, withSignal(s))),
    r.list(
      `pods on node ${name}`,
      POD_LIST_LIMIT,
      (s, limit) => readPodList(r.kube, { fieldSelector: `spec.nodeName=${name}`, limit }, s, pods),
      `${pods} pods on node ${name}`,
    ),
    r.get(`events of node ${name}`, (s) =>
      r.kube.core.listEventForAllNamespaces(
        { fieldSelector: `involvedObject.kind=Node,involvedObject.name=${name}` },
        withSignal(s),
      ),
    ),
  ]);
  const items = list?.items ?? [];
  return {
    info: node ? nodeInfo(node, items) : undefined,
    pods: items,
    events: (events?.items ?? []).map(eventInfo),
  };
}
