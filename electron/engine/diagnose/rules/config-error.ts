import type { Finding } from '../../../../shared/report.ts';
import { eventEvidence, stateEvidence } from '../evidence.ts';
import { finding, type Rule } from './types.ts';

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
        // This pod's own event: in a namespace-wide context another pod may miss something else.
        const failed = ctx.events.find(
          (e) =>
            e.type === 'Warning' &&
            e.reason === 'Failed' &&
            e.object === `Pod/${pod.name}` &&
            MISSING.test(e.message),
        );
        if (failed) evidence.push(eventEvidence(ctx, failed));
        const m = MISSING.exec(`${c.state.message ?? ''} ${failed?.message ?? ''}`);
        const what = m
          ? m[1]
            ? { kind: 'object', objectKind: m[1].toLowerCase(), object: m[2] }
            : { kind: 'key', key: m[3], objectKind: m[4]!.toLowerCase(), object: m[5] }
          : { kind: 'other', message: c.state.message ?? c.state.reason };
        findings.push(
          finding(
            'config-error',
            'ConfigError',
            m ? 95 : 80,
            { pod: pod.name, container: c.name, reason: c.state.reason, ...what },
            evidence,
          ),
        );
      }
    }
    return findings;
  },
};
