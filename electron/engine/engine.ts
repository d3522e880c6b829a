import path from 'node:path';
import type { Alert } from '../../shared/alert.ts';
import type { ApiImpl } from '../../shared/api.ts';
import { createApi } from './api.ts';
import { createKubeProvider, type KubeProvider } from './collect/kube.ts';
import type { EngineConfig } from './config.ts';
import { EventBus } from './events.ts';
import { type PipelineControl, startPipelineHost } from './pipeline-host.ts';
import { type Db, openDatabase } from './store/db.ts';
import { createIngest, type IngestResult } from './store/ingest.ts';
import { createQueries, type Queries } from './store/queries.ts';
import { createQueue, type Queue } from './store/queue.ts';
import { loadOrCreateToken } from './token.ts';

export interface Engine {
  config: EngineConfig;
  token: string;
  db: Db;
  bus: EventBus;
  api: ApiImpl;
  queries: Queries;
  queue: Queue;
  kube: KubeProvider;
  pipeline: PipelineControl;
  /** Commits alerts and schedules their analysis; returns once they are on disk. */
  ingest(alerts: Alert[], source: string): IngestResult;
  close(): Promise<void>;
}

export interface EngineOptions {
  /** better_sqlite3.node built for Electron's ABI, when running inside Electron. */
  nativeBinding?: string;
  /** The built pipeline worker (Electron); by default the TypeScript source via tsx. */
  workerEntry?: string;
  log?: (msg: string) => void;
}

export function createEngine(config: EngineConfig, opts: EngineOptions = {}): Engine {
  const db = openDatabase(path.join(config.dataDir, 'oncall-scout.db'), {
    nativeBinding: opts.nativeBinding,
  });
  const token = loadOrCreateToken(config.dataDir, config.token);
  const bus = new EventBus();
  const queue = createQueue(db);
  const queries = createQueries(db);
  const kube = createKubeProvider({
    kubeconfig: config.kubeconfig,
    context: config.context,
    clusterContexts: config.clusterContexts,
  });
  const pipeline = startPipelineHost({
    config,
    bus,
    queue,
    nativeBinding: opts.nativeBinding,
    workerEntry: opts.workerEntry,
    log: opts.log,
  });
  const ingestTx = createIngest(db, { source: 'webhook', clusterLabel: config.clusterLabel });
  const ingestBy = new Map<string, ReturnType<typeof createIngest>>([['webhook', ingestTx]]);
  const api = createApi({ config, queries, queue, pipeline, kube, bus });

  return {
    config,
    token,
    db,
    bus,
    api,
    queries,
    queue,
    kube,
    pipeline,
    ingest(alerts, source) {
      let tx = ingestBy.get(source);
      if (!tx) {
        tx = createIngest(db, { source, clusterLabel: config.clusterLabel });
        ingestBy.set(source, tx);
      }
      const result = tx(alerts);
      if (result.resolved.length) pipeline.cancel(result.resolved);
      if (bus.listening('incident')) {
        for (const id of [...result.created, ...result.resolved]) {
          const s = queries.summary(id);
          if (s) bus.emit('incident', s);
        }
      }
      if (result.created.length) pipeline.kick();
      return result;
    },
    async close() {
      await pipeline.stop();
      db.close();
    },
  };
}
