import type * as k8s from '@kubernetes/client-node';

/** A LabelSelector object as the `labelSelector` query string the API server takes. */
export function selectorString(sel: k8s.V1LabelSelector | undefined): string | undefined {
  if (!sel) return undefined;
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : undefined;
}

export function mapSelector(sel: Record<string, string> | undefined): string | undefined {
  const parts = Object.entries(sel ?? {}).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(',') : undefined;
}

/**
 * How bad a pod looks, for choosing which pods of a workload to read closely: failed or pending first,
 * then waiting containers, then restarts, then not ready; newer pods first among equals (the newest
 * ReplicaSet is the usual suspect).
 */
export function podBadness(pod: k8s.V1Pod): number {
  const phase = pod.status?.phase;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  let score = 0;
  if (phase === 'Failed') score += 1000;
  if (phase === 'Pending' || phase === 'Unknown') score += 800;
  if (pod.metadata?.deletionTimestamp) score += 300;
  for (const s of statuses) {
    if (s.state?.waiting && !['ContainerCreating', 'PodInitializing'].includes(s.state.waiting.reason ?? ''))
      score += 500;
    if (s.state?.terminated && s.state.terminated.exitCode !== 0) score += 400;
    score += Math.min(s.restartCount ?? 0, 50) * 5;
    if (!s.ready && phase === 'Running') score += 100;
  }
  return score;
}

export function isUnhealthy(pod: k8s.V1Pod): boolean {
  if (pod.status?.phase === 'Succeeded') return false;
  return podBadness(pod) > 0;
}

export function rankPods(pods: k8s.V1Pod[]): k8s.V1Pod[] {
  const created = (p: k8s.V1Pod) => new Date(p.metadata?.creationTimestamp ?? 0).getTime();
  return [...pods].sort((a, b) => podBadness(b) - podBadness(a) || created(b) - created(a));
}
