import type {
  Action,
  ActionMode,
  ActionRecord,
  ActionState,
  AuditEntry,
  AuditEvent,
  Proposal,
} from '../../../shared/action.ts';
import { type Db, immediate, statementCache, write } from './db.ts';

export interface ActionRow {
  id: number;
  incident_id: number;
  key: string;
  type: Action['type'];
  namespace: string;
  workload: string;
  body: string;
  source: 'rules' | 'llm';
  reason: string;
  confidence: number;
  mode: ActionMode;
  state: ActionState;
  state_reason: string | null;
  decided_by: string | null;
  decided_at: string | null;
  snapshot: string | null;
  dry_run: string | null;
  executed_at: string | null;
  outcome: string | null;
  created_at: string;
  updated_at: string;
}

interface AuditRow {
  id: number;
  at: string;
  incident_id: number | null;
  action_id: number | null;
  event: AuditEvent;
  actor: string;
  ok: number | null;
  action: string | null;
  message: string;
  policy: string | null;
}

export function toActionRecord(r: ActionRow): ActionRecord {
  return {
    id: r.id,
    incidentId: r.incident_id,
    action: JSON.parse(r.body) as Action,
    source: r.source,
    reason: r.reason,
    confidence: r.confidence,
    mode: r.mode,
    state: r.state,
    stateReason: r.state_reason,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    dryRun: r.dry_run,
    outcome: r.outcome,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toAudit(r: AuditRow): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    incidentId: r.incident_id,
    actionId: r.action_id,
    event: r.event,
    actor: r.actor,
    ok: r.ok === null ? null : r.ok === 1,
    action: r.action,
    message: r.message,
    policy: r.policy,
  };
}

export interface AuditInput {
  incidentId?: number | null;
  actionId?: number | null;
  event: AuditEvent;
  actor: string;
  ok?: boolean | null;
  action?: string | null;
  message: string;
  policy?: string | null;
}

export interface NewAction {
  incidentId: number;
  proposal: Proposal;
  key: string;
  workload: string;
  mode: ActionMode;
  state: ActionState;
  stateReason: string | null;
  decidedBy: string | null;
}

/**
 * The actions table (one row per proposal per incident: its mode, state and how it ended) and the
 * append-only audit log. Every state change is a conditional UPDATE, so two threads (the engineer's
 * click on the main thread, the executor in the pipeline's) can never both move the same action.
 */
export function createActionStore(db: Db, now: () => Date = () => new Date()) {
  const ts = () => now().toISOString();
  const prepare = statementCache(db);
  const insertAudit = db.prepare(
    `INSERT INTO audit (at, incident_id, action_id, event, actor, ok, action, message, policy)
     VALUES (@at, @incidentId, @actionId, @event, @actor, @ok, @action, @message, @policy)`,
  );
  const getRow = db.prepare<[number], ActionRow>('SELECT * FROM actions WHERE id = ?');
  const auditOne = (a: AuditInput) =>
    insertAudit.run({
      at: ts(),
      incidentId: a.incidentId ?? null,
      actionId: a.actionId ?? null,
      event: a.event,
      actor: a.actor,
      ok: a.ok === undefined || a.ok === null ? null : a.ok ? 1 : 0,
      action: a.action ?? null,
      message: a.message,
      policy: a.policy ?? null,
    });

  return {
    get: (id: number) => getRow.get(id) ?? null,

    /** Records a proposal (once per incident and action) with the audit lines that explain it. */
    insert: immediate(db, (n: NewAction, audit: AuditInput[]): { id: number; created: boolean } => {
      const existing = prepare<[number, string], { id: number }>(
        'SELECT id FROM actions WHERE incident_id = ? AND key = ?',
      ).get(n.incidentId, n.key);
      if (existing) return { id: existing.id, created: false };
      const at = ts();
      const { lastInsertRowid } = prepare(
        `INSERT INTO actions (incident_id, key, type, namespace, workload, body, source, reason, confidence, mode,
             state, state_reason, decided_by, decided_at, created_at, updated_at)
           VALUES (@incidentId, @key, @type, @namespace, @workload, @body, @source, @reason, @confidence, @mode,
             @state, @stateReason, @decidedBy, @decidedAt, @at, @at)`,
      ).run({
        incidentId: n.incidentId,
        key: n.key,
        type: n.proposal.action.type,
        namespace: n.proposal.action.namespace,
        workload: n.workload,
        body: JSON.stringify(n.proposal.action),
        source: n.proposal.source,
        reason: n.proposal.reason,
        confidence: n.proposal.confidence,
        mode: n.mode,
        state: n.state,
        stateReason: n.stateReason,
        decidedBy: n.decidedBy,
        decidedAt: n.decidedBy ? at : null,
        at,
      });
      const id = Number(lastInsertRowid);
      for (const a of audit) auditOne({ ...a, actionId: id, incidentId: n.incidentId });
      return { id, created: true };
    }),

    /**
     * Moves an action from one of `from` to `to`, with an audit line, in one transaction; false when
     * it was no longer in one of those states (another thread or click got there first).
     */
    transition: immediate(
      db,
      (
        id: number,
        from: ActionState[],
        to: ActionState,
        fields: {
          reason?: string | null;
          decidedBy?: string;
          outcome?: string;
          dryRun?: string;
          executed?: boolean;
        },
        audit?: AuditInput,
      ): boolean => {
        const row = getRow.get(id);
        if (!row || !from.includes(row.state)) return false;
        const at = ts();
        prepare(
          `UPDATE actions SET state = @to, updated_at = @at,
             state_reason = CASE WHEN @setReason THEN @reason ELSE state_reason END,
             decided_by = COALESCE(@decidedBy, decided_by),
             decided_at = CASE WHEN @decidedBy IS NOT NULL THEN @at ELSE decided_at END,
             outcome = COALESCE(@outcome, outcome), dry_run = COALESCE(@dryRun, dry_run),
             executed_at = CASE WHEN @executed THEN @at ELSE executed_at END
           WHERE id = @id`,
        ).run({
          id,
          to,
          at,
          setReason: fields.reason !== undefined ? 1 : 0,
          reason: fields.reason ?? null,
          decidedBy: fields.decidedBy ?? null,
          outcome: fields.outcome ?? null,
          dryRun: fields.dryRun ?? null,
          executed: fields.executed ? 1 : 0,
        });
        if (audit) auditOne({ ...audit, actionId: id, incidentId: row.incident_id });
        return true;
      },
    ),

    /** Facts about the target as it was when the action was proposed (uid, generation, revision…). */
    setSnapshot: (id: number, snapshot: unknown) =>
      write(() =>
        prepare('UPDATE actions SET snapshot = ? WHERE id = ? AND snapshot IS NULL').run(
          JSON.stringify(snapshot),
          id,
        ),
      ),

    audit: (a: AuditInput) => write(() => auditOne(a)),

    forIncident: (incidentId: number): ActionRecord[] =>
      prepare<[number], ActionRow>('SELECT * FROM actions WHERE incident_id = ? ORDER BY id')
        .all(incidentId)
        .map(toActionRecord),

    /** Waiting for the executor: approved ones, oldest first. */
    approved: (limit = 8): ActionRow[] =>
      prepare<[number], ActionRow>(`SELECT * FROM actions WHERE state = 'approved' ORDER BY id LIMIT ?`).all(
        limit,
      ),

    /** Pending or approved actions whose target was not looked at yet. */
    unobserved: (limit = 8): ActionRow[] =>
      prepare<[number], ActionRow>(
        `SELECT * FROM actions WHERE state IN ('pending', 'approved') AND snapshot IS NULL ORDER BY id LIMIT ?`,
      ).all(limit),

    /** Actions on a workload that reached the real API call since `since` (the hourly limit). */
    executedSince: (workload: string, since: string, exceptId: number): number =>
      prepare<[string, string, number], { n: number }>(
        'SELECT COUNT(*) AS n FROM actions WHERE workload = ? AND executed_at >= ? AND id != ?',
      ).get(workload, since, exceptId)!.n,

    /** Another action on the same workload being carried out right now. */
    inFlight: (workload: string, exceptId: number): ActionRow | null =>
      prepare<[string, number], ActionRow>(
        `SELECT * FROM actions WHERE workload = ? AND state = 'running' AND id != ? LIMIT 1`,
      ).get(workload, exceptId) ?? null,

    /** Actions left 'running' by a crash: never redone (a mutation is at most once), marked failed. */
    interrupted: (): ActionRow[] =>
      prepare<[], ActionRow>(`SELECT * FROM actions WHERE state = 'running' ORDER BY id`).all(),

    /** Pending proposals of an incident (for a notification's Approve button). */
    pendingFor: (incidentId: number): ActionRecord[] =>
      prepare<[number], ActionRow>(
        `SELECT * FROM actions WHERE incident_id = ? AND state = 'pending' ORDER BY id`,
      )
        .all(incidentId)
        .map(toActionRecord),

    /** The audit log, newest first; `before` pages on. */
    auditLog(f: { incidentId?: number; before?: number; limit: number }): AuditEntry[] {
      const where: string[] = [];
      if (f.incidentId !== undefined) where.push('incident_id = @incidentId');
      if (f.before !== undefined) where.push('id < @before');
      return prepare<Record<string, unknown>, AuditRow>(
        `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`,
      )
        .all({ incidentId: f.incidentId, before: f.before, limit: f.limit })
        .map(toAudit);
    },

    /** Remembers a policy text that came into force (the audit names it by hash). */
    rememberPolicy: (hash: string, body: string) =>
      write(() =>
        prepare(
          `INSERT INTO action_policies (hash, body, loaded_at) VALUES (?, ?, ?)
             ON CONFLICT (hash) DO UPDATE SET loaded_at = excluded.loaded_at`,
        ).run(hash, body, ts()),
      ),

    /** The policy text most recently in force (what stays in force when the file turns bad). */
    lastPolicy: (): { hash: string; body: string } | null =>
      prepare<[], { hash: string; body: string }>(
        'SELECT hash, body FROM action_policies ORDER BY loaded_at DESC, rowid DESC LIMIT 1',
      ).get() ?? null,
  };
}

export type ActionStore = ReturnType<typeof createActionStore>;
