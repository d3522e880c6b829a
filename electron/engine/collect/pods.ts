import type * as k8s from '@kubernetes/client-node';
import type { EventInfo, LogInfo, PodInfo } from '../../../shared/context.ts';
import { eventInfo, podInfo } from './convert.ts';
import { withSignal } from './read.ts';
import type { Reader } from './reader.ts';

export interface LogLimits {
  logTailLines: number;
  logLimitBytes: number;
}

export interface PodEvidence {
  pod?: PodInfo;
  events: EventInfo[];
  logs: LogInfo[];
}

/** Which logs are worth reading for a container, following the kubelet's own rules (PROTOCOLS §2.2). */
export function logPlan(c: PodInfo['containers'][number]): { current: boolean; previous: boolean } {
  const crashed = c.restartCount > 0 || c.lastState?.kind === 'terminated';
  // A waiting container's "current" log is its last terminated run, the same text as --previous.
  if (c.state.kind === 'waiting') return { current: false, previous: crashed };
  return { current: c.state.kind === 'running' || c.state.kind === 'terminated', previous: crashed };
}

export async function readPod(r: Reader, namespace: string, name: string): Promise<k8s.V1Pod | undefined> {
  return r.get(`pod ${namespace}/${name}`, (s) =>
    r.kube.core.readNamespacedPod({ name, namespace }, withSignal(s)),
  );
}

/**
 * One pod's events (selected by uid, as `kubectl describe` does) and the current and previous logs of
 * every container — init containers included — all read in parallel.
 */
export async function readPodDetails(r: Reader, raw: k8s.V1Pod, limits: LogLimits): Promise<PodEvidence> {
  const pod = podInfo(raw);
  const out: PodEvidence = { pod, events: [], logs: [] };
  const { name, namespace, uid } = pod;
  const tasks: Promise<void>[] = [];

  tasks.push(
    r
      .get(`events of pod ${namespace}/${name}`, (s) =>
        r.kube.core.listNamespacedEvent(
          {
            namespace,
            fieldSelector: `involvedObject.name=${name},involvedObject.namespace=${namespace},involvedObject.uid=${uid}`,
          },
          withSignal(s),
        ),
      )
      .then((list) => {
        out.events.push(...(list?.items ?? []).map(eventInfo));
      }),
  );

  for (const c of pod.containers) {
    const plan = logPlan(c);
    for (const previous of [false, true]) {
      if (previous ? !plan.previous : !plan.current) continue;
      tasks.push(
        r
          .get(`${previous ? 'previous ' : ''}logs of ${namespace}/${name} container ${c.name}`, (s) =>
            r.kube.core.readNamespacedPodLog(
              {
                name,
                namespace,
                container: c.name,
                previous,
                tailLines: limits.logTailLines,
                limitBytes: limits.logLimitBytes,
              },
              withSignal(s),
            ),
          )
          .then((value) => {
            if (value === undefined) return;
            const text = typeof value === 'string' ? value : String(value);
            const lineCount = text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
            out.logs.push({
              pod: name,
              container: c.name,
              previous,
              text,
              lineCount,
              truncated: lineCount >= limits.logTailLines || Buffer.byteLength(text) >= limits.logLimitBytes,
            });
          }),
      );
    }
  }
  await Promise.all(tasks);
  out.logs.sort((a, b) => a.container.localeCompare(b.container) || Number(b.previous) - Number(a.previous));
  return out;
}
