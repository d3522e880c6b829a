import os from 'node:os';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { ActionExecutor } from './act/executor.ts';
import { createPolicyStore, policyFile } from './act/policy-store.ts';
import { registerProposals } from './act/register.ts';
import { preloadK8sLib } from './collect/k8s-lib.ts';
import { createKubeProvider } from './collect/kube.ts';
import type { EngineConfig } from './config.ts';
import { modelInfo } from './diagnose/ollama.ts';
import { BatchingBus, type EventBatch } from './event-batch.ts';
import { FeishuSender } from './notify/sender.ts';
import { Pipeline, pipelineSettings } from './pipeline.ts';
import { createActionStore } from './store/actions.ts';
import { giveWayTo, openDatabase } from './store/db.ts';
import { createDeliveries } from './store/deliveries.ts';
import { intakeWaiter } from './store/intake-gate.ts';
import { createQueries, type GroupsResult, type IncidentFilter } from './store/queries.ts';
import { createQueue } from './store/queue.ts';

/**
 * The pipeline's own thread: collection, rules and the LLM run here on their own SQLite connection, so
 * the main thread stays free for the webhook and the UI (Alertmanager must get its 200 in milliseconds
 * even while ten incidents are being analysed).
 */
export type ToWorker =
  | { type: 'start' }
  | { type: 'kick' }
  | { type: 'cancel'; ids: number[] }
  /** A read that scans many incidents: done here, so the webhook's thread is never held up by it. */
  | { type: 'groups'; id: number; filter: IncidentFilter; limit: number }
  | { type: 'stop' };
export type FromWorker =
  | { type: 'started'; resumed: number; failed: number }
  | { type: 'events'; events: EventBatch }
  | { type: 'log'; message: string }
  | { type: 'disk'; full: boolean }
  | { type: 'groups'; id: number; result?: GroupsResult; error?: string }
  | { type: 'stopped' };

export interface WorkerData {
  config: EngineConfig;
  nativeBinding?: string;
  /** Webhook payloads being stored (store/intake-gate.ts): the worker's writes give way to them. */
  intakeGate?: SharedArrayBuffer;
}

function post(msg: FromWorker): void {
  parentPort!.postMessage(msg);
}

const { config, nativeBinding, intakeGate } = workerData as WorkerData & { entry?: string };

// On Linux a thread has its own nice value (setpriority on "process 0" is the calling thread), so the
// analysis yields the CPU to the webhook thread under load. Elsewhere it would renice the whole app.
if (process.platform === 'linux' && config.analysisNice > 0) {
  try {
    os.setPriority(config.analysisNice);
  } catch {
    // not permitted (containers): the pipeline just runs at normal priority
  }
}

if (intakeGate) giveWayTo(intakeWaiter(intakeGate));
const db = openDatabase(path.join(config.dataDir, 'oncall-scout.db'), { nativeBinding });
// Forwards the pipeline's events to the main thread, which owns the subscribers.
const bus = new BatchingBus((events) => post({ type: 'events', events }));
const queries = createQueries(db);
const settings = pipelineSettings(config);
const emitIncident = (id: number) => {
  const s = queries.summary(id);
  if (s) bus.emit('incident', s);
};
// Reports are mirrored to Feishu/Lark from this thread too, off the webhook's path.
const sender = settings.feishu.routes.length
  ? new FeishuSender({
      deliveries: createDeliveries(db),
      queries,
      routes: settings.feishu.routes,
      lang: settings.lang,
      retryBaseMs: config.feishuRetryBaseMs,
      maxDelayMs: 5 * 60_000,
      maxAttempts: 50,
      onChange: emitIncident,
      log: (message) => post({ type: 'log', message }),
    })
  : null;
// Remediation: proposals are recorded as reports are stored; approved actions are carried out here.
const actionStore = createActionStore(db);
const policy = createPolicyStore({
  file: policyFile(config),
  store: actionStore,
  audit: false,
  log: (message) => post({ type: 'log', message }),
});
const executor = new ActionExecutor({
  store: actionStore,
  queries,
  policy,
  kube: createKubeProvider({
    kubeconfig: config.kubeconfig,
    context: config.context,
    clusterContexts: config.clusterContexts,
  }),
  pollMs: config.actionPollMs,
  onChange: emitIncident,
  log: (message) => post({ type: 'log', message }),
});
const onReport = (id: number) => {
  sender?.kick();
  try {
    if (registerProposals({ store: actionStore, queries, policy }, id).created) executor.kick();
  } catch (err) {
    // A proposal that cannot be recorded must not fail the incident's analysis.
    post({ type: 'log', message: `incident ${id}: proposals not recorded: ${(err as Error).message}` });
  }
};
const pipeline = new Pipeline({
  ...settings,
  onReport,
  queue: createQueue(db),
  queries,
  bus,
  kube: createKubeProvider({
    kubeconfig: config.kubeconfig,
    context: config.context,
    clusterContexts: config.clusterContexts,
  }),
  onDisk: (full) => post({ type: 'disk', full }),
  log: (message) => post({ type: 'log', message }),
});

/** The model's trained context length, from /api/show, sizes num_ctx and the digest (best effort). */
async function fitModel(): Promise<void> {
  if (!config.llm) return;
  try {
    const info = await Promise.race([
      modelInfo(config.ollamaHost, config.model),
      // Generous: on a loaded laptop (or CI) two small local requests can take seconds, and a num_ctx
      // above what the model was trained on costs every analysis; only the LLM step waits for this.
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 10_000).unref()),
    ]);
    if (info.contextLength) pipeline.fitModel(info.contextLength, config);
  } catch {
    // Ollama not up yet: the configured num_ctx stands; the LLM step reports the real problem.
  }
}

/**
 * Loading @kubernetes/client-node takes about a second in a fresh thread: done while idle, so that the
 * first alert's diagnosis does not wait for it (an alert that came first has loaded it already).
 */
function warmUp(): void {
  const started = performance.now();
  try {
    if (!preloadK8sLib()) return;
  } catch (err) {
    post({ type: 'log', message: `could not load the Kubernetes client: ${(err as Error).message}` });
    return;
  }
  const ms = Math.round(performance.now() - started);
  post({ type: 'log', message: `analysis worker ready: Kubernetes client loaded in ${ms} ms` });
}

parentPort!.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'start':
      pipeline.holdLlmUntil(fitModel());
      post({ type: 'started', ...pipeline.start() });
      sender?.start();
      executor.start();
      setTimeout(warmUp, config.warmUpMs).unref();
      break;
    case 'kick':
      pipeline.kick();
      executor.kick();
      break;
    case 'cancel':
      pipeline.cancel(msg.ids);
      break;
    case 'groups':
      try {
        post({ type: 'groups', id: msg.id, result: queries.groups(msg.filter, msg.limit) });
      } catch (err) {
        post({ type: 'groups', id: msg.id, error: (err as Error).message });
      }
      break;
    case 'stop':
      void Promise.all([pipeline.stop(), sender?.stop(), executor.stop()]).then(() => {
        db.close();
        bus.flush();
        post({ type: 'stopped' });
      });
      break;
  }
});
