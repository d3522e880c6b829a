import type { ActionRecord } from '../../../shared/action.ts';
import type { ActionStore } from '../store/actions.ts';
import { toActionRecord } from '../store/actions.ts';
import type { Queries } from '../store/queries.ts';
import { evaluate, runs } from './policy.ts';
import type { PolicyStore } from './policy-store.ts';

/** A decision the engineer asked for that cannot be made, with the HTTP status it maps to. */
export class DecisionError extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export interface ApprovalDeps {
  store: ActionStore;
  queries: Queries;
  policy: PolicyStore;
}

/**
 * An engineer's "Approve" (report button or notification action): only for an action waiting for one,
 * and only while the policy in force still lets it run. The executor does the rest, with every check.
 */
export function approve(d: ApprovalDeps, id: number, by: string): ActionRecord {
  const row = d.store.get(id);
  if (!row) throw new DecisionError(404, `action ${id} not found`);
  if (row.state !== 'pending')
    throw new DecisionError(
      409,
      `action ${id} is ${row.state}, not waiting for approval: nothing to approve`,
    );
  const detail = d.queries.detail(row.incident_id);
  const loaded = d.policy.current();
  const action = toActionRecord(row).action;
  const verdict = evaluate(loaded.policy, action, {
    severity: detail?.severity ?? 'none',
    category: detail?.report?.rootCause.category ?? 'Unknown',
    confidence: row.confidence,
  });
  if (!runs(verdict.mode))
    throw new DecisionError(
      409,
      `the policy in force no longer lets ${row.key} run (${verdict.reason ?? `mode ${verdict.mode}`}); change the policy in Settings to approve it`,
    );
  const moved = d.store.transition(
    id,
    ['pending'],
    'approved',
    { decidedBy: by },
    {
      event: 'decided',
      actor: by,
      ok: true,
      action: row.key,
      message: `approved by ${by}`,
      policy: loaded.hash,
    },
  );
  if (!moved) throw new DecisionError(409, `action ${id} was decided meanwhile: reload the incident`);
  return toActionRecord(d.store.get(id)!);
}

/** An engineer's "Reject": the action will not run (one already running cannot be stopped). */
export function reject(d: ApprovalDeps, id: number, by: string, reason?: string): ActionRecord {
  const row = d.store.get(id);
  if (!row) throw new DecisionError(404, `action ${id} not found`);
  const why = reason?.trim() ? `rejected by ${by}: ${reason.trim()}` : `rejected by ${by}`;
  const moved = d.store.transition(
    id,
    ['pending', 'approved'],
    'rejected',
    { decidedBy: by, reason: why },
    {
      event: 'decided',
      actor: by,
      ok: false,
      action: row.key,
      message: why,
      policy: d.policy.current().hash,
    },
  );
  if (!moved)
    throw new DecisionError(
      409,
      `action ${id} is ${d.store.get(id)?.state ?? row.state}: only an action that has not started can be rejected`,
    );
  return toActionRecord(d.store.get(id)!);
}
