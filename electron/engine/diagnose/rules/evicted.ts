import type { Context, PodInfo } from '../../../../shared/context.ts';
import type { Evidence, Finding } from '../../../../shared/report.ts';
import {
  eventEvidence,
  eventsOf,
  logsOf,
  matchingLines,
  podConditionEvidence,
  podStatusEvidence,
} from '../evidence.ts';
import type { EvictionCause } from '../messages/en.ts';
import { finding, type Rule } from './types.ts';

/** The kubelet's eviction message (PROTOCOLS §2.3): what ran low, and which container used how much. */
export function evictionCause(message: string): {
  cause: EvictionCause;
  resource?: string;
  limit?: string;
  volume?: string;
  condition?: string;
  container?: string;
  usage?: string;
  request?: string;
} {
  const used =
    /Container (\S+) was using (\S+?), (?:request is (\S+?),|which exceeds its request of (\S+?)\.)/.exec(
      message,
    );
  const usage = used
    ? { container: used[1], usage: used[2], request: (used[3] ?? used[4])?.replace(/^0$/, '') || undefined }
    : {};
  const low = /The node was low on resource: ([\w.-]+)\./.exec(message);
  if (low) {
    const resource = low[1]!;
    if (resource === 'memory') return { cause: 'memory', resource, ...usage };
    if (/^pids?$/.test(resource)) return { cause: 'pids', resource, ...usage };
    return { cause: 'disk', resource, ...usage };
  }
  const pod =
    /Pod ephemeral local storage usage exceeds the total limit of containers (\S+?)\.?(?:\s|$)/.exec(message);
  if (pod) return { cause: 'ephemeralLimit', limit: pod[1] };
  const container = /Container (\S+) exceeded its local ephemeral storage limit "?([^".\s]+)"?/.exec(message);
  if (container) return { cause: 'containerEphemeral', container: container[1], limit: container[2] };
  const emptyDir = /Usage of EmptyDir volume "([^"]+)" exceeds the limit "([^"]+)"/.exec(message);
  if (emptyDir) return { cause: 'emptyDir', volume: emptyDir[1], limit: emptyDir[2] };
  const condition = /The node had condition: \[?(\w+)/.exec(message);
  if (condition) return { cause: 'condition', condition: condition[1] };
  return { cause: 'other' };
}

const EVICTION_TEXT =
  /low on resource|ephemeral local storage|ephemeral storage limit|EmptyDir volume|node had condition/i;

/** Lines of the evicted pod's log worth showing: warnings first, else lines about the resource that ran out. */
function logHints(ctx: Context, pod: PodInfo, cause: EvictionCause): Evidence[] {
  const resource =
    cause === 'memory'
      ? /\b(rss|heap|memory|OutOfMemory|MiB|GiB)\b/i
      : /\b(disk|spool|file|storage|space|rotation)\b/i;
  const out: Evidence[] = [];
  for (const c of pod.containers) {
    for (const log of logsOf(ctx, pod, c)) {
      const warn = matchingLines(
        log,
        /\b(WARN|WARNING|ERROR)\b|"level":"(warn|warning|error)"|level=(warn|error)/i,
        2,
      );
      out.push(...(warn.length ? warn : matchingLines(log, resource, 1)));
    }
  }
  return out.slice(0, 3);
}

/**
 * The kubelet evicted the pod to reclaim a node resource: status.phase Failed with reason Evicted, an
 * Evicted event, or the DisruptionTarget condition it sets (reason TerminationByKubelet). Pods the taint
 * manager deletes from a NotReady node are the node rule's.
 */
export const evicted: Rule = {
  name: 'evicted',
  run(ctx) {
    const findings: Finding[] = [];
    for (const pod of ctx.pods) {
      const event = eventsOf(ctx, 'Pod', pod.name).findLast((e) => e.reason === 'Evicted');
      const disruption = pod.conditions.find(
        (c) =>
          c.type === 'DisruptionTarget' &&
          c.status === 'True' &&
          c.reason === 'TerminationByKubelet' &&
          EVICTION_TEXT.test(c.message ?? ''),
      );
      const byStatus = pod.phase === 'Failed' && pod.reason === 'Evicted';
      if (!byStatus && !event && !disruption) continue;
      const message = (byStatus ? pod.message : undefined) ?? event?.message ?? disruption?.message ?? '';
      const why = evictionCause(message);
      const evidence: Evidence[] = [];
      if (byStatus) evidence.push(podStatusEvidence(pod));
      if (event) evidence.push(eventEvidence(ctx, event));
      if (disruption) evidence.push(podConditionEvidence(pod, disruption));
      if (pod.nodeName) {
        for (const e of eventsOf(ctx, 'Node', pod.nodeName)) {
          if (e.type === 'Warning' || /Insufficient|Pressure/.test(e.reason))
            evidence.push(eventEvidence(ctx, e));
        }
      }
      evidence.push(...logHints(ctx, pod, why.cause));
      findings.push(
        finding(
          'evicted',
          'Evicted',
          byStatus ? 95 : 90,
          {
            pod: pod.name,
            node: pod.nodeName,
            ...why,
            message: why.cause === 'other' ? message.trim().slice(0, 300) : undefined,
          },
          evidence,
        ),
      );
    }
    return findings;
  },
};
