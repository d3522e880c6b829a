import type { Alert } from '../../../shared/alert.ts';
import type { Context } from '../../../shared/context.ts';
import type { Report } from '../../../shared/report.ts';
import { checkStep, knownNames, orderSteps } from './commands.ts';

/**
 * In a storm, many pods of one workload fail the same way: one LLM analysis serves them all. The key is
 * (alertname, workload, what the rules found); an incident without a workload is never shared.
 */
export function analysisKey(alert: Alert, ctx: Context, rules: Report): string | null {
  const pod = ctx.pods[0];
  const workload = ctx.workload
    ? `${ctx.workload.kind}/${ctx.workload.namespace}/${ctx.workload.name}`
    : pod?.owner
      ? `${pod.owner.kind}/${pod.namespace}/${pod.owner.name}`
      : null;
  if (!workload) return null;
  const top = rules.findings[0];
  return [alert.labels.alertname ?? '', workload, top ? `${top.category}:${top.rule}` : 'none'].join('|');
}

const SHARE_FOR_MS = 30 * 60_000;
/** Reports kept at most: a storm's distinct (alertname, workload, finding) groups, with room to spare. */
const MAX_KEPT = 5_000;

interface Entry {
  incident: number;
  pod?: string;
  report: Report;
  at: number;
}

/** Recent LLM reports by key, and the analyses in flight, so a burst waits for one answer. */
export class SharedAnalyses {
  private readonly done = new Map<string, Entry>();
  private readonly running = new Map<string, Promise<Entry | null>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** How many finished reports are kept for sharing. */
  get kept(): number {
    return this.done.size;
  }

  /**
   * A finished analysis for this key, or the one in flight (awaited), or null: analyse yourself. Only
   * an analysis of an incident that is still open is shared (`open`): once it has resolved, a recurrence
   * deserves a fresh look that sees how the last one ended.
   */
  async find(key: string, open: (incident: number) => boolean): Promise<Entry | null> {
    const hit = this.done.get(key);
    if (hit && this.now() - hit.at < SHARE_FOR_MS && open(hit.incident)) return hit;
    const running = await this.running.get(key);
    return running && open(running.incident) ? running : null;
  }

  /** Runs `analyse` as the one analysis for `key`; others asking meanwhile get its result. */
  async run(
    key: string,
    incident: number,
    pod: string | undefined,
    analyse: () => Promise<Report | null>,
  ): Promise<Report | null> {
    const p = analyse().then((report) => {
      if (!report) return null;
      const e = { incident, pod, report, at: this.now() };
      // Oldest first (a key analysed again moves to the end), so what can no longer be shared — older
      // than SHARE_FOR_MS, or past MAX_KEPT — is at the front and is let go now: a week of distinct
      // workloads would otherwise keep thousands of stale reports in memory.
      this.done.delete(key);
      this.done.set(key, e);
      for (const [k, old] of this.done) {
        if (this.done.size <= MAX_KEPT && e.at - old.at < SHARE_FOR_MS) break;
        this.done.delete(k);
      }
      return e;
    });
    this.running.set(key, p);
    try {
      return (await p)?.report ?? null;
    } finally {
      this.running.delete(key);
    }
  }
}

/**
 * The shared report, told about this incident: the other pod's name becomes this pod's, the commands
 * are checked again against this context, and it says where it came from.
 */
export function reuseReport(e: Entry, ctx: Context): Report {
  const pod = ctx.pods[0]?.name;
  const swap = (s: string) => (e.pod && pod && e.pod !== pod ? s.split(e.pod).join(pod) : s);
  const known = knownNames(ctx);
  return {
    ...e.report,
    rootCause: { ...e.report.rootCause, explanation: swap(e.report.rootCause.explanation) },
    impact: swap(e.report.impact),
    steps: orderSteps(
      e.report.steps.map((s) =>
        checkStep(
          { title: swap(s.title), risk: s.risk, ...(s.command ? { command: swap(s.command) } : {}) },
          known,
        ),
      ),
    ),
    sharedFrom: e.incident,
    createdAt: new Date().toISOString(),
  };
}
