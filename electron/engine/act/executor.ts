import type { Action } from '../../../shared/action.ts';
import type { KubeClients, KubeProvider } from '../collect/kube.ts';
import { explain } from '../collect/read.ts';
import type { ActionRow, ActionStore } from '../store/actions.ts';
import type { Queries } from '../store/queries.ts';
import { targetProblem } from './guards.ts';
import { createKubeWrites, KubeCallError } from './kube-writes.ts';
import { perform, Refusal } from './mutate.ts';
import { follow } from './outcome.ts';
import { evaluate, runs } from './policy.ts';
import type { PolicyStore } from './policy-store.ts';
import { changedSince, diagnosisFacts, readTarget, type Snapshot, snapshotOf, TargetGone } from './target.ts';

export interface ExecutorOptions {
  store: ActionStore;
  queries: Queries;
  kube: KubeProvider;
  policy: PolicyStore;
  /** Between two looks at the outcome (default 2 s). */
  pollMs?: number;
  /** Deadline of one API request (default 10 s). */
  requestTimeoutMs?: number;
  /** Actions carried out at once, on different workloads (default 4). */
  concurrency?: number;
  onChange?: (incidentId: number) => void;
  log?: (msg: string) => void;
  now?: () => Date;
}

const ENGINE = 'engine';

function label(a: Action): string {
  switch (a.type) {
    case 'restart-pod':
      return `pod ${a.namespace}/${a.pod}`;
    case 'rollout-restart':
      return `${a.kind.toLowerCase()} ${a.namespace}/${a.name}`;
    default:
      return `deployment ${a.namespace}/${a.deployment}`;
  }
}

/**
 * Carries out approved actions in the pipeline's thread, like the Feishu outbox: picked up from the
 * store, one at a time per workload. Each goes: policy and alert still agree → target re-read and
 * compared with the diagnosis → safety rails → server-side dry run → the real call → the outcome,
 * followed for a bounded time. Every step is in the audit log. A mutation is never retried: one
 * interrupted by a crash is marked failed, for an engineer to look at.
 */
export class ActionExecutor {
  private readonly stopping = new AbortController();
  private readonly running = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private pumping = false;
  private again = false;
  private stopped = false;

  constructor(private readonly o: ExecutorOptions) {}

  start(): void {
    for (const row of this.o.store.interrupted()) {
      const message =
        'the engine stopped while this action was being carried out; it is not retried: check the target by hand';
      this.o.store.transition(
        row.id,
        ['running'],
        'failed',
        { reason: message, outcome: message },
        {
          event: 'outcome',
          actor: ENGINE,
          ok: false,
          action: row.key,
          message,
        },
      );
      this.o.onChange?.(row.incident_id);
    }
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopping.abort();
    await Promise.allSettled([...this.running]);
  }

  /** Looks for actions to observe or carry out (after a report, an approval, or a timer). */
  kick(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    this.pump()
      .catch((err) => this.o.log?.(`action executor: ${(err as Error).stack ?? err}`))
      .finally(() => {
        this.pumping = false;
        if (this.again) {
          this.again = false;
          this.kick();
        } else this.schedule();
      });
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    // Approvals are made on the main thread: it kicks us, and this catches any kick that got lost.
    this.timer = setTimeout(() => this.kick(), 2_000);
    this.timer.unref();
  }

  private async pump(): Promise<void> {
    for (const row of this.o.store.unobserved()) {
      if (this.stopped) return;
      await this.observe(row);
    }
    for (const row of this.o.store.approved(16)) {
      if (this.stopped || this.running.size >= (this.o.concurrency ?? 4)) return;
      const busy = this.o.store.inFlight(row.workload, row.id);
      if (!this.o.store.transition(row.id, ['approved'], 'running', {})) continue;
      if (busy) {
        this.refuse(
          row,
          `action #${busy.id} (${busy.key}) on ${row.workload} is still in flight: one at a time`,
        );
        this.o.onChange?.(row.incident_id);
        continue;
      }
      const p = this.run({ ...row, state: 'running' }).catch((err) =>
        this.fail(row, `unexpected error: ${(err as Error).message}`),
      );
      this.running.add(p);
      void p.finally(() => {
        this.running.delete(p);
        this.o.onChange?.(row.incident_id);
        this.kick();
      });
    }
  }

  private clients(row: ActionRow): KubeClients {
    const summary = this.o.queries.summary(row.incident_id);
    return this.o.kube.forCluster(summary?.cluster ?? undefined);
  }

  /** Records what the target looked like when the action was proposed. */
  private async observe(row: ActionRow): Promise<void> {
    const a = JSON.parse(row.body) as Action;
    let snapshot: Snapshot & { error?: string };
    try {
      const c = this.clients(row);
      const w = createKubeWrites(c, { signal: this.stopping.signal, timeoutMs: this.o.requestTimeoutMs });
      snapshot = snapshotOf(await readTarget(w, a), c.context);
    } catch (err) {
      snapshot = { error: (err as Error).message };
    }
    this.o.store.setSnapshot(row.id, snapshot);
  }

  private refuse(
    row: ActionRow,
    reason: string,
    event: 'refused' | 'dry-run' = 'refused',
    policy?: string,
  ): void {
    this.o.store.transition(
      row.id,
      ['running'],
      'refused',
      { reason },
      {
        event,
        actor: ENGINE,
        ok: false,
        action: row.key,
        message: event === 'dry-run' ? `dry run refused: ${reason}` : `refused: ${reason}`,
        policy,
      },
    );
  }

  private fail(
    row: ActionRow,
    reason: string,
    event: 'executed' | 'outcome' | 'refused' = 'refused',
    policy?: string,
  ): void {
    // A request cut short by a stop reads like a timeout: say what really happened.
    if (this.stopped)
      reason = `the engine stopped while this action was being carried out (${reason}); check the target by hand`;
    this.o.store.transition(
      row.id,
      ['running'],
      'failed',
      { reason },
      {
        event,
        actor: ENGINE,
        ok: false,
        action: row.key,
        message: `failed: ${reason}`,
        policy,
      },
    );
  }

  private async run(row: ActionRow): Promise<void> {
    const a = JSON.parse(row.body) as Action;
    const what = label(a);
    const loaded = this.o.policy.current();
    // Every audit line names the policy this run was decided under.
    const policy = loaded.hash;
    const refuse = (reason: string, event: 'refused' | 'dry-run' = 'refused') =>
      this.refuse(row, reason, event, policy);
    const fail = (reason: string, event: 'executed' | 'outcome' | 'refused' = 'refused') =>
      this.fail(row, reason, event, policy);
    const detail = this.o.queries.detail(row.incident_id);
    if (!detail) return refuse('the incident no longer exists');
    if (detail.resolvedAt) return refuse('the alert resolved before the action ran: nothing to fix');
    const verdict = evaluate(loaded.policy, a, {
      severity: detail.severity,
      category: detail.report?.rootCause.category ?? 'Unknown',
      confidence: row.confidence,
    });
    if (!runs(verdict.mode))
      return refuse(`the policy in force no longer allows it (${verdict.reason ?? `mode ${verdict.mode}`})`);

    let c: KubeClients;
    try {
      c = this.clients(row);
    } catch (err) {
      const e = err as Error & { fix?: string };
      return fail(`${e.message}${e.fix ? ` — ${e.fix}` : ''}`);
    }
    const facts = diagnosisFacts(a, detail.context);
    if (facts.kubeContext && facts.kubeContext !== c.context)
      return refuse(
        `the diagnosis read kubeconfig context ${facts.kubeContext}, but ${c.context} is in use now`,
      );
    const w = createKubeWrites(c, { signal: this.stopping.signal, timeoutMs: this.o.requestTimeoutMs });

    let target: Awaited<ReturnType<typeof readTarget>>;
    try {
      target = await readTarget(w, a);
    } catch (err) {
      if (err instanceof TargetGone) return refuse(err.message);
      return fail(err instanceof KubeCallError ? err.message : explain(err).reason);
    }
    const now = snapshotOf(target, c.context);
    const recorded = row.snapshot ? (JSON.parse(row.snapshot) as Snapshot & { error?: string }) : null;
    const changed =
      changedSince(a, facts, now, what) ??
      (recorded && !recorded.error ? changedSince(a, recorded, now, what) : null);
    if (changed) return refuse(changed);

    const other = this.o.store.inFlight(row.workload, row.id);
    if (other)
      return refuse(
        `action #${other.id} (${other.key}) on ${row.workload} is still in flight: one at a time`,
      );
    const since = new Date((this.o.now?.() ?? new Date()).getTime() - 3_600_000).toISOString();
    const max = loaded.policy.maxActionsPerWorkloadPerHour;
    const recent = this.o.store.executedSince(row.workload, since, row.id);
    if (recent >= max)
      return refuse(
        `${row.workload} already had ${recent} action(s) in the last hour; the policy allows ${max} (maxActionsPerWorkloadPerHour)`,
      );
    const problem = targetProblem(a, target, loaded.policy);
    if (problem) return refuse(problem);

    try {
      const dry = await perform(w, a, target, true);
      this.o.store.transition(
        row.id,
        ['running'],
        'running',
        { dryRun: `accepted (${dry.summary.replace(/ \(dry run\)$/, '')})` },
        {
          event: 'dry-run',
          actor: ENGINE,
          ok: true,
          action: row.key,
          message: `server-side dry run accepted: ${dry.summary}`,
          policy,
        },
      );
    } catch (err) {
      const reason =
        err instanceof Refusal
          ? err.message
          : `the API server refused it in a dry run: ${(err as Error).message}`;
      return refuse(reason, 'dry-run');
    }

    let done: Awaited<ReturnType<typeof perform>>;
    try {
      done = await perform(w, a, target, false, this.o.now?.() ?? new Date());
    } catch (err) {
      return fail((err as Error).message, 'executed');
    }
    this.o.store.transition(
      row.id,
      ['running'],
      'running',
      { executed: true },
      {
        event: 'executed',
        actor: ENGINE,
        ok: true,
        action: row.key,
        message: done.summary,
        policy,
      },
    );
    this.o.onChange?.(row.incident_id);

    const outcome = await follow(w, a, target, done, {
      timeoutMs: loaded.policy.followSeconds * 1000,
      pollMs: this.o.pollMs ?? 2_000,
      signal: this.stopping.signal,
    });
    this.o.store.transition(
      row.id,
      ['running'],
      outcome.ok ? 'done' : 'failed',
      { reason: outcome.ok ? null : outcome.message, outcome: outcome.message },
      { event: 'outcome', actor: ENGINE, ok: outcome.ok, action: row.key, message: outcome.message, policy },
    );
  }
}
