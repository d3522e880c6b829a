import { type Action, type ActionState, actionKey } from '../../../shared/action.ts';
import type { Context } from '../../../shared/context.ts';
import type { ActionStore, AuditInput } from '../store/actions.ts';
import type { Queries } from '../store/queries.ts';
import { evaluate } from './policy.ts';
import type { PolicyStore } from './policy-store.ts';

/**
 * The rate-limit key of an action: the workload it affects. A pod counts against its controller, so
 * restarting two pods of one Deployment in an hour is two actions on that Deployment.
 */
export function workloadKey(a: Action, ctx: Context | null): string {
  switch (a.type) {
    case 'restart-pod': {
      const w = ctx?.workload;
      const known =
        ctx && (ctx.pods.some((p) => p.name === a.pod) || ctx.siblings.some((s) => s.name === a.pod));
      return w && known && w.namespace === a.namespace
        ? `${a.namespace}/${w.kind}/${w.name}`
        : `${a.namespace}/Pod/${a.pod}`;
    }
    case 'rollout-restart':
      return `${a.namespace}/${a.kind}/${a.name}`;
    case 'rollback':
    case 'scale-up':
      return `${a.namespace}/Deployment/${a.deployment}`;
  }
}

export interface RegisterDeps {
  store: ActionStore;
  queries: Queries;
  policy: PolicyStore;
}

/**
 * Records the proposals of an incident's newest report and what the policy says about each: off →
 * refused; suggest (or outside the policy's scope) → suggested, with why; approve → pending an engineer;
 * auto → approved by the policy. Returns how many were approved (the executor's cue).
 */
export function registerProposals(
  d: RegisterDeps,
  incidentId: number,
): { created: number; approved: number } {
  const detail = d.queries.detail(incidentId);
  const report = detail?.report;
  if (!detail || !report) return { created: 0, approved: 0 };
  const loaded = d.policy.current();
  const base = { policy: loaded.hash, incidentId };
  if (report.source === 'llm')
    for (const dropped of report.droppedActions ?? [])
      d.store.audit({
        ...base,
        event: 'dropped',
        actor: 'llm',
        ok: false,
        action: dropped.action.slice(0, 300),
        message: `dropped: ${dropped.reason}`,
      });
  let created = 0;
  let approved = 0;
  for (const p of report.proposals ?? []) {
    const key = actionKey(p.action);
    const verdict = evaluate(loaded.policy, p.action, {
      severity: detail.severity,
      category: report.rootCause.category,
      confidence: p.confidence,
    });
    let { mode, reason } = verdict;
    if ((mode === 'approve' || mode === 'auto') && detail.resolvedAt) {
      mode = 'suggest';
      reason = 'the alert had already resolved';
    }
    const state: ActionState =
      mode === 'off'
        ? 'refused'
        : mode === 'suggest'
          ? 'suggested'
          : mode === 'approve'
            ? 'pending'
            : 'approved';
    const decided: AuditInput =
      mode === 'off'
        ? {
            ...base,
            event: 'decided',
            actor: 'policy',
            ok: false,
            action: key,
            message: `refused: ${reason}`,
          }
        : mode === 'suggest'
          ? {
              ...base,
              event: 'decided',
              actor: 'policy',
              ok: null,
              action: key,
              message: `suggested only: ${reason ?? `the policy's mode for ${p.action.type} is suggest`}`,
            }
          : mode === 'approve'
            ? {
                ...base,
                event: 'decided',
                actor: 'policy',
                ok: null,
                action: key,
                message: `waiting for an engineer's approval (the policy's mode for ${p.action.type} is approve)`,
              }
            : {
                ...base,
                event: 'decided',
                actor: 'policy',
                ok: true,
                action: key,
                message: 'approved by the policy (mode auto)',
              };
    const r = d.store.insert(
      {
        incidentId,
        proposal: p,
        key,
        workload: workloadKey(p.action, detail.context),
        mode,
        state,
        stateReason: state === 'refused' || state === 'suggested' ? reason : null,
        decidedBy: mode === 'auto' || mode === 'off' ? 'policy' : null,
      },
      [
        {
          ...base,
          event: 'proposed',
          actor: p.source,
          ok: null,
          action: key,
          message: `proposed: ${p.reason}`,
        },
        decided,
      ],
    );
    if (r.created) {
      created++;
      if (state === 'approved') approved++;
    }
  }
  return { created, approved };
}
