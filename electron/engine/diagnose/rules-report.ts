import type { Context } from '../../../shared/context.ts';
import type { Finding, Report } from '../../../shared/report.ts';
import { playbook } from './playbooks.ts';

/**
 * The report rules alone can give: always available, in milliseconds, and the floor the LLM's report
 * is measured against.
 */
export function rulesReport(ctx: Context, findings: Finding[], now: () => Date = () => new Date()): Report {
  const top = findings[0];
  const createdAt = now().toISOString();
  if (!top) {
    const blind = ctx.pods.length === 0;
    const gapText = ctx.gaps.map((g) => `${g.what}: ${g.reason}`).join('; ');
    return {
      source: 'rules',
      rootCause: {
        category: 'Unknown',
        explanation: blind
          ? `No cluster evidence could be read for ${ctx.target.kind} ${ctx.target.name ?? ''}${gapText ? ` (${gapText})` : ''}.`
          : 'No known failure pattern matched the collected status, events and logs.',
        confidence: blind ? 0 : 20,
        evidence: ctx.gaps.map((g) => `${g.what}: ${g.reason}`),
      },
      impact: impactOf(ctx, null),
      steps: playbook('Unknown', ctx).steps,
      prevention: [],
      findings,
      createdAt,
    };
  }
  const pb = playbook(top.category, ctx);
  const others = findings.slice(1).filter((f) => f.category !== top.category);
  return {
    source: 'rules',
    rootCause: {
      category: top.category,
      explanation:
        top.summary + (others.length ? ` Also seen: ${others.map((f) => f.summary).join(' ')}` : ''),
      confidence: top.confidence,
      evidence: top.evidence.map((e) => e.text),
    },
    impact: impactOf(ctx, top),
    steps: pb.steps,
    prevention: pb.prevention,
    findings,
    createdAt,
  };
}

function impactOf(ctx: Context, top: Finding | null): string {
  const pod = ctx.pods[0];
  if (!pod) return 'Unknown: the affected objects could not be read.';
  const notReady = pod.containers.filter((c) => !c.init && !c.ready).map((c) => c.name);
  const state = notReady.length ? `not ready (${notReady.join(', ')})` : 'ready';
  const restarts = pod.containers.reduce((n, c) => n + c.restartCount, 0);
  return `Pod ${pod.namespace}/${pod.name} is ${pod.phase.toLowerCase()} and ${state}${
    restarts ? `, ${restarts} restarts` : ''
  }${top && top.category !== 'NoIssueFound' ? '; requests it should serve fail or go to other replicas' : ''}.`;
}
