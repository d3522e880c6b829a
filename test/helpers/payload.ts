import { labelsFingerprint } from '../../electron/engine/intake/fingerprint.ts';

/** Builders for Alertmanager v4 payloads shaped exactly like Alertmanager 0.25 sends them (PROTOCOLS §1.1). */
export interface AlertSpec {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  status?: 'firing' | 'resolved';
  startsAt?: string;
  endsAt?: string;
}

export function amAlert(a: AlertSpec) {
  return {
    status: a.status ?? 'firing',
    labels: a.labels,
    annotations: a.annotations ?? {},
    startsAt: a.startsAt ?? '2026-11-26T03:25:15.821762349Z',
    endsAt: a.status === 'resolved' ? (a.endsAt ?? '2026-11-26T03:40:00.000000000Z') : '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=x',
    fingerprint: labelsFingerprint(a.labels),
  };
}

export function amPayload(alerts: AlertSpec[], extra: Record<string, unknown> = {}) {
  const list = alerts.map(amAlert);
  return {
    receiver: 'k8s\\.diag',
    status: list.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: list,
    groupLabels: { alertname: alerts[0]?.labels.alertname ?? '' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://vm:19093',
    version: '4',
    groupKey: `{}:{alertname="${alerts[0]?.labels.alertname ?? ''}"}`,
    truncatedAlerts: 0,
    ...extra,
  };
}

export function podAlert(
  pod: string,
  namespace = 'default',
  alertname = 'KubePodCrashLooping',
  severity = 'critical',
): AlertSpec {
  return {
    labels: { alertname, namespace, pod, severity },
    annotations: { summary: `Pod ${namespace}/${pod} alert` },
  };
}
