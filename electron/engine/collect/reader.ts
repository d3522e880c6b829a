import type { Gap } from '../../../shared/context.ts';
import type { KubeClients } from './kube.ts';
import { read } from './read.ts';

/**
 * One collection's access to the cluster: every read has the per-read timeout and the collection's
 * deadline, and a failure becomes a gap in the context instead of an exception. Reads are shared with
 * the context's other collections for a few seconds (read-cache.ts), keyed by what they read.
 */
export class Reader {
  private readonly plugin?: string;

  constructor(
    readonly kube: KubeClients,
    private readonly timeoutMs: number,
    readonly signal: AbortSignal,
    private readonly gaps: Gap[],
  ) {
    const exec = kube.config.getCurrentUser()?.exec as { command?: string; args?: string[] } | undefined;
    if (exec?.command) this.plugin = [exec.command, ...(exec.args ?? [])].join(' ');
  }

  /** A read whose failure the report must mention. */
  async get<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    const r = await this.kube.reads.run(what, () => read(what, this.timeoutMs, fn, this.signal, this.plugin));
    if (r.gap) this.gaps.push(r.gap);
    return r.value;
  }

  /** A read of something that may legitimately be absent (metrics-server, endpoints): no gap. */
  async optional<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    const r = await this.kube.reads.run(what, () => read(what, this.timeoutMs, fn, this.signal));
    return r.value;
  }

  gap(g: Gap): void {
    this.gaps.push(g);
  }
}
