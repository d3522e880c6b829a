import type { Alert } from '../../../shared/alert.ts';
import { normalizeSeverity } from '../../../shared/alert.ts';
import type { IncidentState, IncidentSummary } from '../../../shared/incident.ts';
import type { Category } from '../../../shared/report.ts';

/** An incidents row as SQLite returns it. */
export interface IncidentRow {
  id: number;
  fingerprint: string;
  starts_at: string;
  alertname: string;
  severity: string;
  priority: number;
  namespace: string | null;
  cluster: string | null;
  target: string;
  labels: string;
  annotations: string;
  generator_url: string;
  external_url: string;
  receiver: string;
  group_key: string;
  state: IncidentState;
  llm_pending: number;
  category: Category | null;
  confidence: number | null;
  source: 'rules' | 'llm' | null;
  summary: string | null;
  error: string | null;
  attempts: number;
  received_at: string;
  updated_at: string;
  acked_at: string | null;
  acked_by: string | null;
  resolved_at: string | null;
  ends_at: string | null;
}

export function toSummary(r: IncidentRow): IncidentSummary {
  return {
    id: r.id,
    alertname: r.alertname,
    severity: normalizeSeverity(r.severity),
    namespace: r.namespace,
    cluster: r.cluster,
    target: r.target,
    status: r.resolved_at ? 'resolved' : 'firing',
    state: r.state,
    category: r.category,
    confidence: r.confidence,
    source: r.source,
    summary: r.summary,
    startsAt: r.starts_at,
    receivedAt: r.received_at,
    ackedAt: r.acked_at,
    ackedBy: r.acked_by,
    resolvedAt: r.resolved_at,
  };
}

export function toAlert(r: IncidentRow): Alert {
  return {
    fingerprint: r.fingerprint,
    status: r.resolved_at ? 'resolved' : 'firing',
    labels: JSON.parse(r.labels),
    annotations: JSON.parse(r.annotations),
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    generatorURL: r.generator_url,
    externalURL: r.external_url,
    receiver: r.receiver,
    groupKey: r.group_key,
  };
}
