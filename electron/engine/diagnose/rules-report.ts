import type { Context } from '../../../shared/context.ts';
import type { Finding, Report } from '../../../shared/report.ts';
import { en, type Messages } from './messages/index.ts';
import { playbook } from './playbooks.ts';

/** A finding's sentence in the report's language (the rule wrote it in English, with its facts). */
export function say(f: Finding, m: Messages): string {
  const render = m.finding[f.rule];
  return render && Object.keys(f.params).length ? render(f.params) : f.summary;
}

/**
 * The report rules alone can give: always available, in milliseconds, and the floor the LLM's report
 * is measured against.
 */
export function rulesReport(
  ctx: Context,
  findings: Finding[],
  m: Messages = en,
  now: () => Date = () => new Date(),
): Report {
  const localized = findings.map((f) => ({ ...f, summary: say(f, m) }));
  const top = localized[0];
  const createdAt = now().toISOString();
  if (!top) {
    const blind = ctx.pods.length === 0 && ctx.nodes.length === 0;
    const gapText = ctx.gaps.map((g) => `${g.what}: ${g.reason}`).join('; ');
    return {
      source: 'rules',
      rootCause: {
        category: 'Unknown',
        explanation: blind
          ? m.report.blind({ target: `${ctx.target.kind} ${ctx.target.name ?? ''}`.trim(), gaps: gapText })
          : m.report.noMatch,
        confidence: blind ? 0 : 20,
        evidence: ctx.gaps.map((g) => `${g.what}: ${g.reason}`),
      },
      impact: impactOf(ctx, null, m),
      steps: playbook('Unknown', ctx, m).steps,
      prevention: [],
      findings: localized,
      createdAt,
    };
  }
  const pb = playbook(top.category, ctx, m);
  const others = localized.slice(1).filter((f) => f.category !== top.category);
  return {
    source: 'rules',
    rootCause: {
      category: top.category,
      explanation:
        top.summary +
        (others.length ? ` ${m.report.alsoSeen} ${others.map((f) => f.summary).join(' ')}` : ''),
      confidence: top.confidence,
      evidence: top.evidence.map((e) => e.text),
    },
    impact: impactOf(ctx, top, m),
    steps: pb.steps,
    prevention: pb.prevention,
    findings: localized,
    createdAt,
  };
}

function impactOf(ctx: Context, top: Finding | null, m: Messages): string {
  const failing = top && top.category !== 'NoIssueFound' ? 1 : 0;
  // A node alert is about every pod on the node; a job alert about the work that did not get done.
  const node = ctx.target.kind === 'node' ? ctx.nodes.find((n) => n.name === ctx.target.name) : undefined;
  if (node)
    return m.report.impactNode({
      node: node.name,
      count: node.failingPods.length,
      pods: node.failingPods.slice(0, 3).join(', '),
      more: Math.max(0, node.failingPods.length - 3),
    });
  const job = ctx.workload?.kind === 'Job' ? ctx.workload : undefined;
  if (job?.job) return m.report.impactJob({ job: job.name, ...job.job, failing });
  const pod = ctx.pods[0];
  if (!pod) return m.report.impactUnknown;
  const containersNotReady = pod.containers.filter((c) => !c.init && !c.ready).map((c) => c.name);
  // Containers may still say ready while the pod is not (its node went NotReady): say what the pod says.
  const podNotReady =
    pod.phase === 'Running' && pod.conditions.some((c) => c.type === 'Ready' && c.status !== 'True');
  const notReady = containersNotReady.length ? containersNotReady : podNotReady ? ['Ready=False'] : [];
  const restarts = pod.containers.reduce((n, c) => n + c.restartCount, 0);
  const text = m.report.impactPod({
    pod: `${pod.namespace}/${pod.name}`,
    phase: pod.phase,
    notReady: notReady.join(', '),
    restarts,
    failing,
  });
  const others = ctx.siblings;
  return others.length
    ? text + m.report.impactSiblings({ ready: others.filter((s) => s.ready).length, total: others.length })
    : text;
}
