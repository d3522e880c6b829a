import type * as k8s from '@kubernetes/client-node';
import type { EventInfo, Gap, LogInfo, PodInfo } from '../../../shared/context.ts';
import { eventInfo, podInfo } from './convert.ts';
import type { KubeClients } from './kube.ts';
import { read, withSignal } from './read.ts';

export interface PodReadOptions {
  timeoutMs: number;
  signal: AbortSignal;
  logTailLines: number;
  logLimitBytes: number;
}

export interface PodEvidence {
  pod?: PodInfo;
  raw?: k8s.V1Pod;
  events: EventInfo[];
  logs: LogInfo[];
  gaps: Gap[];
}

/** Which logs are worth reading for a container, following the kubelet's own rules (PROTOCOLS §2.2). */
export function logPlan(c: PodInfo['containers'][number]): { current: boolean; previous: boolean } {
  const crashed = c.restartCount > 0 || c.lastState?.kind === 'terminated';
  // A waiting container's "current" log is its last terminated run, the same text as --previous.
  if (c.state.kind === 'waiting') return { current: false, previous: crashed };
  return { current: c.state.kind === 'running' || c.state.kind === 'terminated', previous: crashed };
}

/** Everything about one pod: its status, its events, current and previous logs — reads in parallel. */
export async function readPod(
  kube: KubeClients,
  namespace: string,
  name: string,
  o: PodReadOptions,
): Promise<PodEvidence> {
  const out: PodEvidence = { events: [], logs: [], gaps: [] };
  const got = await read(
    `pod ${namespace}/${name}`,
    o.timeoutMs,
    (signal) => kube.core.readNamespacedPod({ name, namespace }, withSignal(signal)),
    o.signal,
  );
  if (!got.value) {
    out.gaps.push(got.gap!);
    return out;
  }
  return { ...(await readPodDetails(kube, got.value, o)), raw: got.value };
}

export async function readPodDetails(
  kube: KubeClients,
  raw: k8s.V1Pod,
  o: PodReadOptions,
): Promise<PodEvidence> {
  const pod = podInfo(raw);
  const out: PodEvidence = { pod, raw, events: [], logs: [], gaps: [] };
  const { name, namespace, uid } = pod;
  const tasks: Promise<void>[] = [];

  tasks.push(
    read(
      `events of pod ${namespace}/${name}`,
      o.timeoutMs,
      (signal) =>
        kube.core.listNamespacedEvent(
          {
            namespace,
            fieldSelector: `involvedObject.name=${name},involvedObject.namespace=${namespace},involvedObject.uid=${uid}`,
          },
          withSignal(signal),
        ),
      o.signal,
    ).then((r) => {
      if (r.gap) out.gaps.push(r.gap);
      else out.events.push(...sortEvents(r.value!.items.map(eventInfo)));
    }),
  );

  for (const c of pod.containers) {
    const plan = logPlan(c);
    for (const previous of [false, true]) {
      if (previous ? !plan.previous : !plan.current) continue;
      tasks.push(
        read(
          `${previous ? 'previous ' : ''}logs of ${namespace}/${name} container ${c.name}`,
          o.timeoutMs,
          (signal) =>
            kube.core.readNamespacedPodLog(
              {
                name,
                namespace,
                container: c.name,
                previous,
                tailLines: o.logTailLines,
                limitBytes: o.logLimitBytes,
              },
              withSignal(signal),
            ),
          o.signal,
        ).then((r) => {
          if (r.gap) {
            out.gaps.push(r.gap);
            return;
          }
          const text = typeof r.value === 'string' ? r.value : String(r.value ?? '');
          const lineCount = text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
          out.logs.push({
            pod: name,
            container: c.name,
            previous,
            text,
            lineCount,
            truncated: lineCount >= o.logTailLines || Buffer.byteLength(text) >= o.logLimitBytes,
          });
        }),
      );
    }
  }
  await Promise.all(tasks);
  out.logs.sort((a, b) => a.container.localeCompare(b.container) || Number(b.previous) - Number(a.previous));
  return out;
}

/** Newest last, the way `kubectl describe` lists them. */
function sortEvents(events: EventInfo[]): EventInfo[] {
  return events.sort((a, b) => (a.lastSeen ?? '').localeCompare(b.lastSeen ?? ''));
}
