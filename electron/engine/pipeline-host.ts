import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EngineConfig } from './config.ts';
import type { EventBus } from './events.ts';
import type { FromWorker, ToWorker, WorkerData } from './pipeline-worker.ts';
import type { Queue } from './store/queue.ts';

export interface PipelineControl {
  /** Recovers interrupted work and starts processing; resolves with what was resumed. */
  start(): Promise<{ resumed: number; failed: number }>;
  kick(): void;
  cancel(ids: number[]): void;
  stop(): Promise<void>;
  /** Resolves when nothing is waiting or in flight (tests, benchmarks). */
  idle(timeoutMs?: number): Promise<void>;
}

export interface HostOptions {
  config: EngineConfig;
  bus: EventBus;
  queue: Queue;
  nativeBinding?: string;
  /** The built worker (Electron); by default the TypeScript source, loaded through tsx. */
  workerEntry?: string;
  log?: (msg: string) => void;
}

/** Runs the pipeline in a worker thread and relays its events to the main thread's bus. */
export function startPipelineHost(o: HostOptions): PipelineControl {
  const data: WorkerData = { config: o.config, nativeBinding: o.nativeBinding };
  const worker = o.workerEntry
    ? new Worker(o.workerEntry, { workerData: data })
    : new Worker(fileURLToPath(new URL('./worker-boot.mjs', import.meta.url)), {
        workerData: { ...data, entry: new URL('./pipeline-worker.ts', import.meta.url).href },
      });
  const waiters = new Map<FromWorker['type'], Array<(m: FromWorker) => void>>();
  let failure: Error | null = null;
  const once = <T extends FromWorker['type']>(type: T) =>
    new Promise<Extract<FromWorker, { type: T }>>((resolve, reject) => {
      if (failure) return reject(failure);
      const list = waiters.get(type) ?? [];
      list.push(resolve as (m: FromWorker) => void);
      waiters.set(type, list);
    });
  worker.on('message', (m: FromWorker) => {
    if (m.type === 'event') o.bus.emit(m.name, m.payload as never);
    else if (m.type === 'log') o.log?.(m.message);
    for (const w of waiters.get(m.type) ?? []) w(m);
    waiters.delete(m.type);
  });
  worker.on('error', (err) => {
    failure = err;
    o.log?.(`pipeline worker failed: ${err.stack ?? err}`);
  });
  const send = (m: ToWorker) => {
    if (!failure) worker.postMessage(m);
  };
  let stopped = false;

  return {
    async start() {
      const started = once('started');
      send({ type: 'start' });
      const { resumed, failed } = await started;
      return { resumed, failed };
    },
    kick: () => send({ type: 'kick' }),
    cancel: (ids) => send({ type: 'cancel', ids }),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!failure) {
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
  };
}
