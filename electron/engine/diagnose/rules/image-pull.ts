import type { Finding } from '../../../../shared/report.ts';
import { eventEvidence, stateEvidence } from '../evidence.ts';
import type { Rule } from './types.ts';

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
function pullCause(text: string): string {
  if (/manifest unknown|not found|does not exist/i.test(text))
    return 'the image or tag does not exist in the registry';
  if (/unauthorized|denied|authentication required|403 Forbidden|401/i.test(text)) {
    return 'the registry refused access (missing or wrong imagePullSecrets)';
  }
  if (/no such host|i\/o timeout|connection refused|TLS handshake/i.test(text))
    return 'the registry is unreachable from the node';
  if (/InvalidImageName|invalid reference format/i.test(text)) return 'the image reference is malformed';
  return 'the image could not be pulled';
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
        const cause = pullCause(`${detail?.message ?? ''} ${c.state.message ?? ''} ${c.state.reason}`);
        findings.push({
          rule: this.name,
          category: 'ImagePull',
          confidence: detail ? 95 : 88,
          summary: `Container ${c.name} of pod ${pod.name} cannot start: image ${c.image} — ${cause} (${c.state.reason}).`,
          evidence,
        });
      }
    }
    return findings;
  },
};
