import { z } from 'zod';
import { ActionRecord } from './action.ts';
import { Alert, Severity } from './alert.ts';
import { SilenceInfo } from './alertmanager.ts';
import { Context } from './context.ts';
import { Delivery } from './delivery.ts';
import { Category, Report } from './report.ts';

/** received → collecting → diagnosing → ready | failed; cancelled when the alert resolved before analysis. */
export const INCIDENT_STATES = [
  'received',
  'collecting',
  'diagnosing',
  'ready',
  'failed',
  'cancelled',
] as const;
export const IncidentState = z.enum(INCIDENT_STATES);
export type IncidentState = z.infer<typeof IncidentState>;

export const FINISHED_STATES: readonly IncidentState[] = ['ready', 'failed', 'cancelled'];

export const IncidentSummary = z.object({
  id: z.number().int(),
  alertname: z.string(),
  severity: Severity,
  namespace: z.string().nullable(),
  cluster: z.string().nullable(),
  target: z.string(),
  status: z.enum(['firing', 'resolved']),
  state: IncidentState,
  category: Category.nullable(),
  confidence: z.number().nullable(),
  source: z.enum(['rules', 'llm']).nullable(),
  summary: z.string().nullable(),
  startsAt: z.string(),
  receivedAt: z.string(),
  ackedAt: z.string().nullable(),
  ackedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
});
export type IncidentSummary = z.infer<typeof IncidentSummary>;

/**
 * One alert on one workload (shared/workload.ts) in one namespace and cluster: in a storm, the hundred
 * replicas that fail alike are one row. The diagnosis is that of its newest analysed incident.
 */
export const IncidentGroup = z.object({
  alertname: z.string(),
  namespace: z.string().nullable(),
  cluster: z.string().nullable(),
  workload: z.string(),
  /** The worst severity among its firing incidents (among all of them once none fires). */
  severity: Severity,
  count: z.number().int(),
  firing: z.number().int(),
  unacknowledged: z.number().int(),
  analyzing: z.number().int(),
  /** The earliest start among its firing incidents (among all of them once none fires). */
  startsAt: z.string(),
  /** When its newest incident arrived. */
  receivedAt: z.string(),
  category: Category.nullable(),
  confidence: z.number().nullable(),
  summary: z.string().nullable(),
});
export type IncidentGroup = z.infer<typeof IncidentGroup>;

export const Timings = z.object({
  collectMs: z.number().nullable(),
  rulesMs: z.number().nullable(),
  llmMs: z.number().nullable(),
  diagnoseMs: z.number().nullable(),
  totalMs: z.number().nullable(),
});
export type Timings = z.infer<typeof Timings>;

export const FeedbackVerdict = z.enum(['right', 'wrong', 'false_positive']);
export type FeedbackVerdict = z.infer<typeof FeedbackVerdict>;

export const Feedback = z.object({
  verdict: FeedbackVerdict,
  note: z.string().max(4000).optional(),
  category: Category.optional(),
  by: z.string().optional(),
  createdAt: z.string(),
});
export type Feedback = z.infer<typeof Feedback>;

export const IncidentDetail = IncidentSummary.extend({
  alert: Alert,
  context: Context.nullable(),
  report: Report.nullable(),
  /** Every report the incident had, oldest first (rules, then LLM). */
  reports: z.array(Report),
  timings: Timings,
  error: z.string().nullable(),
  feedback: z.array(Feedback),
  deliveries: z.array(Delivery),
  /** Remediation actions the reports proposed, with their mode, state and outcome. */
  actions: z.array(ActionRecord),
  /** The Alertmanager silence made when it was acknowledged, if any (the newest). */
  silence: SilenceInfo.nullable(),
});
export type IncidentDetail = z.infer<typeof IncidentDetail>;
