import { type Context, emptyContext, type Gap, type Target } from '../../../shared/context.ts';
import { type KubeProvider, KubeSetupError } from './kube.ts';
import { readPod } from './pods.ts';

export interface CollectOptions {
  readTimeoutMs: number;
  deadlineMs: number;
  logTailLines: number;
  logLimitBytes: number;
}

export const DEFAULT_COLLECT: CollectOptions = {
  readTimeoutMs: 5_000,
  deadlineMs: 15_000,
  logTailLines: 2_000,
  logLimitBytes: 512 * 1024,
};

/**
 * Gathers what an engineer would look at for the alert's target. Never throws: whatever could not be
 * read is a gap in the context, so the incident still gets a report that says what is missing.
 */
export async function collect(
  target: Target,
  kube: KubeProvider,
  opts: CollectOptions = DEFAULT_COLLECT,
  signal?: AbortSignal,
): Promise<Context> {
  const ctx: Context = emptyContext(target, new Date().toISOString());
  let clients: ReturnType<KubeProvider['forCluster']>;
  try {
    clients = kube.forCluster(target.cluster);
    ctx.kubeContext = clients.context;
  } catch (err) {
    ctx.gaps.push(setupGap(err));
    return ctx;
  }
  const deadline = AbortSignal.timeout(opts.deadlineMs);
  const all = signal ? AbortSignal.any([signal, deadline]) : deadline;
  const readOpts = {
    timeoutMs: opts.readTimeoutMs,
    signal: all,
    logTailLines: opts.logTailLines,
    logLimitBytes: opts.logLimitBytes,
  };

  if (target.kind === 'pod' && target.name && target.namespace) {
    const ev = await readPod(clients, target.namespace, target.name, readOpts);
    if (ev.pod) ctx.pods.push(ev.pod);
    ctx.events.push(...ev.events);
    ctx.logs.push(...ev.logs);
    ctx.gaps.push(...ev.gaps);
  } else {
    ctx.gaps.push({
      what: `${target.kind} ${target.name ?? ''}`.trim(),
      reason: `collection for ${target.kind} targets is not supported yet; only pod alerts are collected`,
    });
  }
  ctx.collectedAt = new Date().toISOString();
  return ctx;
}

function setupGap(err: unknown): Gap {
  if (err instanceof KubeSetupError) return { what: 'cluster access', reason: err.message, fix: err.fix };
  return { what: 'cluster access', reason: `the kubeconfig could not be loaded: ${(err as Error).message}` };
}
