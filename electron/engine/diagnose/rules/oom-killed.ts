import type { Finding } from '../../../../shared/report.ts';
import { errorLines, eventEvidence, stateEvidence } from '../evidence.ts';
import { finding, type Rule } from './types.ts';

const OOM_LOG = /OutOfMemory|out of memory|Cannot allocate memory|heap space|OOM/i;

/**
 * A container OOM kill shows as terminated reason OOMKilled, exit code 137 — on the current state or
 * lastState — never as a Pod event (PROTOCOLS §2.4).
 */
export const oomKilled: Rule = {
  name: 'oom-killed',
  run(ctx) {
    const findings: Finding[] = [];
    for (const pod of ctx.pods) {
      for (const c of pod.containers) {
        const which =
          c.state.reason === 'OOMKilled' ? 'state' : c.lastState?.reason === 'OOMKilled' ? 'lastState' : null;
        if (!which) continue;
        const evidence = [stateEvidence(pod, c, which)];
        if (c.limits.memory)
          evidence.push({
            ref: `pod/${pod.name}/container/${c.name}/limits`,
            text: `memory limit ${c.limits.memory}`,
          });
        for (const e of ctx.events) {
          if (e.reason === 'BackOff' && e.message.includes(c.name)) evidence.push(eventEvidence(ctx, e));
        }
        for (const log of ctx.logs) {
          if (log.pod === pod.name && log.container === c.name) {
            evidence.push(
              ...errorLines(log, 8)
                .filter((l) => OOM_LOG.test(l.text))
                .slice(-3),
            );
          }
        }
        findings.push(
          finding(
            'oom-killed',
            'OOMKilled',
            95,
            { pod: pod.name, container: c.name, limit: c.limits.memory, restarts: c.restartCount },
            evidence,
          ),
        );
      }
    }
    return findings;
  },
};
