import type * as k8s from '@kubernetes/client-node';
import type { Context, Target } from '../../../shared/context.ts';
import { podOwner } from '../../../shared/workload.ts';
import { eventInfo } from './convert.ts';
import { investigatePods, pvcEvents, pvcInfo, siblingSummaries } from './investigate.ts';
import { readNode } from './nodes.ts';
import { readPodList } from './pod-list.ts';
import { type LogLimits, readPod } from './pods.ts';
import { withSignal } from './read.ts';
import { POD_LIST_LIMIT, type Reader } from './reader.ts';
import { isUnhealthy, mapSelector } from './selectors.ts';
import { readWorkload, type Workload, type WorkloadKind, workloadSelector } from './workloads.ts';

type Flow = (
  r: Reader,
  ctx: Context,
  t: Required<Pick<Target, 'name' | 'namespace'>>,
  limits: LogLimits,
) => Promise<void>;

async function listPods(r: Reader, namespace: string, labelSelector: string | undefined, what: string) {
  const list = await r.list(what, POD_LIST_LIMIT, (s, limit) =>
    readPodList(r.kube, { namespace, labelSelector, limit }, s),
  );
  return list?.items ?? [];
}

/**
 * The alert's pod is gone (replaced by a rollout or a reschedule): say so, and look at the newest pods
 * of the same workload instead, recognised by the pod naming scheme.
 */
async function replacedPod(r: Reader, ctx: Context, namespace: string, name: string, limits: LogLimits) {
  const w = podOwner(name);
  const all = await listPods(r, namespace, undefined, `pods in namespace ${namespace}`);
  const newest = all
    .filter((p) => w.pattern.test(p.metadata?.name ?? ''))
    .sort(
      (a, b) =>
        new Date(b.metadata?.creationTimestamp ?? 0).getTime() -
        new Date(a.metadata?.creationTimestamp ?? 0).getTime(),
    );
  const gap = {
    what: `pod ${namespace}/${name}`,
    reason: `pod ${name} not found in namespace ${namespace}; it may have been replaced${
      newest.length
        ? ` — newest pods of ${w.kind} ${w.name}: ${newest
            .slice(0, 3)
            .map((p) => p.metadata?.name)
            .join(', ')}`
        : ''
    }`,
    fix: `run \`kubectl get pods -n ${namespace}\` to see what runs now`,
  };
  const idx = ctx.gaps.findIndex((g) => g.what === gap.what);
  if (idx >= 0) ctx.gaps[idx] = gap;
  else ctx.gaps.push(gap);
  if (newest.length) await investigatePods(r, ctx, newest, limits);
}

const podFlow: Flow = async (r, ctx, t, limits) => {
  const pod = await readPod(r, t.namespace, t.name);
  if (!pod) {
    if (ctx.gaps.at(-1)?.reason.includes('not found')) await replacedPod(r, ctx, t.namespace, t.name, limits);
    return;
  }
  // With its siblings: healthy replicas answer "is it one pod or all of them?".
  await investigatePods(r, ctx, [pod], limits, { detailed: 1, siblings: true });
};

function workloadFlow(kind: WorkloadKind): Flow {
  return async (r, ctx, t, limits) => {
    const obj = await readWorkload(r, kind, t.namespace, t.name);
    if (!obj) return;
    let workload: Workload = { kind, obj, chain: [`${kind}/${t.name}`] };
    if (kind === 'CronJob') {
      const job = await newestJob(r, obj as k8s.V1CronJob);
      if (!job) {
        r.gap({
          what: `jobs of cronjob ${t.namespace}/${t.name}`,
          reason: 'the CronJob has no Jobs left (history limits, or it never ran)',
        });
        return;
      }
      workload = { kind: 'Job', obj: job, chain: [`Job/${job.metadata?.name}`, `CronJob/${t.name}`] };
    }
    const what = `pods of ${workload.kind.toLowerCase()} ${t.namespace}/${workload.obj.metadata?.name}`;
    const pods = await listPods(r, t.namespace, workloadSelector(workload), what);
    // A list that failed is already a gap; it does not mean the workload has no pods.
    if (!pods.length && !ctx.gaps.some((g) => g.what === what))
      r.gap({
        what: `pods of ${kind.toLowerCase()} ${t.namespace}/${t.name}`,
        reason: 'it has no pods right now',
      });
    await investigatePods(r, ctx, pods, limits, { workload });
  };
}

/** The CronJob's most recent Job, preferring one that failed. */
async function newestJob(r: Reader, cron: k8s.V1CronJob): Promise<k8s.V1Job | undefined> {
  const namespace = cron.metadata?.namespace ?? '';
  const jobs = await r.get(`jobs in ${namespace}`, (s) =>
    r.kube.batch.listNamespacedJob({ namespace }, withSignal(s)),
  );
  const owned = (jobs?.items ?? [])
    .filter((j) => j.metadata?.ownerReferences?.some((o) => o.uid === cron.metadata?.uid))
    .sort(
      (a, b) =>
        new Date(b.metadata?.creationTimestamp ?? 0).getTime() -
        new Date(a.metadata?.creationTimestamp ?? 0).getTime(),
    );
  return owned.find((j) => (j.status?.failed ?? 0) > 0) ?? owned[0];
}

const serviceFlow: Flow = async (r, ctx, t, limits) => {
  const [svc, endpoints] = await Promise.all([
    r.get(`service ${t.namespace}/${t.name}`, (s) =>
      r.kube.core.readNamespacedService({ name: t.name, namespace: t.namespace }, withSignal(s)),
    ),
    r.optional(`endpoints ${t.namespace}/${t.name}`, (s) =>
      r.kube.core.readNamespacedEndpoints({ name: t.name, namespace: t.namespace }, withSignal(s)),
    ),
  ]);
  if (!svc) return;
  const selector = mapSelector(svc.spec?.selector);
  ctx.service = {
    name: t.name,
    namespace: t.namespace,
    ...(selector ? { selector } : {}),
    readyEndpoints: (endpoints?.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0),
    notReadyEndpoints: (endpoints?.subsets ?? []).reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0),
  };
  if (!selector) {
    r.gap({
      what: `pods of service ${t.namespace}/${t.name}`,
      reason: 'the service has no selector (external or manually managed endpoints)',
    });
    return;
  }
  await investigatePods(
    r,
    ctx,
    await listPods(r, t.namespace, selector, `pods of service ${t.namespace}/${t.name}`),
    limits,
  );
};

const pvcFlow: Flow = async (r, ctx, t, limits) => {
  const pvc = await r.get(`persistentvolumeclaim ${t.namespace}/${t.name}`, (s) =>
    r.kube.core.readNamespacedPersistentVolumeClaim({ name: t.name, namespace: t.namespace }, withSignal(s)),
  );
  if (!pvc) return;
  const info = pvcInfo(pvc);
  ctx.pvcs.push(info);
  const [events, pods] = await Promise.all([
    pvcEvents(r, pvc),
    listPods(r, t.namespace, undefined, `pods in namespace ${t.namespace}`),
  ]);
  ctx.events.push(...events);
  const users = pods.filter((p) =>
    p.spec?.volumes?.some((v) => v.persistentVolumeClaim?.claimName === t.name),
  );
  if (users.length) await investigatePods(r, ctx, users, limits);
  // investigatePods read the claim again for the pods that mount it; keep exactly one entry.
  ctx.pvcs = [info, ...ctx.pvcs.filter((p) => p.name !== t.name)];
};

/** A namespace-only alert: its warning events and its unhealthy pods. */
const namespaceFlow: Flow = async (r, ctx, t, limits) => {
  const [events, pods] = await Promise.all([
    r.get(`warning events in namespace ${t.namespace}`, (s) =>
      r.kube.core.listNamespacedEvent(
        { namespace: t.namespace, fieldSelector: 'type=Warning' },
        withSignal(s),
      ),
    ),
    listPods(r, t.namespace, undefined, `pods in namespace ${t.namespace}`),
  ]);
  ctx.events.push(...(events?.items ?? []).map(eventInfo));
  const bad = pods.filter(isUnhealthy);
  if (bad.length) await investigatePods(r, ctx, bad, limits);
  else ctx.siblings.push(...siblingSummaries(pods).slice(0, 20));
};

/** A node alert: the node, its events, and the worst pods on it. */
async function nodeFlow(r: Reader, ctx: Context, name: string, limits: LogLimits): Promise<void> {
  const n = await readNode(r, name);
  if (!n.info) return;
  ctx.events.push(...n.events);
  ctx.nodes.push(n.info);
  const failing = n.pods.filter(isUnhealthy);
  if (failing.length) await investigatePods(r, ctx, failing, limits, { detailed: 2 });
}

const FLOWS: Partial<Record<Target['kind'], Flow>> = {
  pod: podFlow,
  deployment: workloadFlow('Deployment'),
  statefulset: workloadFlow('StatefulSet'),
  daemonset: workloadFlow('DaemonSet'),
  replicaset: workloadFlow('ReplicaSet'),
  job: workloadFlow('Job'),
  cronjob: workloadFlow('CronJob'),
  service: serviceFlow,
  pvc: pvcFlow,
  namespace: namespaceFlow,
};

export async function collectTarget(r: Reader, ctx: Context, limits: LogLimits): Promise<void> {
  const t = ctx.target;
  if (t.kind === 'node' && t.name) return nodeFlow(r, ctx, t.name, limits);
  const flow = FLOWS[t.kind];
  if (flow && t.name && t.namespace) return flow(r, ctx, { name: t.name, namespace: t.namespace }, limits);
  r.gap({
    what: 'target',
    reason: 'the alert names no namespace or object (labels such as pod, deployment, node or namespace)',
    fix: 'add the object to the alert labels in the Prometheus rule, or analyse the cluster by hand',
  });
}
