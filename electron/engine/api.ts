import type { ApiImpl } from '../../shared/api.ts';
import type { IncidentSummary } from '../../shared/incident.ts';
import type { KubeProvider } from './collect/kube.ts';
import type { EngineConfig } from './config.ts';
import { resolveLanguage } from './diagnose/messages/index.ts';
import type { EventBus } from './events.ts';
import { testFeishu } from './notify/feishu/test.ts';
import type { PipelineControl } from './pipeline-host.ts';
import { listKubeContexts } from './settings/kube-contexts.ts';
import { checkOllama } from './settings/ollama-check.ts';
import type { SettingsService } from './settings/service.ts';
import type { Queries } from './store/queries.ts';
import type { Queue } from './store/queue.ts';
import { VERSION } from './version.ts';

/** An API failure with the HTTP status it maps to; crosses IPC as `{ error }`. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiDeps {
  config: EngineConfig;
  queries: Queries;
  queue: Queue;
  pipeline: PipelineControl;
  kube: KubeProvider;
  bus: EventBus;
  settings: SettingsService;
}

/**
 * The one implementation of shared/api.ts. Inputs arrive validated by the adapter. `d` is read on every
 * call, not destructured: the engine swaps config, kube and pipeline in it when the settings change.
 */
export function createApi(d: ApiDeps): ApiImpl {
  const found = (id: number, s: IncidentSummary | null): IncidentSummary => {
    if (!s) throw new ApiFailure(404, `incident ${id} not found`);
    return s;
  };
  const changed = (s: IncidentSummary) => {
    d.bus.emit('incident', s);
    return s;
  };
  return {
    async listIncidents(input) {
      const items = d.queries.list(input);
      // The count costs a second query: only the first page carries it.
      return input.before === undefined ? { items, total: d.queries.count(input) } : { items };
    },
    async listFacets() {
      return d.queries.facets();
    },
    async getIncident({ id }) {
      const detail = d.queries.detail(id);
      if (!detail) throw new ApiFailure(404, `incident ${id} not found`);
      return detail;
    },
    async ackIncident({ id, by }) {
      return changed(found(id, d.queries.ack(id, by ?? null)));
    },
    async submitFeedback({ id, ...f }) {
      found(id, d.queries.summary(id));
      return changed(found(id, d.queries.addFeedback(id, f)));
    },
    async reanalyze({ id }) {
      const s = found(id, d.queries.summary(id));
      if (!d.queue.requeue(id))
        throw new ApiFailure(409, `incident ${id} is being analysed (${s.state}); wait for it to finish`);
      d.pipeline.kick();
      return changed(found(id, d.queries.summary(id)));
    },
    async getStatus() {
      return {
        version: VERSION,
        llm: { enabled: d.config.llm, host: d.config.ollamaHost, model: d.config.model },
        kube: d.kube.describe(),
        queue: d.queue.counts(),
        incidents: d.queries.firingCounts(),
      };
    },
    async getSettings() {
      return d.settings.view();
    },
    async updateSettings(patch) {
      return d.settings.update(patch);
    },
    async testOllama({ host, model }) {
      return checkOllama(host || d.config.ollamaHost, model || d.config.model);
    },
    async listKubeContexts({ kubeconfig }) {
      return listKubeContexts(kubeconfig || d.config.kubeconfig);
    },
    async testFeishu({ webhook, secret, keyword }) {
      return testFeishu(
        {
          name: 'test',
          url: webhook || d.config.feishuWebhook || '',
          secret: secret ?? d.config.feishuSecret,
          keyword: keyword ?? d.config.feishuKeyword,
          match: [],
        },
        resolveLanguage(d.config.language),
      );
    },
  };
}
