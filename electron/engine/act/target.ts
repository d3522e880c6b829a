import type { Action } from '../../../shared/action.ts';
import type { Context } from '../../../shared/context.ts';
import type { KubeWrites, Raw, WorkloadKind } from './kube-writes.ts';

/**
 * The target of an action as it is now, read fresh from the API server: the facts the safety rails
 * (changed since the diagnosis? last ready replica? rollout strategy?) and the call itself need.
 */
export interface TargetState {
  /** The object the action changes (the pod, or the workload). */
  obj: Raw;
  /** For a pod: the controller at the top of its owner chain (Deployment, StatefulSet, DaemonSet…). */
  workload?: { kind: string; name: string; obj: Raw | null; selector: string | null };
  /** For a pod: the pods of its workload; used to count the other Ready replicas. */
  pods?: Raw[];
  /** For a rollback: the newest ReplicaSet and the one before (by revision, as kubectl rollout undo). */
  current?: Raw;
  previous?: Raw;
  /** For a scale-up: the autoscalers that manage the deployment. */
  hpas?: Raw[];
}

/** What is recorded when an action is proposed, to tell later whether its target changed. */
export interface Snapshot {
  kubeContext?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  currentReplicaSet?: string;
  previousReplicaSet?: string;
  replicas?: number;
}

export class TargetGone extends Error {}

export const revisionOf = (rs: Raw) =>
  Number(rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0);

export function controllerOf(obj: Raw): { kind: string; name: string; uid?: string } | undefined {
  const refs = (obj.metadata?.ownerReferences ?? []) as Raw[];
  const ref = refs.find((r) => r.controller) ?? refs[0];
  return ref ? { kind: String(ref.kind), name: String(ref.name), uid: ref.uid } : undefined;
}

/** A LabelSelector as the `labelSelector` query string. */
export function selectorString(sel: Raw | undefined): string | null {
  if (!sel) return null;
  const parts = Object.entries((sel.matchLabels ?? {}) as Record<string, string>).map(
    ([k, v]) => `${k}=${v}`,
  );
  for (const e of (sel.matchExpressions ?? []) as Raw[]) {
    const values = ((e.values ?? []) as string[]).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : null;
}

export const isReady = (pod: Raw) =>
  !pod.metadata?.deletionTimestamp &&
  ((pod.status?.conditions ?? []) as Raw[]).some((c) => c.type === 'Ready' && c.status === 'True');

const KNOWN: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

async function podTarget(w: KubeWrites, ns: string, name: string): Promise<TargetState> {
  const pod = await w.readPod(ns, name);
  if (!pod) throw new TargetGone(`pod ${ns}/${name} no longer exists (it was deleted or replaced)`);
  let ref = controllerOf(pod);
  if (!ref || !KNOWN.has(ref.kind))
    return { obj: pod, ...(ref ? { workload: { ...ref, obj: null, selector: null } } : {}) };
  let obj = await w.readWorkload(ref.kind as WorkloadKind, ns, ref.name);
  // A ReplicaSet's selector includes its pod-template-hash; its Deployment's covers every revision.
  const up = obj && ref.kind === 'ReplicaSet' ? controllerOf(obj) : undefined;
  if (obj && up?.kind === 'Deployment') {
    const dep = await w.readWorkload('Deployment', ns, up.name);
    if (dep) {
      ref = up;
      obj = dep;
    }
  }
  const selector = obj ? selectorString(obj.spec?.selector) : null;
  const pods = selector ? await w.listPods(ns, selector) : [];
  return { obj: pod, workload: { kind: ref.kind, name: ref.name, obj, selector }, pods };
}

/** Reads the action's target now; TargetGone when it no longer exists. */
export async function readTarget(w: KubeWrites, a: Action): Promise<TargetState> {
  switch (a.type) {
    case 'restart-pod':
      return podTarget(w, a.namespace, a.pod);
    case 'rollout-restart': {
      const obj = await w.readWorkload(a.kind, a.namespace, a.name);
      if (!obj) throw new TargetGone(`${a.kind.toLowerCase()} ${a.namespace}/${a.name} no longer exists`);
      return { obj };
    }
    case 'rollback': {
      const obj = await w.readWorkload('Deployment', a.namespace, a.deployment);
      if (!obj) throw new TargetGone(`deployment ${a.namespace}/${a.deployment} no longer exists`);
      const selector = selectorString(obj.spec?.selector);
      const owned = (selector ? await w.listReplicaSets(a.namespace, selector) : [])
        .filter((rs) => controllerOf(rs)?.uid === obj.metadata?.uid)
        .sort((x, y) => revisionOf(y) - revisionOf(x));
      return { obj, current: owned[0], previous: owned[1] };
    }
    case 'scale-up': {
      const obj = await w.readWorkload('Deployment', a.namespace, a.deployment);
      if (!obj) throw new TargetGone(`deployment ${a.namespace}/${a.deployment} no longer exists`);
      const hpas = (await w.listHpas(a.namespace)).filter(
        (h) => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec?.scaleTargetRef?.name === a.deployment,
      );
      return { obj, hpas };
    }
  }
}

export function snapshotOf(t: TargetState, kubeContext: string): Snapshot {
  const md = t.obj.metadata ?? {};
  return {
    kubeContext,
    uid: md.uid,
    resourceVersion: md.resourceVersion,
    ...(typeof md.generation === 'number' ? { generation: md.generation } : {}),
    ...(t.current ? { currentReplicaSet: t.current.metadata?.name } : {}),
    ...(t.previous ? { previousReplicaSet: t.previous.metadata?.name } : {}),
    ...(typeof t.obj.spec?.replicas === 'number' ? { replicas: t.obj.spec.replicas } : {}),
  };
}

/** What the diagnosis itself saw of the target (the context), to compare with the target now. */
export function diagnosisFacts(a: Action, ctx: Context | null): Snapshot {
  if (!ctx) return {};
  const facts: Snapshot = ctx.kubeContext ? { kubeContext: ctx.kubeContext } : {};
  if (a.type === 'restart-pod') {
    const pod = ctx.pods.find((p) => p.name === a.pod && p.namespace === a.namespace);
    return pod ? { ...facts, uid: pod.uid } : facts;
  }
  const w = ctx.workload;
  const name = a.type === 'rollout-restart' ? a.name : a.deployment;
  if (!w || w.name !== name || w.namespace !== a.namespace) return facts;
  if (a.type === 'rollback' && w.rollout)
    return {
      ...facts,
      currentReplicaSet: w.rollout.current.name,
      ...(w.rollout.previous ? { previousReplicaSet: w.rollout.previous.name } : {}),
    };
  if (a.type === 'scale-up' && w.replicas) return { ...facts, replicas: w.replicas.desired };
  return facts;
}

/**
 * Why the target is not the one the diagnosis (and the proposal) looked at, or null. Spec-level facts
 * only: a pod's resourceVersion moves with every status update (each restart of a crash-looping
 * container), so identity (uid) and generation decide, plus the rollout's ReplicaSets and replicas.
 */
export function changedSince(a: Action, then: Snapshot, now: Snapshot, label: string): string | null {
  if (then.uid && now.uid && then.uid !== now.uid)
    return `${label} was replaced since the diagnosis (uid ${then.uid.slice(0, 8)}… is now ${now.uid.slice(0, 8)}…)`;
  if (then.generation !== undefined && now.generation !== undefined && then.generation !== now.generation)
    return `${label} was changed since the diagnosis (generation ${then.generation} → ${now.generation}): someone may already have acted`;
  if (a.type === 'rollback') {
    if (then.currentReplicaSet && now.currentReplicaSet !== then.currentReplicaSet)
      return `${label} has a newer rollout since the diagnosis (newest ReplicaSet ${then.currentReplicaSet} → ${now.currentReplicaSet ?? 'none'})`;
    if (then.previousReplicaSet && now.previousReplicaSet !== then.previousReplicaSet)
      return `the revision to roll back to changed since the diagnosis (${then.previousReplicaSet} → ${now.previousReplicaSet ?? 'none'})`;
  }
  if (
    a.type === 'scale-up' &&
    then.replicas !== undefined &&
    now.replicas !== undefined &&
    then.replicas !== now.replicas
  )
    return `${label} was scaled since the diagnosis (${then.replicas} → ${now.replicas} replicas)`;
  return null;
}
