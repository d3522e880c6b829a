import type * as k8s from '@kubernetes/client-node';
import type { Context, PodUsage, PvcInfo } from '../../../shared/context.ts';
import { clean, eventInfo } from './convert.ts';
import { readNode } from './nodes.ts';
import { type LogLimits, readPodDetails } from './pods.ts';
import { withSignal } from './read.ts';
import type { Reader } from './reader.ts';
import { rankPods } from './selectors.ts';
import { type Workload, workloadAround, workloadDetails } from './workloads.ts';

/** How many pods of a workload are read closely (events, logs); the rest are listed as siblings. */
export const DETAILED_PODS = 3;

/**
 * Given the pods an alert is about, reads what an engineer would look at — in two parallel waves
 * after the pods themselves: (1) each chosen pod's events and logs, its workload and last rollout, its
 * node, its volume claims and usage; all independent reads run together.
 */
export async function investigatePods(
  r: Reader,
  ctx: Context,
  pods: k8s.V1Pod[],
  limits: LogLimits,
  opts: { workload?: Workload; detailed?: number; siblings?: boolean } = {},
): Promise<void> {
  const ranked = rankPods(pods);
  const chosen = ranked.slice(0, opts.detailed ?? DETAILED_PODS);
  const others = ranked.slice(chosen.length);
  ctx.siblings.push(...siblingSummaries(others));
  const namespace = chosen[0]?.metadata?.namespace;
  // A node the caller has read already (a node alert's own node) is not read again.
  const nodeNames = [
    ...new Set(chosen.map((p) => p.spec?.nodeName).filter((n): n is string => Boolean(n))),
  ].filter((n) => !ctx.nodes.some((x) => x.name === n));
  const claims = [
    ...new Set(
      chosen.flatMap(
        (p) =>
          (p.spec?.volumes ?? []).map((v) => v.persistentVolumeClaim?.claimName).filter(Boolean) as string[],
      ),
    ),
  ];

  const podReads = chosen.map((p) => readPodDetails(r, p, limits));
  const workloadRead = (async () => {
    const around = opts.workload
      ? await workloadDetails(r, opts.workload)
      : chosen[0]
        ? await workloadAround(r, chosen[0], opts.siblings ?? false)
        : undefined;
    if (!around) return;
    if (around.info) ctx.workload = around.info;
    ctx.events.push(...around.events);
    const seen = new Set(pods.map((p) => p.metadata?.name));
    ctx.siblings.push(...siblingSummaries(around.siblings.filter((p) => !seen.has(p.metadata?.name))));
  })();
  const nodeReads = nodeNames.map(async (name) => {
    // Brief: only the node's summary is kept here, not its pods.
    const n = await readNode(r, name, 'brief');
    if (n.info) ctx.nodes.push(n.info);
    // Node events matter only when the node itself is in trouble or is the target.
    if (ctx.target.kind === 'node' || n.events.some((e) => e.type === 'Warning'))
      ctx.events.push(...n.events);
  });
  const claimReads = claims.map(async (claim) => {
    const pvc = await r.get(`persistentvolumeclaim ${namespace}/${claim}`, (s) =>
      r.kube.core.readNamespacedPersistentVolumeClaim(
        { name: claim, namespace: namespace ?? '' },
        withSignal(s),
      ),
    );
    if (pvc) ctx.pvcs.push(pvcInfo(pvc));
    if (pvc && pvc.status?.phase !== 'Bound') ctx.events.push(...(await pvcEvents(r, pvc)));
  });
  const usageRead = namespace
    ? readUsage(r, namespace, new Set(chosen.map((p) => p.metadata?.name ?? '')))
    : Promise.resolve(undefined);

  const [details, , , , usage] = await Promise.all([
    Promise.all(podReads),
    workloadRead,
    Promise.all(nodeReads),
    Promise.all(claimReads),
    usageRead,
  ]);
  for (const d of details) {
    if (d.pod) ctx.pods.push(d.pod);
    ctx.events.push(...d.events);
    ctx.logs.push(...d.logs);
  }
  if (usage) ctx.usage.push(...usage);
  if (namespace) ctx.metricsApi = usage !== undefined;
}

/** One line per pod: enough to see whether one replica or all of them are in trouble. */
export function siblingSummaries(pods: k8s.V1Pod[]): Context['siblings'] {
  return rankPods(pods).map((p) => {
    const statuses = p.status?.containerStatuses ?? [];
    return {
      name: p.metadata?.name ?? '',
      phase: p.status?.phase ?? 'Unknown',
      ready: statuses.length > 0 && statuses.every((s) => s.ready),
      restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
    };
  });
}

export function pvcInfo(pvc: k8s.V1PersistentVolumeClaim): PvcInfo {
  return clean({
    name: pvc.metadata?.name ?? '',
    namespace: pvc.metadata?.namespace ?? '',
    phase: pvc.status?.phase ?? 'Unknown',
    storageClass: pvc.spec?.storageClassName,
    volumeName: pvc.spec?.volumeName,
    capacity: pvc.status?.capacity?.storage ? String(pvc.status.capacity.storage) : undefined,
    accessModes: pvc.spec?.accessModes ?? [],
  }) as PvcInfo;
}

export async function pvcEvents(r: Reader, pvc: k8s.V1PersistentVolumeClaim) {
  const namespace = pvc.metadata?.namespace ?? '';
  const name = pvc.metadata?.name ?? '';
  const list = await r.get(`events of persistentvolumeclaim ${namespace}/${name}`, (s) =>
    r.kube.core.listNamespacedEvent(
      { namespace, fieldSelector: `involvedObject.kind=PersistentVolumeClaim,involvedObject.name=${name}` },
      withSignal(s),
    ),
  );
  return (list?.items ?? []).map(eventInfo);
}

/**
 * metrics.k8s.io usage of the chosen pods; undefined where the Metrics API did not answer (metrics-server
 * not installed, no access): no gap, but no `kubectl top` step either.
 */
async function readUsage(r: Reader, namespace: string, names: Set<string>): Promise<PodUsage[] | undefined> {
  const metrics = r.kube.metrics;
  if (!metrics) return undefined;
  const list = await r.optional(`pod metrics in ${namespace}`, () => metrics.getPodMetrics(namespace));
  if (!list) return undefined;
  return list.items
    .filter((m) => names.has(m.metadata.name))
    .map((m) => ({
      pod: m.metadata.name,
      containers: m.containers.map((c) => ({
        name: c.name,
        cpu: String(c.usage.cpu),
        memory: String(c.usage.memory),
      })),
    }));
}
