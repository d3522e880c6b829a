import type { ApiImpl } from '../../shared/api.ts';
import type { IncidentSummary } from '../../shared/incident.ts';
import { approve, DecisionError, reject } from './act/approval.ts';
import { auditExport } from './act/audit-export.ts';
import { PolicyError } from './act/policy.ts';
import type { PolicyStore } from './act/policy-store.ts';
import { expireIncidentSilence, localUser, silenceIncident } from './alertmanager/ack.ts';
import type { KubeProvider } from './collect/kube.ts';
import type { EngineConfig } from './config.ts';
import { resolveLanguage } from './diagnose/messages/index.ts';
import type { DiskState } from './disk-state.ts';
import type { EventBus } from './events.ts';
import type { Sources } from './intake/sources.ts';
import { testFeishu } from './notify/feishu/test.ts';
import type { PipelineControl } from './pipeline-host.ts';
import { reportMarkdown } from './report-markdown.ts';
import { listKubeContexts } from './settings/kube-contexts.ts';
import { checkOllama } from './settings/ollama-check.ts';
import type { SettingsService } from './settings/service.ts';
import { createStats, statsRange } from './stats.ts';
import type { ActionStore } from './store/actions.ts';
import type { AlertmanagerStore } from './store/alertmanager.ts';
import type { Db } from './store/db.ts';
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
  sources: Sources;
  amStore: AlertmanagerStore;
  db: Db;
  /** Remediation: proposed actions and the audit log, and the policy in force. */
  actions: ActionStore;
  policy: PolicyStore;
  disk: DiskState;
}

/**
 * The one implementation of shared/api.ts. Inputs arrive validated by the adapter. `d` is read on every
 * call, not destructured: the engine swaps config, kube and pipeline in it when the settings change.
 */
export function createApi(d: ApiDeps): ApiImpl {
  const found = <T>(id: number, s: T | null): T => {
    if (!s) throw new ApiFailure(404, `incident ${id} not found`);
    return s;
  };
  const changed = (s: IncidentSummary) => {
    d.bus.emit('incident', s);
    return s;
  };
  const stats = createStats(d.db);
  const silenceDeps = { sources: d.sources, store: d.amStore, now: () => new Date() };
  return {
    async listIncidents(input) {
      const items = d.queries.list(input);
      // The count costs a second query: only the first page carries it.
      return input.before === undefined ? { items, total: d.queries.count(input) } : { items };
    },
    async listGroups({ limit, ...filters }) {
      return (await d.pipeline.groups(filters, limit)) ?? d.queries.groups(filters, limit);
    },
    async listFacets() {
      return d.queries.facets();
    },
    async getIncident({ id }) {
      return found(id, d.queries.detail(id));
    },
    async exportReport({ id }) {
      const detail = found(id, d.queries.detail(id));
      if (!detail.report)
        throw new ApiFailure(
          409,
          `incident ${id} has no report yet (${detail.state}): wait for its analysis`,
        );
      return {
        filename: `oncall-scout-incident-${id}.md`,
        contentType: 'text/markdown; charset=utf-8',
        content: reportMarkdown(detail.alert, detail.report, detail.context),
      };
    },
    async ackMatching({ by, ...filters }) {
      const ids = d.queries.ackMatching(filters, by?.trim() || localUser());
      tellInTurns(ids, (id) => {
        const s = d.queries.summary(id);
        if (s) changed(s);
      }).catch(() => {
        // the engine closed meanwhile: nobody is listening any more
      });
      return { acked: ids.length };
    },
    async ackIncident({ id, by, silenceMinutes, comment }) {
      found(id, d.queries.summary(id));
      const who = by?.trim() || localUser();
      const acked = changed(found(id, d.queries.ack(id, who)));
      if (!silenceMinutes) return { ...acked, silence: null, silenceError: null };
      const detail = d.queries.detail(id)!;
      const r = await silenceIncident(detail, { minutes: silenceMinutes, by: who, comment }, silenceDeps);
      if (r.silence) changed(found(id, d.queries.summary(id)));
      return { ...acked, silence: r.silence, silenceError: r.error };
    },
    async unackIncident({ id }) {
      found(id, d.queries.summary(id));
      try {
        await expireIncidentSilence(id, silenceDeps);
      } catch (err) {
        throw new ApiFailure(502, (err as Error).message);
      }
      return changed(found(id, d.queries.unack(id)));
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
        sources: d.sources.status(),
        disk: d.disk.status(),
      };
    },
    async pollSources({ name }) {
      if (name && !d.sources.status().some((s) => s.name === name))
        throw new ApiFailure(404, `no Alertmanager source named "${name}"`);
      d.sources.pollNow(name);
      return { sources: d.sources.status() };
    },
    async getStats(input) {
      try {
        return stats.compute(statsRange(input, new Date()));
      } catch (err) {
        if (err instanceof RangeError) throw new ApiFailure(400, err.message);
        throw err;
      }
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
    async approveAction({ id, by }) {
      const r = decide(() =>
        approve({ store: d.actions, queries: d.queries, policy: d.policy }, id, by?.trim() || localUser()),
      );
      // The pipeline's thread carries it out; the kick saves it waiting for its next look.
      d.pipeline.kick();
      changed(found(r.incidentId, d.queries.summary(r.incidentId)));
      return r;
    },
    async rejectAction({ id, by, reason }) {
      const r = decide(() =>
        reject(
          { store: d.actions, queries: d.queries, policy: d.policy },
          id,
          by?.trim() || localUser(),
          reason,
        ),
      );
      changed(found(r.incidentId, d.queries.summary(r.incidentId)));
      return r;
    },
    async listAudit(input) {
      return { items: d.actions.auditLog(input) };
    },
    async exportAudit({ format, incidentId }) {
      const items = d.actions.auditLog({ incidentId, limit: 100_000 });
      return auditExport(items, format, new Date(), incidentId);
    },
    async getPolicy() {
      return d.policy.view();
    },
    async updatePolicy({ text, by }) {
      try {
        return d.policy.save(text, by?.trim() || localUser());
      } catch (err) {
        if (err instanceof PolicyError)
          throw new ApiFailure(400, `policy not saved, ${err.message}; the previous policy stays in force`);
        throw err;
      }
    },
  };
}

/**
 * Runs `fn` for each id, a few hundred per turn of the event loop: a storm's ten thousand acknowledged
 * incidents must not hold the webhook back while their summaries are read and sent to the UI.
 */
async function tellInTurns(ids: number[], fn: (id: number) => void): Promise<void> {
  for (let i = 0; i < ids.length; i += 200) {
    if (i) await new Promise((resolve) => setImmediate(resolve));
    for (const id of ids.slice(i, i + 200)) fn(id);
  }
}

function decide<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof DecisionError) throw new ApiFailure(err.status, err.message);
    throw err;
  }
}
