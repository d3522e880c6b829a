import { setMaxListeners } from 'node:events';
import { type Context, emptyContext, type Gap, type Target } from '../../../shared/context.ts';
import { buildDigest } from './digest.ts';
import { type KubeClients, type KubeProvider, KubeSetupError } from './kube.ts';
import { compressLog, DEFAULT_COMPRESS } from './logs.ts';
import { collectMetrics, type MetricsOptions } from './metrics/index.ts';
import { Reader } from './reader.ts';
import { redact, redactDeep } from './redact.ts';
import { collectTarget } from './targets.ts';

export interface CollectOptions {
  readTimeoutMs: number;
  deadlineMs: number;
  logTailLines: number;
  logLimitBytes: number;
  /** Tokens the digest may use (the model's context minus the prompt and the answer). */
  budgetTokens: number;
  /** Where Prometheus is, beyond the alert's generatorURL, and the window to chart. */
  metrics?: MetricsOptions;
}

export const DEFAULT_COLLECT: CollectOptions = {
  readTimeoutMs: 5_000,
  deadlineMs: 15_000,
  // Whole logs up to the kubelet's default rotation size: the cause is often thousands of lines up.
  logTailLines: 50_000,
  logLimitBytes: 10 * 1024 * 1024,
  budgetTokens: 6_000,
  metrics: { windowMinutes: 60, timeoutMs: 5_000 },
};

/** What the collector needs of the alert itself (for its own expression over time). */
export interface AlertRef {
  generatorURL: string;
  startsAt: string;
}

/**
 * Gathers what an engineer would look at for the alert's target. Never throws: whatever could not be
 * read is a gap in the context, so the incident still gets a report that says what is missing. The
 * result is redacted, its logs folded, and its digest fitted to the token budget — here, once.
 */
export async function collect(
  target: Target,
  kube: KubeProvider,
  opts: CollectOptions = DEFAULT_COLLECT,
  signal?: AbortSignal,
  alert?: AlertRef,
): Promise<Context> {
  const ctx: Context = emptyContext(target, new Date().toISOString());
  let clients: KubeClients | undefined;
  try {
    clients = kube.forCluster(target.cluster);
    ctx.kubeContext = clients.context;
    if (clients.oneOfSeveral) ctx.kubectlContext = clients.context;
  } catch (err) {
    ctx.gaps.push(setupGap(err));
  }
  const deadline = AbortSignal.timeout(opts.deadlineMs);
  const all = signal ? AbortSignal.any([signal, deadline]) : deadline;
  // Every parallel read listens on it; dozens at once is the design, not a leak.
  setMaxListeners(200, all);
  // The cluster and Prometheus are independent: read both at once.
  const [, metrics] = await Promise.all([
    clients
      ? collectTarget(new Reader(clients, opts.readTimeoutMs, all, ctx.gaps), ctx, {
          logTailLines: opts.logTailLines,
          logLimitBytes: opts.logLimitBytes,
        })
      : Promise.resolve(),
    alert && opts.metrics ? collectMetrics(alert, target, opts.metrics, clients) : Promise.resolve(null),
  ]);
  if (metrics?.metrics) ctx.metrics = metrics.metrics;
  if (metrics) ctx.gaps.push(...metrics.gaps);
  return finish(ctx, opts.budgetTokens);
}

/** Dedupes and orders events, folds logs, redacts secrets, and builds the budgeted digest. */
export function finish(raw: Context, budgetTokens: number): Context {
  const seen = new Set<string>();
  const events = raw.events
    .filter((e) => {
      const key = `${e.object}|${e.reason}|${e.message}|${e.lastSeen}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.lastSeen ?? '').localeCompare(b.lastSeen ?? ''));
  const logs = raw.logs.map((log) => {
    const c = compressLog(log.text, DEFAULT_COMPRESS);
    return { ...log, text: redact(c.text), lineNumbers: c.lineNumbers };
  });
  const { logs: _l, ...rest } = raw;
  const ctx: Context = { ...redactDeep({ ...rest, events }), logs, collectedAt: new Date().toISOString() };
  const digest = buildDigest(ctx, budgetTokens);
  return { ...ctx, digest: digest.text, digestTokens: digest.tokens };
}

function setupGap(err: unknown): Gap {
  if (err instanceof KubeSetupError) return { what: 'cluster access', reason: err.message, fix: err.fix };
  return { what: 'cluster access', reason: `the kubeconfig could not be loaded: ${(err as Error).message}` };
}
