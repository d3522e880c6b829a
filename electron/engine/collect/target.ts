import type { Target, TargetKind } from '../../../shared/context.ts';

/**
 * Which object an alert is about, from kube-prometheus / kubernetes-mixin label names. The most specific
 * label wins: a pod alert that also names its node is about the pod.
 */
const ORDER: ReadonlyArray<[label: string, kind: TargetKind]> = [
  ['pod', 'pod'],
  ['deployment', 'deployment'],
  ['statefulset', 'statefulset'],
  ['daemonset', 'daemonset'],
  ['replicaset', 'replicaset'],
  ['job_name', 'job'],
  ['cronjob', 'cronjob'],
  ['persistentvolumeclaim', 'pvc'],
  ['service', 'service'],
  ['node', 'node'],
];

export function targetFromLabels(labels: Record<string, string>, clusterLabel = 'cluster'): Target {
  const namespace = nonEmpty(labels.namespace);
  const cluster = nonEmpty(labels[clusterLabel]);
  const container = nonEmpty(labels.container);
  for (const [label, kind] of ORDER) {
    const name = nonEmpty(labels[label]);
    if (!name) continue;
    if (kind !== 'node' && !namespace) continue;
    return clean({ kind, name, namespace: kind === 'node' ? undefined : namespace, container, cluster });
  }
  if (namespace) return clean({ kind: 'namespace', name: namespace, namespace, cluster });
  return clean({ kind: 'cluster', cluster });
}

export function describeTarget(t: Target): string {
  if (t.kind === 'cluster') return t.cluster ? `cluster/${t.cluster}` : 'cluster';
  return `${t.kind}/${t.name ?? ''}`;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v && v.trim() !== '' ? v : undefined;
}

function clean(t: Target): Target {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)) as Target;
}
