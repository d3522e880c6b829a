import type { Finding } from '../../../../shared/report.ts';
import { eventEvidence } from '../evidence.ts';
import type { Rule } from './types.ts';

/** The scheduler's FitError lists why each node was rejected (PROTOCOLS §2.3); name the main reason. */
export function schedulingCause(message: string): string {
  if (
    /unbound immediate PersistentVolumeClaims|volume node affinity conflict|persistentvolumeclaim .* not found/i.test(
      message,
    )
  ) {
    return 'its PersistentVolumeClaim is not bound (no matching PersistentVolume or StorageClass)';
  }
  const insufficient = [...message.matchAll(/Insufficient ([a-z0-9./-]+)/gi)].map((m) => m[1]);
  if (insufficient.length)
    return `no node has enough free ${[...new Set(insufficient)].join(' and ')} for its requests`;
  if (/untolerated taint|had taint/i.test(message)) return 'the nodes have taints the pod does not tolerate';
  if (/didn't match Pod's node affinity|node affinity\/selector|didn't match node selector/i.test(message)) {
    return "no node matches the pod's node selector or affinity";
  }
  if (/didn't match pod (anti-)?affinity/i.test(message))
    return 'pod (anti-)affinity rules exclude every node';
  if (/too many pods/i.test(message)) return 'the nodes are at their pod limit';
  return 'no node passes the scheduler filters';
}

export const unschedulable: Rule = {
  name: 'unschedulable',
  run(ctx) {
    const findings: Finding[] = [];
    for (const pod of ctx.pods) {
      const cond = pod.conditions.find((c) => c.type === 'PodScheduled' && c.status === 'False');
      if (!cond || (cond.reason && cond.reason !== 'Unschedulable')) continue;
      const evidence = [
        {
          ref: `pod/${pod.name}/condition/PodScheduled`,
          text: `PodScheduled=False ${cond.reason ?? ''}: ${cond.message ?? ''}`.trim(),
        },
      ];
      const ev = [...ctx.events].reverse().find((e) => e.reason === 'FailedScheduling');
      if (ev) evidence.push(eventEvidence(ctx, ev));
      const message = `${cond.message ?? ''} ${ev?.message ?? ''}`;
      findings.push({
        rule: this.name,
        category: 'Unschedulable',
        confidence: 92,
        summary: `Pod ${pod.name} cannot be scheduled: ${schedulingCause(message)}.`,
        evidence,
      });
    }
    return findings;
  },
};
