import type { Finding } from '../../../../shared/report.ts';
import {
  errorLines,
  eventEvidence,
  matchingLines,
  stateEvidence,
  workloadConditionEvidence,
} from '../evidence.ts';
import { finding, type Rule } from './types.ts';

const OOM_LOG = /OutOfMemory|out of memory|Cannot allocate memory|heap space|OOM/i;
const MEMORY_SIZE =
  /\b(?:size|heap\w*|cache\w*|arena|alloc\w*|Xmx|buffer\w*|rss)\b[^\n]{0,40}?\b\d+(?:\.\d+)?\s?(?:Ki|Mi|Gi|KiB|MiB|GiB|KB|MB|GB)\b/i;

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
        // What the app sized in memory before the kill (a cache, a heap, a buffer): first and last mention.
        const previous = ctx.logs.find((l) => l.pod === pod.name && l.container === c.name && l.previous);
        if (previous) {
          const sizes = matchingLines(previous, MEMORY_SIZE, 50);
          for (const l of [sizes[0], sizes.at(-1)])
            if (l && !evidence.some((e) => e.ref === l.ref)) evidence.push(l);
        }
        // A rollout that stalls on it: the Deployment's Progressing=False ProgressDeadlineExceeded.
        const stalled = ctx.workload?.conditions.find(
          (x) => x.type === 'Progressing' && x.status === 'False',
        );
        if (stalled && ctx.workload) evidence.push(workloadConditionEvidence(ctx.workload, stalled));
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
