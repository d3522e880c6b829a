import type { Action } from '../../../shared/action.ts';
import type { Policy } from '../../../shared/policy.ts';
import type { Raw } from './kube-writes.ts';
import { isReady, revisionOf, type TargetState } from './target.ts';

/**
 * The safety rails that need the target as it is now: never leave a workload without a ready replica,
 * never act where the change would not take effect or would fight another controller. Pure functions of
 * the fresh reads; each refusal says why in words an engineer can act on.
 */

/** An intstr (3 or "25%") against a total; Kubernetes rounds maxUnavailable down and maxSurge up. */
export function intOrPercent(v: unknown, total: number, roundUp: boolean, fallback: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+%$/.test(v)) {
    const exact = (Number(v.slice(0, -1)) / 100) * total;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return fallback;
}

/** The fewest replicas a rolling update of this object keeps available. */
function minAvailable(obj: Raw): { replicas: number; maxUnavailable: number; strategy: string } {
  const kind = obj.kind as string | undefined;
  if (kind === 'DaemonSet' || obj.status?.desiredNumberScheduled !== undefined) {
    const desired = Number(obj.status?.desiredNumberScheduled ?? 0);
    const ru = obj.spec?.updateStrategy?.rollingUpdate ?? {};
    const surge = intOrPercent(ru.maxSurge, desired, true, 0);
    const unavailable = intOrPercent(ru.maxUnavailable, desired, false, surge > 0 ? 0 : 1);
    return {
      replicas: desired,
      maxUnavailable: unavailable,
      strategy: obj.spec?.updateStrategy?.type ?? 'RollingUpdate',
    };
  }
  const replicas = Number(obj.spec?.replicas ?? 1);
  if (obj.spec?.strategy) {
    const ru = obj.spec.strategy.rollingUpdate ?? {};
    const surge = intOrPercent(ru.maxSurge, replicas, true, Math.ceil(replicas * 0.25));
    let unavailable = intOrPercent(ru.maxUnavailable, replicas, false, Math.floor(replicas * 0.25));
    if (unavailable === 0 && surge === 0) unavailable = 1;
    return { replicas, maxUnavailable: unavailable, strategy: obj.spec.strategy.type ?? 'RollingUpdate' };
  }
  const ru = obj.spec?.updateStrategy?.rollingUpdate ?? {};
  return {
    replicas,
    maxUnavailable: intOrPercent(ru.maxUnavailable, replicas, false, 1),
    strategy: obj.spec?.updateStrategy?.type ?? 'RollingUpdate',
  };
}

const readyOf = (obj: Raw) => Number(obj.status?.readyReplicas ?? obj.status?.numberReady ?? 0);

/** A rollout (restart or rollback) of `obj` could take its last ready replica down. */
function rolloutProblem(kind: string, name: string, obj: Raw): string | null {
  if (obj.spec?.paused)
    return `${kind} ${name} is paused: resume it (kubectl rollout resume) before a rollout`;
  const m = minAvailable(obj);
  const ready = readyOf(obj);
  if (m.strategy === 'OnDelete')
    return `${kind} ${name} uses the OnDelete update strategy: a rollout would not replace any pod until each is deleted by hand`;
  if (ready === 0) return null; // nothing is serving; a rollout cannot make that worse
  if (m.strategy === 'Recreate')
    return `${kind} ${name} uses the Recreate strategy, which stops every pod first: it would have no ready replica during the rollout`;
  if (m.replicas - m.maxUnavailable < 1)
    return `${kind} ${name} has ${m.replicas} replica(s) and maxUnavailable ${m.maxUnavailable}: the rollout could leave it with no ready replica`;
  return null;
}

/** kubectl's equalIgnoreHash: templates equal once the pod-template-hash label is set aside. */
export function sameTemplate(a: Raw | undefined, b: Raw | undefined): boolean {
  const strip = (t: Raw | undefined) => {
    const c = structuredClone(t ?? {});
    if (c.metadata?.labels) delete c.metadata.labels['pod-template-hash'];
    return c;
  };
  return canonical(strip(a)) === canonical(strip(b));
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Raw)[k] !== undefined && (v as Raw)[k] !== null)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Raw)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** Why the action must not run on the target as it is now, or null. */
export function targetProblem(a: Action, t: TargetState, policy: Policy): string | null {
  switch (a.type) {
    case 'restart-pod': {
      const w = t.workload;
      const pod = `pod ${a.namespace}/${a.pod}`;
      if (!w) return `${pod} has no controller: evicting it would delete it for good`;
      if (w.kind === 'Job')
        return `${pod} belongs to Job ${w.name}: a restarted pod would count as a failed attempt; re-run the job instead`;
      if (!['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].includes(w.kind) || !w.obj)
        return `${pod} is owned by ${w.kind} ${w.name}, which this app cannot check replaces it`;
      if (!w.selector) return `${w.kind} ${w.name} has no selector to find its other replicas`;
      const others = (t.pods ?? []).filter(
        (p) => p.metadata?.uid !== t.obj.metadata?.uid && isReady(p),
      ).length;
      if (isReady(t.obj) && others === 0)
        return `${pod} is the last ready replica of ${w.kind.toLowerCase()} ${w.name}: restarting it would leave none ready`;
      if (t.obj.metadata?.deletionTimestamp) return `${pod} is already being deleted`;
      return null;
    }
    case 'rollout-restart':
      return rolloutProblem(a.kind.toLowerCase(), `${a.namespace}/${a.name}`, t.obj);
    case 'rollback': {
      const name = `${a.namespace}/${a.deployment}`;
      if (!t.previous) return `deployment ${name} has no previous revision to roll back to`;
      if (sameTemplate(t.previous.spec?.template, t.obj.spec?.template))
        return `deployment ${name} already runs the template of revision ${revisionOf(t.previous)}: nothing to roll back`;
      return rolloutProblem('deployment', name, t.obj);
    }
    case 'scale-up': {
      const name = `deployment ${a.namespace}/${a.deployment}`;
      const hpa = t.hpas?.[0];
      if (hpa)
        return `${name} is managed by HorizontalPodAutoscaler ${hpa.metadata?.name}: it would undo a manual scale; change its minReplicas instead`;
      if (t.obj.spec?.paused) return `${name} is paused`;
      const now = Number(t.obj.spec?.replicas ?? 1);
      if (now + a.by > policy.scaleUp.maxReplicas)
        return `${name} would go from ${now} to ${now + a.by} replicas, above the policy's scaleUp.maxReplicas of ${policy.scaleUp.maxReplicas}`;
      return null;
    }
  }
}
