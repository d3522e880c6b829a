import { z } from 'zod';
import { ActionRecord, AuditEntry } from './action.ts';
import { SilenceInfo, SourceStatus } from './alertmanager.ts';
import {
  FeedbackVerdict,
  IncidentDetail,
  IncidentGroup,
  IncidentState,
  IncidentSummary,
} from './incident.ts';
import { PolicyView } from './policy.ts';
import { Category } from './report.ts';
import { KubeContexts, OllamaCheck, SettingsPatch, SettingsView } from './settings.ts';
import { Stats } from './stats.ts';

/**
 * The one declaration of what the UI (and scripts) may ask of the engine. engine/api.ts implements it;
 * server.ts (HTTP) and electron/main (IPC) expose it by looping over this table.
 */

const id = z.coerce.number().int().positive();
/** Query strings carry booleans as text; z.coerce.boolean would read "false" as true. */
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** The filters that narrow the list, its groups and "acknowledge all" alike. */
const narrowing = {
  q: z.string().max(500).optional(),
  severity: z.string().max(40).optional(),
  namespace: z.string().max(253).optional(),
  cluster: z.string().max(253).optional(),
  alertname: z.string().max(253).optional(),
  /** The workload an incident is about (shared/workload.ts): a Deployment's name for its pods. */
  workload: z.string().max(253).optional(),
};

/** A file to download (over HTTP, the response body is the file itself). */
const FileDownload = z.object({ filename: z.string(), contentType: z.string(), content: z.string() });

export const apiMethods = {
  listIncidents: {
    http: { method: 'GET', path: '/api/incidents' },
    input: z.object({
      state: IncidentState.optional(),
      ...narrowing,
      /** firing: not resolved yet; resolved: closed by Alertmanager. */
      status: z.enum(['firing', 'resolved']).optional(),
      acked: flag.optional(),
      /** Keyset paging: incidents listed after (older than) this one. */
      before: id.optional(),
      limit: z.coerce.number().int().min(1).max(10_000).default(200),
    }),
    /** `total` counts every incident matching the filters; it is sent with the first page only. */
    output: z.object({ items: z.array(IncidentSummary), total: z.number().int().optional() }),
  },
  /**
   * The incidents matching the list's filters, one row per alert on one workload (a storm's replicas):
   * firing groups first, then the worst severity, then the newest. `total` counts every group.
   */
  listGroups: {
    http: { method: 'GET', path: '/api/groups' },
    input: z.object({
      ...narrowing,
      status: z.enum(['firing', 'resolved']).optional(),
      acked: flag.optional(),
      limit: z.coerce.number().int().min(1).max(2_000).default(500),
    }),
    output: z.object({ groups: z.array(IncidentGroup), total: z.number().int() }),
  },
  listFacets: {
    http: { method: 'GET', path: '/api/facets' },
    input: z.object({}),
    output: z.object({ namespaces: z.array(z.string()), clusters: z.array(z.string()) }),
  },
  getIncident: {
    http: { method: 'GET', path: '/api/incidents/:id' },
    input: z.object({ id }),
    output: IncidentDetail,
  },
  /** The incident's report as Markdown, to paste into a ticket or a chat. 409 until it has one. */
  exportReport: {
    http: { method: 'GET', path: '/api/incidents/:id/markdown', download: true },
    input: z.object({ id }),
    output: FileDownload,
  },
  ackIncident: {
    http: { method: 'POST', path: '/api/incidents/:id/ack' },
    input: z.object({
      id,
      by: z.string().max(200).optional(),
      /** Also silence the alert in its Alertmanager for this long, so the team sees it is taken. */
      silenceMinutes: z.coerce.number().int().min(1).max(43_200).optional(),
      /** The silence's comment; default: the diagnosis summary. */
      comment: z.string().max(2000).optional(),
    }),
    /** `silenceError` says why no silence was made (the acknowledgement itself still holds). */
    output: IncidentSummary.extend({ silence: SilenceInfo.nullable(), silenceError: z.string().nullable() }),
  },
  /**
   * Acknowledges at once every firing, unacknowledged incident that matches the list's filters (a
   * storm's replicas). No silences: one per alert would bury Alertmanager. `acked`: how many.
   */
  ackMatching: {
    http: { method: 'POST', path: '/api/incidents/ack' },
    input: z
      .object({ ...narrowing, by: z.string().max(200).optional() })
      // A misspelt filter must not widen "all matching" to everything.
      .strict(),
    output: z.object({ acked: z.number().int() }),
  },
  /** Clears the acknowledgement and expires the silence it created. */
  unackIncident: {
    http: { method: 'POST', path: '/api/incidents/:id/unack' },
    input: z.object({ id }),
    output: IncidentSummary,
  },
  submitFeedback: {
    http: { method: 'POST', path: '/api/incidents/:id/feedback' },
    input: z.object({
      id,
      verdict: FeedbackVerdict,
      note: z.string().max(4000).optional(),
      category: Category.optional(),
      by: z.string().max(200).optional(),
    }),
    output: IncidentSummary,
  },
  reanalyze: {
    http: { method: 'POST', path: '/api/incidents/:id/reanalyze' },
    input: z.object({ id }),
    output: IncidentSummary,
  },
  getStatus: {
    http: { method: 'GET', path: '/api/status' },
    input: z.object({}),
    output: z.object({
      version: z.string(),
      llm: z.object({ enabled: z.boolean(), host: z.string(), model: z.string() }),
      kube: z.object({ context: z.string().nullable(), server: z.string().nullable() }),
      queue: z.object({ waiting: z.number(), collecting: z.number(), diagnosing: z.number() }),
      /** Still firing: all, not yet acknowledged, and being analysed (what the tray icon shows). */
      incidents: z.object({ firing: z.number(), unacknowledged: z.number(), analyzing: z.number() }),
      /** Alertmanagers polled in pull mode, each with its last poll, last error and backoff. */
      sources: z.array(SourceStatus),
      /** The disk holding the data dir is full: alerts are refused with 503 and analyses wait. */
      disk: z.object({ full: z.boolean(), since: z.string().nullable(), message: z.string().nullable() }),
    }),
  },
  /** Polls the pull sources now (all, or the one named) instead of waiting for their next turn. */
  pollSources: {
    http: { method: 'POST', path: '/api/sources/poll' },
    input: z.object({ name: z.string().max(100).optional() }),
    output: z.object({ sources: z.array(SourceStatus) }),
  },
  /** The on-call scoreboard over [from, to) and the period of the same length before it. */
  getStats: {
    http: { method: 'GET', path: '/api/stats' },
    input: z.object({
      /** An ISO date or time; default: 30 days before `to`. */
      from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
      /** Default: now. */
      to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
      /** The caller's UTC offset in minutes (e.g. 480 for UTC+8), for the days of the chart. */
      tz: z.coerce.number().int().min(-840).max(840).default(0),
    }),
    output: Stats,
  },
  getSettings: {
    http: { method: 'GET', path: '/api/settings' },
    input: z.object({}),
    output: SettingsView,
  },
  updateSettings: {
    http: { method: 'PUT', path: '/api/settings' },
    input: SettingsPatch,
    output: SettingsView,
  },
  testOllama: {
    http: { method: 'POST', path: '/api/settings/ollama/test' },
    input: z.object({ host: z.string().max(2048).optional(), model: z.string().max(200).optional() }),
    output: OllamaCheck,
  },
  listKubeContexts: {
    http: { method: 'GET', path: '/api/settings/kube/contexts' },
    input: z.object({ kubeconfig: z.string().max(4096).optional() }),
    output: KubeContexts,
  },
  /** "Send test message": posts a test card with the given (or saved) webhook, secret and keyword. */
  testFeishu: {
    http: { method: 'POST', path: '/api/settings/feishu/test' },
    input: z.object({
      webhook: z.string().max(2048).optional(),
      secret: z.string().max(512).optional(),
      keyword: z.string().max(64).optional(),
    }),
    output: z.object({ ok: z.boolean(), message: z.string(), fix: z.string().optional() }),
  },
  /** Remediation: an engineer approves a proposed action (approve mode); the engine then carries it out. */
  approveAction: {
    http: { method: 'POST', path: '/api/actions/:id/approve' },
    input: z.object({ id, by: z.string().max(200).optional() }),
    output: ActionRecord,
  },
  rejectAction: {
    http: { method: 'POST', path: '/api/actions/:id/reject' },
    input: z.object({ id, by: z.string().max(200).optional(), reason: z.string().max(2000).optional() }),
    output: ActionRecord,
  },
  /** The audit log of remediation, newest first (every proposal, decision, dry run, call and outcome). */
  listAudit: {
    http: { method: 'GET', path: '/api/audit' },
    input: z.object({
      incidentId: id.optional(),
      before: id.optional(),
      limit: z.coerce.number().int().min(1).max(5_000).default(200),
    }),
    output: z.object({ items: z.array(AuditEntry) }),
  },
  /** The audit log as a file; over HTTP the body is the file itself (text/csv or application/json). */
  exportAudit: {
    http: { method: 'GET', path: '/api/audit/export', download: true },
    input: z.object({ format: z.enum(['csv', 'json']).default('csv'), incidentId: id.optional() }),
    output: FileDownload,
  },
  /** The remediation policy in force (YAML), where it is read from, and why a newer file was refused. */
  getPolicy: {
    http: { method: 'GET', path: '/api/policy' },
    input: z.object({}),
    output: PolicyView,
  },
  /** Replaces the policy; a bad one is refused (400, with the line and the reason) and the old one stays. */
  updatePolicy: {
    http: { method: 'PUT', path: '/api/policy' },
    input: z.object({ text: z.string().max(64_000), by: z.string().max(200).optional() }),
    output: PolicyView,
  },
} as const;

export type ApiMethods = typeof apiMethods;
export type ApiName = keyof ApiMethods;
export type ApiInput<K extends ApiName> = z.input<ApiMethods[K]['input']>;
export type ApiParsedInput<K extends ApiName> = z.output<ApiMethods[K]['input']>;
export type ApiOutput<K extends ApiName> = z.output<ApiMethods[K]['output']>;

/** The engine's side: one async function per method, taking validated input. */
export type ApiImpl = { [K in ApiName]: (input: ApiParsedInput<K>) => Promise<ApiOutput<K>> };
/** The client's side (renderer, tests): one async function per method, taking raw input. */
export type ApiClient = { [K in ApiName]: (input: ApiInput<K>) => Promise<ApiOutput<K>> };

/** Server-sent events (HTTP) and IPC pushes carry the same shapes. */
export const apiEvents = {
  incident: IncidentSummary,
  token: z.object({ id: z.number().int(), text: z.string() }),
} as const;
export type ApiEvents = typeof apiEvents;
export type ApiEventName = keyof ApiEvents;
export type ApiEvent<K extends ApiEventName> = z.output<ApiEvents[K]>;

/** Errors cross process boundaries as values: Electron keeps only an Error's message. */
export const ApiError = z.object({ error: z.string(), field: z.string().optional() });
export type ApiError = z.infer<typeof ApiError>;
