import path from 'node:path';
import type { Alert } from '../../shared/alert.ts';
import type { ApiImpl } from '../../shared/api.ts';
import { createPolicyStore, policyFile } from './act/policy-store.ts';
import { createApi } from './api.ts';
import { createKubeProvider, type KubeProvider } from './collect/kube.ts';
import type { EngineConfig } from './config.ts';
import { DiskState } from './disk-state.ts';
import { EventBus } from './events.ts';
import { GroupCommit } from './intake/group-commit.ts';
import { createSources, type Sources } from './intake/sources.ts';
import { type PipelineControl, startPipelineHost } from './pipeline-host.ts';
import { fileSecretStore, type SecretStore } from './settings/secrets.ts';
import { createSettings, type SettingsService } from './settings/service.ts';
import { createActionStore } from './store/actions.ts';
import { createAlertmanagerStore } from './store/alertmanager.ts';
import { type Db, isDiskFull, openDatabase } from './store/db.ts';
import { type AlertKey, createIngest, type IngestResult } from './store/ingest.ts';
import { IntakeGate } from './store/intake-gate.ts';
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
  /** Whether the last write found the disk full (shown in the status bar). */
  disk: DiskState;
  settings: SettingsService;
  /** The Alertmanagers polled in pull mode. */
  sources: Sources;
  /** Webhook payloads being stored: the server runs each one `during` it; the pipeline's writes give way. */
  intakeGate: IntakeGate;
  /**
   * Puts a new configuration into effect: a new kube provider and a new pipeline worker. Work in flight
   * goes back to the queue (not counted as an attempt) and the new worker picks it up.
   */
  reconfigure(next: EngineConfig): Promise<void>;
  /**
   * Commits alerts and schedules their analysis; returns once they are on disk. `released`: alerts a
   * pull source no longer lists but another one still does (not resolved).
   */
  ingest(alerts: Alert[], source: string, released?: AlertKey[]): IngestResult;
  /**
   * The webhook's commit: resolves once the alerts are on disk. Payloads arriving together share one
   * transaction (intake/group-commit.ts).
   */
  ingestWebhook(alerts: Alert[]): Promise<IngestResult>;
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
  // The pipeline worker's connection checkpoints the WAL; the intake's never does (see db.ts).
  const db = openDatabase(path.join(config.dataDir, 'oncall-scout.db'), {
    nativeBinding: opts.nativeBinding,
    checkpoints: false,
  });
  const token = loadOrCreateToken(config.dataDir, config.token);
  const bus = new EventBus();
  const queue = createQueue(db);
  const queries = createQueries(db);
  const disk = new DiskState(config.dataDir, opts.log);
  const kubeFor = (c: EngineConfig) =>
    createKubeProvider({ kubeconfig: c.kubeconfig, context: c.context, clusterContexts: c.clusterContexts });
  const intakeGate = new IntakeGate();
  const pipelineFor = (c: EngineConfig) =>
    startPipelineHost({
      intakeGate: intakeGate.buffer,
      config: c,
      bus,
      queue,
      nativeBinding: opts.nativeBinding,
      workerEntry: opts.workerEntry,
      onDisk: (full) => (full ? disk.full() : disk.ok()),
      log: opts.log,
    });
  const kube = kubeFor(config);
  const pipeline = pipelineFor(config);
  const ingestTx = createIngest(db, { source: 'webhook', clusterLabel: config.clusterLabel });
  const ingestBy = new Map<string, ReturnType<typeof createIngest>>([['webhook', ingestTx]]);
  const amStore = createAlertmanagerStore(db);
  const sources = createSources({
    ingest: (alerts, source, released) => engine.ingest(alerts, source, released),
    reported: (source) => amStore.reported(source),
    kube: () => engine.kube,
    log: opts.log,
  });
  // One mutable set of dependencies: the API reads it per call, reconfigure() swaps its members.
  const actions = createActionStore(db);
  const policy = createPolicyStore({ file: policyFile(config), store: actions, audit: true, log: opts.log });
  // Read now, so the policy in force (or a refused file) is in the audit log from the start.
  policy.current();
  const deps = {
    config,
    queries,
    queue,
    pipeline,
    kube,
    bus,
    sources,
    amStore,
    db,
    actions,
    policy,
    disk,
  } as Parameters<typeof createApi>[0];
  const api = createApi(deps);
  let switching: Promise<void> = Promise.resolve();

  /** Runs a commit, keeping the disk state the status bar shows. */
  const stored = <R>(commit: () => R): R => {
    let r: R;
    try {
      r = commit();
    } catch (err) {
      if (isDiskFull(err)) disk.full();
      throw err;
    }
    disk.ok();
    return r;
  };
  /** What follows a commit: resolved alerts cancel their analysis, new ones start it, the live list hears. */
  const settle = (result: IngestResult): IngestResult => {
    if (result.resolved.length) engine.pipeline.cancel(result.resolved);
    // The live list hears of them right after the caller has its answer: a storm's payload of a
    // hundred alerts should not wait for a hundred summaries to be read and serialised.
    const changed = [...result.created, ...result.resolved];
    if (changed.length && bus.listening('incident')) {
      setImmediate(() => {
        if (!db.open) return; // closed meanwhile: nobody is listening any more
        for (const id of changed) {
          const s = queries.summary(id);
          if (s) bus.emit('incident', s);
        }
      });
    }
    if (result.created.length) engine.pipeline.kick();
    return result;
  };
  const webhookCommits = new GroupCommit<Alert[], IngestResult>(
    (batches) => stored(() => ingestTx.many(batches)).map(settle),
    (alerts) => settle(stored(() => ingestTx(alerts))),
    isDiskFull,
  );

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
    disk,
    settings: undefined as unknown as SettingsService,
    sources,
    intakeGate,
    reconfigure(next) {
      // Serialised: two quick saves in Settings must not leave two workers running.
      switching = switching.then(async () => {
        // Only the pull sources changed: the pipeline and the kube clients stay as they are.
        const rest = (c: EngineConfig) => JSON.stringify({ ...c, alertmanagers: undefined });
        if (rest(next) === rest(engine.config)) {
          engine.config = deps.config = next;
          await sources.configure(next.alertmanagers);
          return;
        }
        const old = engine.pipeline;
        const fresh = pipelineFor(next);
        engine.config = deps.config = next;
        engine.kube = deps.kube = kubeFor(next);
        engine.pipeline = deps.pipeline = fresh;
        await old.stop();
        await fresh.start();
        await sources.configure(next.alertmanagers);
      });
      return switching;
    },
    ingest(alerts, source, released) {
      let tx = ingestBy.get(source);
      if (!tx) {
        tx = createIngest(db, { source, clusterLabel: engine.config.clusterLabel });
        ingestBy.set(source, tx);
      }
      return settle(stored(() => tx(alerts, released)));
    },
    ingestWebhook: (alerts) => webhookCommits.submit(alerts),
    async close() {
      await switching;
      await sources.stop();
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
  // Pollers start at once: intake before the pipeline's start is fine, it picks the incidents up.
  sources.configure(config.alertmanagers).catch((err) => opts.log?.(`alertmanager sources: ${err}`));
  return engine;
}
