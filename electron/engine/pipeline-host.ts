import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EngineConfig } from './config.ts';
import type { EventBus } from './events.ts';
import type { FromWorker, ToWorker, WorkerData } from './pipeline-worker.ts';
import type { GroupsResult, IncidentFilter } from './store/queries.ts';
import type { Queue } from './store/queue.ts';

export interface PipelineControl {
  /** Recovers interrupted work and starts processing; resolves with what was resumed. */
  start(): Promise<{ resumed: number; failed: number }>;
  kick(): void;
  cancel(ids: number[]): void;
  stop(): Promise<void>;
  /** Resolves when nothing is waiting or in flight (tests, benchmarks). */
  idle(timeoutMs?: number): Promise<void>;
  /** Ends the worker as a crash would (tests): it is restarted like after a real one. */
  crash(): Promise<void>;
  /**
   * The incident groups, read by the worker on its own connection (a scan of every matching incident,
   * tens of milliseconds per 10,000, must not hold up the webhook). Null when the worker cannot answer
   * (it is being restarted): the caller reads them itself.
   */
  groups(filter: IncidentFilter, limit: number): Promise<GroupsResult | null>;
}

export interface HostOptions {
  config: EngineConfig;
  bus: EventBus;
  queue: Queue;
  nativeBinding?: string;
  /** The built worker (Electron); by default the bundled sibling, or the TypeScript source through tsx. */
  workerEntry?: string;
  /** Webhook payloads being stored (store/intake-gate.ts), which the worker's writes give way to. */
  intakeGate?: SharedArrayBuffer;
  /** The worker found the disk full (true) or writing again (false). */
  onDisk?: (full: boolean) => void;
  log?: (msg: string) => void;
}

/**
 * The worker's heap: collection parses large API lists, and without a ceiling V8 lets the heap grow
 * long before it collects. With one it collects sooner; the app stays within its memory budget.
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 160, maxYoungGenerationSizeMb: 16 };
const RESTART_MAX_MS = 30_000;

/**
 * Runs the pipeline in a worker thread and relays its events to the main thread's bus. A worker that
 * dies (out of memory, a crash in a dependency) is started again after a pause that grows with each
 * failure; it resumes the interrupted incidents like an app restart does, and intake never stops.
 */
export function startPipelineHost(o: HostOptions): PipelineControl {
  const data: WorkerData = { config: o.config, nativeBinding: o.nativeBinding, intakeGate: o.intakeGate };
  // Bundled (out/engine/cli.mjs), the worker is a sibling file; from sources it goes through tsx.
  const bundled = fileURLToPath(new URL('./pipeline-worker.mjs', import.meta.url));
  const entry = o.workerEntry ?? (fs.existsSync(bundled) ? bundled : undefined);
  const waiters = new Map<FromWorker['type'], Array<(m: FromWorker) => void>>();
  let started = false;
  let stopped = false;
  let alive = false;
  let failures = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let healthyTimer: NodeJS.Timeout | undefined;
  /** Reads asked of the worker, by id: a worker that exits answers them with null. */
  const reads = new Map<number, (r: GroupsResult | null, error?: string) => void>();
  let readIds = 0;

  const spawn = (): Worker => {
    const w = entry
      ? new Worker(entry, { workerData: data, resourceLimits: WORKER_LIMITS })
      : new Worker(fileURLToPath(new URL('./worker-boot.mjs', import.meta.url)), {
          workerData: { ...data, entry: new URL('./pipeline-worker.ts', import.meta.url).href },
          resourceLimits: WORKER_LIMITS,
        });
    alive = true;
    w.on('message', (m: FromWorker) => {
      if (m.type === 'events') for (const e of m.events) o.bus.emit(e.name, e.payload as never);
      else if (m.type === 'log') o.log?.(m.message);
      else if (m.type === 'disk') o.onDisk?.(m.full);
      else if (m.type === 'groups') {
        reads.get(m.id)?.(m.result ?? null, m.error);
        reads.delete(m.id);
      }
      for (const fn of waiters.get(m.type) ?? []) fn(m);
      waiters.delete(m.type);
    });
    w.on('error', (err) => o.log?.(`pipeline worker failed: ${err.stack ?? err}`));
    w.on('exit', (code) => {
      alive = false;
      for (const answer of reads.values()) answer(null);
      reads.clear();
      clearTimeout(healthyTimer);
      if (stopped) return;
      const delay = Math.min(RESTART_MAX_MS, 1_000 * 2 ** failures++);
      o.log?.(
        `the analysis worker stopped (exit code ${code}); restarting it in ${delay / 1000} s — alerts are still received, and interrupted incidents resume`,
      );
      restartTimer = setTimeout(() => {
        if (stopped) return;
        worker = spawn();
        if (started) worker.postMessage({ type: 'start' } satisfies ToWorker);
      }, delay);
    });
    // A worker that has run a minute is healthy again: the next failure restarts it quickly.
    healthyTimer = setTimeout(() => (failures = 0), 60_000);
    healthyTimer.unref();
    return w;
  };
  let worker = spawn();

  const once = <T extends FromWorker['type']>(type: T) =>
    new Promise<Extract<FromWorker, { type: T }>>((resolve) => {
      const list = waiters.get(type) ?? [];
      list.push(resolve as (m: FromWorker) => void);
      waiters.set(type, list);
    });
  const send = (m: ToWorker) => {
    if (alive) worker.postMessage(m);
  };

  return {
    async start() {
      started = true;
      const reply = once('started');
      send({ type: 'start' });
      const { resumed, failed } = await reply;
      return { resumed, failed };
    },
    kick: () => send({ type: 'kick' }),
    cancel: (ids) => send({ type: 'cancel', ids }),
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(restartTimer);
      clearTimeout(healthyTimer);
      if (alive) {
        const done = once('stopped');
        send({ type: 'stop' });
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([done, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
        clearTimeout(timer);
      }
      await worker.terminate();
    },
    async idle(timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const c = o.queue.counts();
        if (!c.waiting && !c.collecting && !(o.config.llm && c.diagnosing)) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`pipeline not idle after ${timeoutMs} ms`);
    },
    async crash() {
      await worker.terminate();
    },
    groups(filter, limit) {
      if (!alive) return Promise.resolve(null);
      const id = ++readIds;
      return new Promise((resolve, reject) => {
        reads.set(id, (r, error) => (error ? reject(new Error(error)) : resolve(r)));
        worker.postMessage({ type: 'groups', id, filter, limit } satisfies ToWorker);
      });
    },
  };
}
