import type { Finding } from '../../../../shared/report.ts';
import { eventEvidence, stateEvidence } from '../evidence.ts';
import type { PullCause } from '../messages/en.ts';
import { finding, type Rule } from './types.ts';

const PULL_REASONS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'ImageInspectError',
  'RegistryUnavailable',
  'SignatureValidationFailed',
]);

/** Why a pull fails is in the kubelet's Failed event, not in the waiting reason. */
export function pullCause(text: string): PullCause {
  // Docker Hub answers a private repository pulled without credentials with "pull access denied,
  // repository does not exist or may require authorization … insufficient_scope": the denial is the cause.
  if (/pull access denied|insufficient_scope/i.test(text)) return 'denied';
  if (/manifest unknown|not found|does not exist/i.test(text)) return 'notFound';
  if (/unauthorized|denied|authentication required|403 Forbidden|401/i.test(text)) return 'denied';
  if (/no such host|i\/o timeout|connection refused|TLS handshake/i.test(text)) return 'unreachable';
  if (/InvalidImageName|invalid reference format/i.test(text)) return 'invalid';
  return 'other';
}

export const imagePull: Rule = {
  name: 'image-pull',
  run(ctx) {
    const findings: Finding[] = [];
    for (const pod of ctx.pods) {
      for (const c of pod.containers) {
        if (c.state.kind !== 'waiting' || !PULL_REASONS.has(c.state.reason ?? '')) continue;
        const evidence = [stateEvidence(pod, c, 'state')];
        const failed = ctx.events.filter(
          (e) =>
            e.type === 'Warning' &&
            (e.reason === 'Failed' || e.reason === 'InspectFailed' || e.reason === 'ErrImageNeverPull') &&
            e.message.includes(c.image.split('@')[0]!),
        );
        const detail = failed.find((e) => e.message.startsWith('Failed to pull image')) ?? failed[0];
        if (detail) evidence.push(eventEvidence(ctx, detail));
        // The kubelet's "Error: ErrImagePull" / "Error: ImagePullBackOff" line, as describe shows it.
        const statuses = ctx.events.filter(
          (e) =>
            e.object === `Pod/${pod.name}` &&
            e.reason === 'Failed' &&
            /^Error: (ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull)$/.test(e.message),
        );
        for (const e of statuses.slice(0, 2)) evidence.push(eventEvidence(ctx, e));
        const cause = pullCause(`${detail?.message ?? ''} ${c.state.message ?? ''} ${c.state.reason}`);
        findings.push(
          finding(
            'image-pull',
            'ImagePull',
            detail ? 95 : 88,
            { pod: pod.name, container: c.name, image: c.image, cause, reason: c.state.reason },
            evidence,
          ),
        );
      }
    }
    return findings;
  },
};
