import { IncidentSummary } from '../../shared/incident.ts';

/**
 * An incident as the engine lists and emits it: a crash-looping pod in `shop`, just received and not yet
 * analysed. Tests override what they are about; the result is checked against the schema, so a fixture
 * can never drift from what the engine sends.
 */
export function incidentSummary(over: Partial<IncidentSummary> = {}): IncidentSummary {
  return IncidentSummary.parse({
    id: 7,
    alertname: 'KubePodCrashLooping',
    severity: 'warning',
    namespace: 'shop',
    cluster: null,
    target: 'pod/checkout-7d9f8b6c5-x2x9q',
    status: 'firing',
    state: 'received',
    category: null,
    confidence: null,
    source: null,
    summary: null,
    startsAt: '2026-11-26T03:00:00.000Z',
    receivedAt: '2026-11-26T03:00:01.000Z',
    ackedAt: null,
    ackedBy: null,
    resolvedAt: null,
    ...over,
  });
}
