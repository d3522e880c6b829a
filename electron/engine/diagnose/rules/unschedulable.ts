import type { Finding } from '../../../../shared/report.ts';
import { eventEvidence } from '../evidence.ts';
import { en, type SchedulingCause } from '../messages/en.ts';
import { finding, type Rule } from './types.ts';

/** The scheduler's FitError lists why each node was rejected (PROTOCOLS §2.3); name the main reason. */
export function schedulingCauseOf(message: string): { cause: SchedulingCause; resources?: string } {
  if (
    /unbound immediate PersistentVolumeClaims|volume node affinity conflict|persistentvolumeclaim .* not found/i.test(
      message,
    )
  ) {
    return { cause: 'pvc' };
  }
  const insufficient = [...message.matchAll(/Insufficient ([a-z0-9./-]+)/gi)].map((m) => m[1]);
  if (insufficient.length) return { cause: 'resources', resources: [...new Set(insufficient)].join(' and ') };
  if (/untolerated taint|had taint/i.test(message)) return { cause: 'taints' };
  if (/didn't match Pod's node affinity|node affinity\/selector|didn't match node selector/i.test(message))
    return { cause: 'affinity' };
  if (/didn't match pod (anti-)?affinity/i.test(message)) return { cause: 'podAffinity' };
  if (/too many pods/i.test(message)) return { cause: 'tooManyPods' };
  return { cause: 'other' };
}

/** The main reason in English (for tests and logs). */
export function schedulingCause(message: string): string {
  const c = schedulingCauseOf(message);
  return en.cause.scheduling[c.cause](c);
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
      findings.push(
        finding(
          'unschedulable',
          'Unschedulable',
          92,
          { pod: pod.name, ...schedulingCauseOf(`${cond.message ?? ''} ${ev?.message ?? ''}`) },
          evidence,
        ),
      );
    }
    return findings;
  },
};
