import type { Action } from '../../../shared/action.ts';
import { type KubeWrites, PATCH, type Raw } from './kube-writes.ts';
import type { TargetState } from './target.ts';

/**
 * The requests each action sends, built only from the typed action and the target just read — the same
 * requests kubectl sends for the same intent, so the cluster's audit log reads the same too.
 */

/** Go's time.RFC3339 in local time, which `kubectl rollout restart` writes ("2026-11-26T11:30:00+08:00"). */
export function rfc3339Local(d: Date): string {
  const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${zone}`;
}

/** `kubectl rollout restart`: a strategic merge patch of one pod-template annotation. */
export function restartPatch(at: Date): Raw {
  return {
    spec: {
      template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': rfc3339Local(at) } } },
    },
  };
}

/** The Deployment annotations `kubectl rollout undo` keeps from the Deployment rather than the ReplicaSet. */
const ANNOTATIONS_TO_SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

/**
 * `kubectl rollout undo`: a JSON patch replacing the template with the previous ReplicaSet's (without its
 * pod-template-hash label) and the annotations as kubectl merges them. A leading `test` of the
 * generation makes the server refuse if the Deployment changed after we read it.
 */
export function rollbackPatch(dep: Raw, previous: Raw): Raw[] {
  const template = structuredClone(previous.spec?.template ?? {});
  if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash'];
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries((dep.metadata?.annotations ?? {}) as Record<string, string>))
    if (ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries((previous.metadata?.annotations ?? {}) as Record<string, string>))
    if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  return [
    { op: 'test', path: '/metadata/generation', value: dep.metadata?.generation },
    { op: 'replace', path: '/spec/template', value: template },
    { op: 'replace', path: '/metadata/annotations', value: annotations },
  ];
}

/** The scale subresource, only from the replica count we read (a concurrent change fails the test). */
export function scalePatch(current: number, next: number): Raw[] {
  return [
    { op: 'test', path: '/spec/replicas', value: current },
    { op: 'replace', path: '/spec/replicas', value: next },
  ];
}

export class Refusal extends Error {}

export interface Performed {
  /** What the server did, for the audit log. */
  summary: string;
  /** The generation the change produced (what the outcome waits for the controller to observe). */
  generation?: number;
  replicas?: number;
}

/**
 * Sends the action's request, as a server-side dry run or for real. A pod is evicted (PodDisruptionBudgets
 * respected); it is deleted only on a cluster that does not serve the Eviction API and when no budget
 * covers it.
 */
export async function perform(
  w: KubeWrites,
  a: Action,
  t: TargetState,
  dryRun: boolean,
  now = new Date(),
): Promise<Performed> {
  const ns = a.namespace;
  switch (a.type) {
    case 'restart-pod': {
      const uid = String(t.obj.metadata?.uid ?? '');
      if (await w.evictionServed()) {
        await w.evict(ns, a.pod, uid, dryRun);
        return {
          summary: `pod ${ns}/${a.pod} evicted through the Eviction API${dryRun ? ' (dry run)' : ''}`,
        };
      }
      const labels = (t.obj.metadata?.labels ?? {}) as Record<string, string>;
      const covering = (await w.listPdbs(ns)).find((pdb) => selects(pdb.spec?.selector, labels));
      if (covering)
        throw new Refusal(
          `this cluster does not serve the Eviction API and PodDisruptionBudget ${covering.metadata?.name} covers pod ${a.pod}: a plain delete would ignore it`,
        );
      await w.deletePod(ns, a.pod, uid, dryRun);
      return {
        summary: `pod ${ns}/${a.pod} deleted (the cluster serves no Eviction API and no PodDisruptionBudget covers it)${dryRun ? ' (dry run)' : ''}`,
      };
    }
    case 'rollout-restart': {
      const r = await w.patch(a.kind, ns, a.name, restartPatch(now), PATCH.strategic, dryRun);
      return {
        summary: `${a.kind.toLowerCase()} ${ns}/${a.name} restarted (pod template annotation kubectl.kubernetes.io/restartedAt)${dryRun ? ' (dry run)' : ''}`,
        generation: r.metadata?.generation,
      };
    }
    case 'rollback': {
      if (!t.previous) throw new Refusal(`deployment ${ns}/${a.deployment} has no previous revision`);
      const revision = t.previous.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? '?';
      const r = await w.patch(
        'Deployment',
        ns,
        a.deployment,
        rollbackPatch(t.obj, t.previous),
        PATCH.json,
        dryRun,
      );
      return {
        summary: `deployment ${ns}/${a.deployment} rolled back to the template of revision ${revision} (ReplicaSet ${t.previous.metadata?.name})${dryRun ? ' (dry run)' : ''}`,
        generation: r.metadata?.generation,
      };
    }
    case 'scale-up': {
      const current = Number(t.obj.spec?.replicas ?? 1);
      const next = current + a.by;
      await w.patchDeploymentScale(ns, a.deployment, scalePatch(current, next), PATCH.json, dryRun);
      return {
        summary: `deployment ${ns}/${a.deployment} scaled from ${current} to ${next} replicas${dryRun ? ' (dry run)' : ''}`,
        generation: Number(t.obj.metadata?.generation ?? 0) + 1,
        replicas: next,
      };
    }
  }
}

/** metav1.LabelSelector matching (policy/v1: an empty selector covers every pod of the namespace). */
export function selects(selector: Raw | undefined | null, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries((selector.matchLabels ?? {}) as Record<string, string>))
    if (labels[k] !== v) return false;
  for (const e of (selector.matchExpressions ?? []) as Raw[]) {
    const has = Object.hasOwn(labels, e.key);
    const values = (e.values ?? []) as string[];
    const ok =
      e.operator === 'In'
        ? has && values.includes(labels[e.key]!)
        : e.operator === 'NotIn'
          ? !has || !values.includes(labels[e.key]!)
          : e.operator === 'Exists'
            ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}
