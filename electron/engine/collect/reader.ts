import type { Gap } from '../../../shared/context.ts';
import type { KubeClients } from './kube.ts';
import { read } from './read.ts';

/** Pods read by one list (kubectl's chunk size); a node holds at most 110 by default. */
export const POD_LIST_LIMIT = 500;

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

  /**
   * A read whose failure the report must mention. `key` tells reads apart that `what` words alike (a
   * list under different selectors); by default it is `what`.
   */
  async get<T>(what: string, fn: (signal: AbortSignal) => Promise<T>, key = what): Promise<T | undefined> {
    const r = await this.run(what, fn, key);
    if (r.gap) this.gaps.push(r.gap);
    return r.value;
  }

  /**
   * A list read of at most `limit` items (the server pages the rest away): a namespace or a node with
   * thousands of pods must not cost the collection its memory. A cut list is a gap the report mentions.
   */
  async list<T extends { items: unknown[]; metadata?: { _continue?: string; remainingItemCount?: number } }>(
    what: string,
    limit: number,
    fn: (signal: AbortSignal, limit: number) => Promise<T>,
    key = what,
  ): Promise<T | undefined> {
    const list = await this.get(what, (s) => fn(s, limit), key);
    if (list?.metadata?._continue) {
      const rest = list.metadata.remainingItemCount;
      this.gaps.push({
        what,
        reason: `only the first ${limit} were read${rest ? ` (${rest} more)` : ''}`,
      });
    }
    return list;
  }

  /** A read of something that may legitimately be absent (metrics-server, endpoints): no gap. */
  async optional<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    return (await this.run(what, fn, what)).value;
  }

  /**
   * The same reads with their failures noted nowhere, for reading ahead on a guess: a later read of the
   * same key through this reader shares the answer, and reports the failure then.
   */
  quiet(): Reader {
    return new Reader(this.kube, this.timeoutMs, this.signal, []);
  }

  /** One read, shared under `key` with the other collections, with the timeouts and the credential plugin. */
  private run<T>(what: string, fn: (signal: AbortSignal) => Promise<T>, key: string) {
    return this.kube.reads.run(key, () => read(what, this.timeoutMs, fn, this.signal, this.plugin));
  }

  gap(g: Gap): void {
    this.gaps.push(g);
  }
}
