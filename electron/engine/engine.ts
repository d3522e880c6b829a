import path from 'node:path';
import type { Alert } from '../../shared/alert.ts';
import type { ApiImpl } from '../../shared/api.ts';
import { createApi } from './api.ts';
import { createKubeProvider, type KubeProvider } from './collect/kube.ts';
import type { EngineConfig } from './config.ts';
import { EventBus } from './events.ts';
import { type PipelineControl, startPipelineHost } from './pipeline-host.ts';
import { fileSecretStore, type SecretStore } from './settings/secrets.ts';
import { createSettings, type SettingsService } from './settings/service.ts';
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
  settings: SettingsService;
  /**
   * Puts a new configuration into effect: a new kube provider and a new pipeline worker. Work in flight
   * goes back to the queue (not counted as an attempt) and the new worker picks it up.
   */
  reconfigure(next: EngineConfig): Promise<void>;
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
  /** Where Settings keeps secrets; by default a 0600 file in the data dir (headless). */
  secrets?: SecretStore;
}

export function createEngine(config: EngineConfig, opts: EngineOptions = {}): Engine {
  const db = openDatabase(path.join(config.dataDir, 'oncall-scout.db'), {
    nativeBinding: opts.nativeBinding,
  });
  const token = loadOrCreateToken(config.dataDir, config.token);
  const bus = new EventBus();
  const queue = createQueue(db);
  const queries = createQueries(db);
  const kubeFor = (c: EngineConfig) =>
    createKubeProvider({ kubeconfig: c.kubeconfig, context: c.context, clusterContexts: c.clusterContexts });
  const pipelineFor = (c: EngineConfig) =>
    startPipelineHost({
      config: c,
      bus,
      queue,
      nativeBinding: opts.nativeBinding,
      workerEntry: opts.workerEntry,
      log: opts.log,
    });
  const kube = kubeFor(config);
  const pipeline = pipelineFor(config);
  const ingestTx = createIngest(db, { source: 'webhook', clusterLabel: config.clusterLabel });
  const ingestBy = new Map<string, ReturnType<typeof createIngest>>([['webhook', ingestTx]]);
  // One mutable set of dependencies: the API reads it per call, reconfigure() swaps its members.
  const deps = { config, queries, queue, pipeline, kube, bus } as Parameters<typeof createApi>[0];
  const api = createApi(deps);
  let switching: Promise<void> = Promise.resolve();

  const engine: Engine = {
    config,
    token,
    db,
    bus,
    api,
    queries,
    queue,
    kube,
    pipeline,
    settings: undefined as unknown as SettingsService,
    reconfigure(next) {
      // Serialised: two quick saves in Settings must not leave two workers running.
      switching = switching.then(async () => {
        const old = engine.pipeline;
        const fresh = pipelineFor(next);
        engine.config = deps.config = next;
        engine.kube = deps.kube = kubeFor(next);
        engine.pipeline = deps.pipeline = fresh;
        await old.stop();
        await fresh.start();
      });
      return switching;
    },
    ingest(alerts, source) {
      let tx = ingestBy.get(source);
      if (!tx) {
        tx = createIngest(db, { source, clusterLabel: engine.config.clusterLabel });
        ingestBy.set(source, tx);
      }
      const result = tx(alerts);
      if (result.resolved.length) engine.pipeline.cancel(result.resolved);
      if (bus.listening('incident')) {
        for (const id of [...result.created, ...result.resolved]) {
          const s = queries.summary(id);
          if (s) bus.emit('incident', s);
        }
      }
      if (result.created.length) engine.pipeline.kick();
      return result;
    },
    async close() {
      await switching;
      await engine.pipeline.stop();
      db.close();
    },
  };
  engine.settings = deps.settings = createSettings({
    secrets: opts.secrets ?? fileSecretStore(config.dataDir),
    config: () => engine.config,
    token: () => token,
    apply: (next) => engine.reconfigure(next),
    log: opts.log,
  });
  return engine;
}
