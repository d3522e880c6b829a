import type { Context, NodeInfo, PodInfo } from '../../../../shared/context.ts';
import type { Evidence, Finding } from '../../../../shared/report.ts';
import { eventEvidence, eventsOf, nodeConditionEvidence } from '../evidence.ts';
import type { NodeCause } from '../messages/en.ts';
import { finding, type Rule } from './types.ts';

const PRESSURE = new Set(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable']);
/** Taints the node lifecycle controller and the kubelet put on a node in trouble. */
const TROUBLE_TAINT =
  /^node\.kubernetes\.io\/(unreachable|not-ready|disk-pressure|memory-pressure|pid-pressure|network-unavailable)\b/;
const NODE_EVENT =
  /NotReady|Pressure|Insufficient|FreeDiskSpaceFailed|EvictionThresholdMet|ImageGCFailed|SystemOOM|Rebooted/;

export interface NodeTrouble {
  cause: NodeCause;
  ready?: NodeInfo['conditions'][number];
  pressures: NodeInfo['conditions'];
  taints: string[];
}

/** Is the node NotReady, unreachable or under pressure? Straight from its conditions (PROTOCOLS §2.5). */
export function nodeTrouble(node: NodeInfo): NodeTrouble | null {
  const ready = node.conditions.find((c) => c.type === 'Ready');
  const pressures = node.conditions.filter((c) => PRESSURE.has(c.type) && c.status === 'True');
  const taints = node.taints.filter((t) => TROUBLE_TAINT.test(t));
  const notReady = ready !== undefined && ready.status !== 'True';
  if (!notReady && !pressures.length) return null;
  const cause: NodeCause = !notReady ? 'pressure' : ready.status === 'Unknown' ? 'stopped' : 'notReady';
  return { cause, ready, pressures, taints };
}

function nodeEvidence(ctx: Context, node: NodeInfo, t: NodeTrouble, pod?: PodInfo): Evidence[] {
  const evidence: Evidence[] = [];
  if (t.ready && t.cause !== 'pressure') evidence.push(nodeConditionEvidence(node, t.ready));
  for (const c of t.pressures) evidence.push(nodeConditionEvidence(node, c));
  if (t.taints.length)
    evidence.push({ ref: `node/${node.name}`, text: `node ${node.name} taints: ${t.taints.join(', ')}` });
  const events = eventsOf(ctx, 'Node', node.name).filter((e) => NODE_EVENT.test(e.reason));
  // Warnings (garbage collection failed, eviction threshold met) say most; then the NotReady transition.
  const ranked = [
    ...events.filter((e) => e.type === 'Warning'),
    ...events.filter((e) => e.type !== 'Warning'),
  ];
  for (const e of ranked.slice(0, 3)) evidence.push(eventEvidence(ctx, e));
  if (pod) {
    const own = eventsOf(ctx, 'Pod', pod.name).findLast((e) => e.reason === 'NodeNotReady');
    if (own) evidence.push(eventEvidence(ctx, own));
  }
  return evidence;
}

/**
 * A node that is NotReady (the kubelet says so, or stopped posting status: Ready=Unknown) or under
 * memory/disk/PID pressure — for a node alert, and for the pods of any alert that run on such a node.
 */
export const nodeNotReady: Rule = {
  name: 'node-not-ready',
  run(ctx) {
    const findings: Finding[] = [];
    const targetNode = ctx.target.kind === 'node' ? ctx.target.name : undefined;
    for (const node of ctx.nodes) {
      const t = nodeTrouble(node);
      if (!t) continue;
      const pod = targetNode === node.name ? undefined : ctx.pods.find((p) => p.nodeName === node.name);
      if (targetNode !== node.name && !pod) continue;
      const notReady = t.cause !== 'pressure';
      const confidence = pod ? (notReady ? 92 : 75) : notReady ? 97 : 85;
      findings.push(
        finding(
          'node-not-ready',
          'NodeNotReady',
          confidence,
          {
            node: node.name,
            pod: pod?.name,
            cause: t.cause,
            message: t.cause === 'notReady' ? t.ready?.message : undefined,
            since: t.cause === 'stopped' ? t.ready?.lastHeartbeat : undefined,
            pressure: t.pressures.map((c) => c.type).join(', ') || undefined,
            failing: node.failingPods.length || undefined,
          },
          nodeEvidence(ctx, node, t, pod),
        ),
      );
    }
    return findings;
  },
};
