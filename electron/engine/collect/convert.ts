import type * as k8s from '@kubernetes/client-node';
import type { ContainerInfo, ContainerStateInfo, EventInfo, PodInfo } from '../../../shared/context.ts';

/** client-node turns most timestamps into Date objects but leaves eventTime a string (PROTOCOLS §2.6). */
export function iso(v: Date | string | undefined | null): string | undefined {
  if (!v) return undefined;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function stateInfo(s: k8s.V1ContainerState | undefined): ContainerStateInfo | undefined {
  if (!s) return undefined;
  if (s.waiting)
    return clean<ContainerStateInfo>({
      kind: 'waiting',
      reason: s.waiting.reason,
      message: s.waiting.message,
    });
  if (s.running) return clean<ContainerStateInfo>({ kind: 'running', startedAt: iso(s.running.startedAt) });
  if (s.terminated) {
    const t = s.terminated;
    return clean<ContainerStateInfo>({
      kind: 'terminated',
      reason: t.reason,
      message: t.message,
      exitCode: t.exitCode,
      signal: t.signal,
      startedAt: iso(t.startedAt),
      finishedAt: iso(t.finishedAt),
    });
  }
  return undefined;
}

function quantities(r: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, String(v)]));
}

function configRefs(c: k8s.V1Container): string[] {
  const refs = new Set<string>();
  for (const e of c.env ?? []) {
    const cm = e.valueFrom?.configMapKeyRef;
    const sec = e.valueFrom?.secretKeyRef;
    if (cm) refs.add(`configmap/${cm.name}:${cm.key}${cm.optional ? ' (optional)' : ''}`);
    if (sec) refs.add(`secret/${sec.name}:${sec.key}${sec.optional ? ' (optional)' : ''}`);
  }
  for (const e of c.envFrom ?? []) {
    if (e.configMapRef)
      refs.add(`configmap/${e.configMapRef.name}${e.configMapRef.optional ? ' (optional)' : ''}`);
    if (e.secretRef) refs.add(`secret/${e.secretRef.name}${e.secretRef.optional ? ' (optional)' : ''}`);
  }
  return [...refs];
}

/** A probe in kubectl describe's words, so the model and the engineer read the same thing. */
export function describeProbe(p: k8s.V1Probe): string {
  let how = 'unknown';
  if (p.httpGet)
    how = `http-get ${p.httpGet.scheme === 'HTTPS' ? 'https' : 'http'}://${p.httpGet.host ?? ''}:${p.httpGet.port}${p.httpGet.path ?? '/'}`;
  else if (p.tcpSocket) how = `tcp-socket :${p.tcpSocket.port}`;
  else if (p.exec) how = `exec [${(p.exec.command ?? []).join(' ')}]`;
  else if (p.grpc) how = `grpc <pod>:${p.grpc.port} ${p.grpc.service ?? ''}`.trim();
  return `${how} delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
}

function probes(c: k8s.V1Container): Record<string, string> {
  const out: Record<string, string> = {};
  if (c.livenessProbe) out.liveness = describeProbe(c.livenessProbe);
  if (c.readinessProbe) out.readiness = describeProbe(c.readinessProbe);
  if (c.startupProbe) out.startup = describeProbe(c.startupProbe);
  return out;
}

function containerInfo(
  spec: k8s.V1Container,
  status: k8s.V1ContainerStatus | undefined,
  init: boolean,
): ContainerInfo {
  return {
    name: spec.name,
    init,
    image: status?.image ?? spec.image ?? '',
    ready: status?.ready ?? false,
    restartCount: status?.restartCount ?? 0,
    state: stateInfo(status?.state) ?? { kind: 'unknown' },
    ...(status?.lastState && stateInfo(status.lastState) ? { lastState: stateInfo(status.lastState) } : {}),
    requests: quantities(spec.resources?.requests),
    limits: quantities(spec.resources?.limits),
    configRefs: configRefs(spec),
    probes: probes(spec),
  };
}

function volumeSource(v: k8s.V1Volume): string {
  if (v.configMap) return `configmap/${v.configMap.name}`;
  if (v.secret) return `secret/${v.secret.secretName}`;
  if (v.persistentVolumeClaim) return `pvc/${v.persistentVolumeClaim.claimName}`;
  if (v.emptyDir) return 'emptyDir';
  if (v.hostPath) return `hostPath ${v.hostPath.path}`;
  if (v.projected) return 'projected';
  if (v.downwardAPI) return 'downwardAPI';
  const kind = Object.keys(v).find((k) => k !== 'name');
  return kind ?? 'unknown';
}

export function podInfo(pod: k8s.V1Pod): PodInfo {
  const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  const initStatuses = new Map((pod.status?.initContainerStatuses ?? []).map((s) => [s.name, s]));
  const owner =
    pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  return clean({
    name: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace ?? '',
    uid: pod.metadata?.uid ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    reason: pod.status?.reason,
    message: pod.status?.message,
    nodeName: pod.spec?.nodeName,
    qosClass: pod.status?.qosClass,
    createdAt: iso(pod.metadata?.creationTimestamp),
    owner: owner ? { kind: owner.kind, name: owner.name } : undefined,
    conditions: (pod.status?.conditions ?? []).map((c) =>
      clean({ type: c.type, status: c.status, reason: c.reason, message: c.message }),
    ),
    containers: [
      ...(pod.spec?.initContainers ?? []).map((c) => containerInfo(c, initStatuses.get(c.name), true)),
      ...(pod.spec?.containers ?? []).map((c) => containerInfo(c, statuses.get(c.name), false)),
    ],
    volumes: (pod.spec?.volumes ?? []).map((v) => ({ name: v.name, source: volumeSource(v) })),
  }) as PodInfo;
}

/**
 * Old-style events carry count/lastTimestamp; new-style (events.k8s.io) ones eventTime/series and a
 * reportingComponent instead of source.component (PROTOCOLS §2.4).
 */
export function eventInfo(e: k8s.CoreV1Event): EventInfo {
  const last =
    iso(e.lastTimestamp) ??
    iso(e.series?.lastObservedTime) ??
    iso(e.eventTime) ??
    iso(e.metadata?.creationTimestamp);
  const first = iso(e.firstTimestamp) ?? iso(e.eventTime) ?? last;
  return clean({
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: (e.message ?? '').trim(),
    count: e.count ?? e.series?.count ?? 1,
    object: `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`,
    source: e.source?.component || e.reportingComponent || '',
    firstSeen: first,
    lastSeen: last,
  }) as EventInfo;
}

/** Drops undefined fields so stored JSON stays small and zod's optional fields stay absent. */
export function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
