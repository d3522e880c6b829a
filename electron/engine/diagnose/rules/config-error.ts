import type { Finding } from '../../../../shared/report.ts';
import { eventEvidence, stateEvidence } from '../evidence.ts';
import type { Rule } from './types.ts';

const CONFIG_REASONS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);
const MISSING = /(secret|configmap) "([^"]+)" not found|couldn't find key (\S+) in (ConfigMap|Secret) (\S+)/i;

/** The container cannot even be created: a referenced Secret/ConfigMap or key is missing, or the spec is wrong. */
export const configError: Rule = {
  name: 'config-error',
  run(ctx) {
    const findings: Finding[] = [];
    for (const pod of ctx.pods) {
      for (const c of pod.containers) {
        if (c.state.kind !== 'waiting' || !CONFIG_REASONS.has(c.state.reason ?? '')) continue;
        const evidence = [stateEvidence(pod, c, 'state')];
        const failed = ctx.events.find(
          (e) => e.type === 'Warning' && e.reason === 'Failed' && MISSING.test(e.message),
        );
        if (failed) evidence.push(eventEvidence(ctx, failed));
        const text = `${c.state.message ?? ''} ${failed?.message ?? ''}`;
        const m = MISSING.exec(text);
        const what = m
          ? m[1]
            ? `${m[1].toLowerCase()} "${m[2]}" does not exist`
            : `key ${m[3]} is missing from ${m[4]!.toLowerCase()} ${m[5]}`
          : (c.state.message ?? c.state.reason);
        findings.push({
          rule: this.name,
          category: 'ConfigError',
          confidence: m ? 95 : 80,
          summary: `Container ${c.name} of pod ${pod.name} cannot be created (${c.state.reason}): ${what}.`,
          evidence,
        });
      }
    }
    return findings;
  },
};
