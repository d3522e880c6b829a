import { z } from 'zod';
import { FeedbackVerdict, IncidentDetail, IncidentState, IncidentSummary } from './incident.ts';
import { Category } from './report.ts';

/**
 * The one declaration of what the UI (and scripts) may ask of the engine. engine/api.ts implements it;
 * server.ts (HTTP) and electron/main (IPC) expose it by looping over this table.
 */

const id = z.coerce.number().int().positive();

export const apiMethods = {
  listIncidents: {
    http: { method: 'GET', path: '/api/incidents' },
    input: z.object({
      state: IncidentState.optional(),
      q: z.string().max(500).optional(),
      severity: z.string().max(40).optional(),
      namespace: z.string().max(253).optional(),
      limit: z.coerce.number().int().min(1).max(10_000).default(200),
    }),
    output: z.object({ items: z.array(IncidentSummary) }),
  },
  getIncident: {
    http: { method: 'GET', path: '/api/incidents/:id' },
    input: z.object({ id }),
    output: IncidentDetail,
  },
  ackIncident: {
    http: { method: 'POST', path: '/api/incidents/:id/ack' },
    input: z.object({ id, by: z.string().max(200).optional() }),
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
    }),
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
