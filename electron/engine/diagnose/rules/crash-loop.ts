import type { Finding } from '../../../../shared/report.ts';
import { crashFrame, errorLines, eventEvidence, stateEvidence } from '../evidence.ts';
import { finding, type Rule } from './types.ts';

/**
 * CrashLoopBackOff is a symptom: the finding carries the last exit code and the log lines before the
 * crash, so the reader (or the LLM) can see the cause. OOM kills are left to the OOM rule.
 */
export const crashLoop: Rule = {
  name: 'crash-loop',
  run(ctx) {
    const findings: Finding[] = [];
    for (const pod of ctx.pods) {
      for (const c of pod.containers) {
        const looping = c.state.reason === 'CrashLoopBackOff';
        const restartingErrors =
          c.restartCount >= 3 && c.lastState?.kind === 'terminated' && c.lastState.exitCode !== 0;
        if (!looping && !restartingErrors) continue;
        if (c.lastState?.reason === 'OOMKilled' || c.state.reason === 'OOMKilled') continue;
        const evidence = [stateEvidence(pod, c, 'state')];
        if (c.lastState) evidence.push(stateEvidence(pod, c, 'lastState'));
        const backoff = ctx.events.find((e) => e.reason === 'BackOff' && e.type === 'Warning');
        if (backoff) evidence.push(eventEvidence(ctx, backoff));
        const log =
          ctx.logs.find((l) => l.pod === pod.name && l.container === c.name && l.previous) ??
          ctx.logs.find((l) => l.pod === pod.name && l.container === c.name);
        const lines = log ? errorLines(log, 4) : [];
        evidence.push(...lines);
        const frame = log ? crashFrame(log) : null;
        if (frame && !lines.some((l) => l.ref === frame.ref)) evidence.push(frame);
        findings.push(
          finding(
            'crash-loop',
            'CrashLoop',
            lines.length > 0 ? 85 : 75,
            {
              pod: pod.name,
              container: c.name,
              exit: c.lastState?.exitCode,
              reason: c.lastState?.reason,
              restarts: c.restartCount,
              lastError: lines.at(-1)?.text,
            },
            evidence,
          ),
        );
      }
    }
    return findings;
  },
};
