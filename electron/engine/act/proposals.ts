import { Action, actionKey, type DroppedAction, type Proposal } from '../../../shared/action.ts';
import type { Context, PodInfo } from '../../../shared/context.ts';
import type { Category, Finding } from '../../../shared/report.ts';
import { knownNames } from '../diagnose/commands.ts';
import { en, type Messages } from '../diagnose/messages/index.ts';

/**
 * Which first aid a report proposes: a pure function of the context and the findings, like the rules.
 * Only two patterns have a first aid safe enough to propose on their own; the model may propose more,
 * but only the four typed actions, and only for targets the context contains.
 */

/** Failures of a new revision that a rollback cures (the old template did not have them). */
const ROLLOUT_FAILURES = new Set<Category>(['CrashLoop', 'ImagePull', 'ConfigError', 'OOMKilled']);

/** Controllers that replace an evicted pod by themselves. */
const REPLACING_OWNERS = new Set(['ReplicaSet', 'StatefulSet', 'DaemonSet']);

const podReady = (p: PodInfo) =>
  p.phase === 'Running' &&
  (p.conditions.find((c) => c.type === 'Ready')?.status === 'True' ||
    (p.containers.some((c) => !c.init) && p.containers.every((c) => c.init || c.ready)));

/** Other replicas of the workload that are Ready, by name (the siblings and the other pods read closely). */
function readyOthers(ctx: Context, pod: string): string[] {
  const names = new Set<string>();
  for (const s of ctx.siblings) if (s.ready && s.name !== pod) names.add(s.name);
  for (const p of ctx.pods) if (p.name !== pod && podReady(p)) names.add(p.name);
  return [...names];
}

/** The newest revision's pods fail while the one before still serves: roll back. */
function badRollout(ctx: Context, findings: Finding[], m: Messages): Proposal | null {
  const w = ctx.workload;
  const r = w?.rollout;
  if (w?.kind !== 'Deployment' || !r?.previous) return null;
  const newest = ctx.pods.filter((p) => p.owner?.kind === 'ReplicaSet' && p.owner.name === r.current.name);
  const failing = findings.filter(
    (f) => ROLLOUT_FAILURES.has(f.category) && newest.some((p) => p.name === f.params.pod),
  );
  if (!failing.length) return null;
  const prefix = `${r.previous.name}-`;
  const previousPods = [
    ...ctx.pods.filter((p) => p.owner?.name === r.previous!.name).map((p) => podReady(p)),
    ...ctx.siblings.filter((s) => s.name.startsWith(prefix)).map((s) => s.ready),
  ];
  // Healthy means seen serving: at least one pod of the old revision Ready, and none of them failing.
  if (!previousPods.length || previousPods.some((ready) => !ready)) return null;
  const reasons = [...new Set(failing.map((f) => f.category))].join(', ');
  return {
    action: { type: 'rollback', namespace: w.namespace, deployment: w.name },
    reason: m.proposal.rollback({
      deployment: w.name,
      revision: r.previous.revision ?? r.previous.name,
      current: r.current.revision ?? r.current.name,
      reasons,
    }),
    source: 'rules',
    confidence: Math.max(...failing.map((f) => f.confidence)),
  };
}

/** A pod OOMKilled into a crash loop while other replicas serve: a fresh pod is the first aid. */
function oomRestarts(ctx: Context, findings: Finding[], m: Messages, skip: Set<string>): Proposal[] {
  const out: Proposal[] = [];
  for (const f of findings) {
    if (f.category !== 'OOMKilled' || typeof f.params.pod !== 'string') continue;
    const pod = ctx.pods.find((p) => p.name === f.params.pod);
    if (
      !pod ||
      skip.has(pod.name) ||
      out.some((p) => p.action.type === 'restart-pod' && p.action.pod === pod.name)
    )
      continue;
    if (!pod.owner || !REPLACING_OWNERS.has(pod.owner.kind) || podReady(pod)) continue;
    const ready = readyOthers(ctx, pod.name).length;
    if (ready < 1) continue;
    out.push({
      action: { type: 'restart-pod', namespace: pod.namespace, pod: pod.name },
      reason: m.proposal.restartPod({ pod: pod.name, restarts: f.params.restarts ?? '?', ready }),
      source: 'rules',
      confidence: f.confidence,
    });
  }
  return out;
}

/** The proposals the rules make for a context and its findings. */
export function ruleProposals(ctx: Context, findings: Finding[], m: Messages = en): Proposal[] {
  const rollback = badRollout(ctx, findings, m);
  // Restarting a pod of a bad revision brings the same bad template back: the rollback is the cure.
  const newest = ctx.workload?.rollout?.current.name;
  const skip = new Set(
    rollback && newest ? ctx.pods.filter((p) => p.owner?.name === newest).map((p) => p.name) : [],
  );
  return [...(rollback ? [rollback] : []), ...oomRestarts(ctx, findings, m, skip)];
}

/** Whether the context holds the action's target; the reason when it does not. */
function targetProblem(a: Action, ctx: Context, m: Messages): string | null {
  const known = knownNames(ctx);
  const w = ctx.workload;
  if (!known.namespaces.has(a.namespace))
    return m.proposal.notInContext({ what: `namespace ${a.namespace}` });
  switch (a.type) {
    case 'restart-pod': {
      const pod = ctx.pods.find((p) => p.name === a.pod && p.namespace === a.namespace);
      const sibling =
        ctx.siblings.some((s) => s.name === a.pod) && (w?.namespace ?? ctx.target.namespace) === a.namespace;
      return pod || sibling ? null : m.proposal.notInContext({ what: `pod ${a.namespace}/${a.pod}` });
    }
    case 'rollout-restart':
      return w && w.kind === a.kind && w.name === a.name && w.namespace === a.namespace
        ? null
        : m.proposal.notInContext({ what: `${a.kind.toLowerCase()} ${a.namespace}/${a.name}` });
    case 'rollback':
    case 'scale-up': {
      if (!(w && w.kind === 'Deployment' && w.name === a.deployment && w.namespace === a.namespace))
        return m.proposal.notInContext({ what: `deployment ${a.namespace}/${a.deployment}` });
      if (a.type === 'rollback' && !w.rollout?.previous)
        return m.proposal.noPrevious({ deployment: a.deployment });
      return null;
    }
  }
}

/**
 * The model's actions: each must parse as one of the four types and name a target in the context;
 * anything else is dropped with the reason. Actions the rules already propose are not repeated.
 */
export function llmProposals(
  raw: unknown[],
  ctx: Context,
  diagnosis: { category: Category; confidence: number },
  existing: Proposal[],
  m: Messages = en,
): { proposals: Proposal[]; dropped: DroppedAction[] } {
  const proposals: Proposal[] = [];
  const dropped: DroppedAction[] = [];
  const seen = new Set(existing.map((p) => actionKey(p.action)));
  for (const item of raw) {
    const parsed = Action.safeParse(item);
    const shown = JSON.stringify(item)?.slice(0, 300) ?? String(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const error = `${issue.path.join('.') || 'action'}: ${issue.message}`;
      dropped.push({ action: shown, reason: m.proposal.invalid({ error }) });
      continue;
    }
    const problem = targetProblem(parsed.data, ctx, m);
    if (problem) {
      dropped.push({ action: shown, reason: problem });
      continue;
    }
    const key = actionKey(parsed.data);
    if (seen.has(key)) continue;
    seen.add(key);
    proposals.push({
      action: parsed.data,
      reason: m.proposal.llm(diagnosis),
      source: 'llm',
      confidence: diagnosis.confidence,
    });
  }
  return { proposals, dropped };
}
