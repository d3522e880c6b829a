import type { Finding } from '../../../../shared/report.ts';
import { eventEvidence } from '../evidence.ts';
import { en, type SchedulingCause } from '../messages/en.ts';
import { finding, type Rule } from './types.ts';

const CONTROL_PLANE_TAINT =
  /\d+ node\(s\) had (?:untolerated )?taint \{node-role\.kubernetes\.io\/(?:control-plane|master):[^}]*\}/g;

/** The scheduler's FitError lists why each node was rejected (PROTOCOLS §2.3); name the main reason. */
export function schedulingCauseOf(message: string): { cause: SchedulingCause; resources?: string } {
  if (
    /unbound immediate PersistentVolumeClaims|volume node affinity conflict|persistentvolumeclaim .* not found/i.test(
      message,
    )
  ) {
    return { cause: 'pvc' };
  }
  const insufficient = [...message.matchAll(/Insufficient ([a-z0-9./-]+)/gi)].map((m) =>
    m[1]!.replace(/\.+$/, ''),
  );
  if (insufficient.length) return { cause: 'resources', resources: [...new Set(insufficient)].join(' and ') };
  // Control-plane nodes reject every ordinary pod: that is by design, not the reason it cannot run.
  const relevant = message.replace(CONTROL_PLANE_TAINT, '');
  if (/untolerated taint|had taint/i.test(relevant)) return { cause: 'taints' };
  if (/didn't match Pod's node affinity|node affinity\/selector|didn't match node selector/i.test(relevant))
    return { cause: 'affinity' };
  if (/didn't match pod (anti-)?affinity/i.test(relevant)) return { cause: 'podAffinity' };
  if (/too many pods/i.test(relevant)) return { cause: 'tooManyPods' };
  if (/untolerated taint|had taint/i.test(message)) return { cause: 'taints' };
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
      // This pod's own event: another pending pod in the context may be stuck for another reason.
      const ev = ctx.events.findLast(
        (e) => e.reason === 'FailedScheduling' && e.object === `Pod/${pod.name}`,
      );
      if (ev) evidence.push(eventEvidence(ctx, ev));
      // Why a claim stays unbound is on the claim: ProvisioningFailed (no such StorageClass, quota…).
      const claims = new Set(
        pod.volumes.filter((v) => v.source.startsWith('pvc/')).map((v) => v.source.slice(4)),
      );
      const provisioning = ctx.events.findLast(
        (e) =>
          e.type === 'Warning' &&
          e.object.startsWith('PersistentVolumeClaim/') &&
          claims.has(e.object.slice('PersistentVolumeClaim/'.length)),
      );
      if (provisioning) evidence.push(eventEvidence(ctx, provisioning));
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
