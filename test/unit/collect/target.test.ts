import { describe, expect, it } from 'vitest';
import { describeTarget, targetFromLabels } from '../../../electron/engine/collect/target.ts';

/** Labels as kube-prometheus / kubernetes-mixin alerts carry them (job and instance are the scrape's). */
const KSM = { job: 'kube-state-metrics', instance: '10.0.3.17:8443', severity: 'warning' };

describe('targetFromLabels: which label names the object', () => {
  it('a pod alert that also names its node is about the pod, with its container', () => {
    expect(
      targetFromLabels({
        ...KSM,
        alertname: 'KubePodCrashLooping',
        namespace: 'shop',
        pod: 'checkout-7d9f8b6c5-x2x9q',
        container: 'app',
        node: 'ip-10-0-1-12',
      }),
    ).toEqual({ kind: 'pod', name: 'checkout-7d9f8b6c5-x2x9q', namespace: 'shop', container: 'app' });
  });

  it('a node alert has no namespace, even when the exporter adds one', () => {
    expect(targetFromLabels({ ...KSM, alertname: 'KubeNodeNotReady', node: 'dc1-worker-03' })).toEqual({
      kind: 'node',
      name: 'dc1-worker-03',
    });
    expect(targetFromLabels({ namespace: 'monitoring', node: 'dc1-worker-03' })).toEqual({
      kind: 'node',
      name: 'dc1-worker-03',
    });
  });

  it('job_name is the Job; the scrape label `job` is not', () => {
    expect(
      targetFromLabels({
        ...KSM,
        alertname: 'KubeJobFailed',
        namespace: 'store',
        job_name: 'checkout-db-migrate-3-18-2',
      }),
    ).toEqual({ kind: 'job', name: 'checkout-db-migrate-3-18-2', namespace: 'store' });
    expect(targetFromLabels({ ...KSM, alertname: 'KubeQuotaAlmostFull', namespace: 'store' })).toEqual({
      kind: 'namespace',
      name: 'store',
      namespace: 'store',
    });
  });

  it.each([
    ['deployment', 'deployment'],
    ['statefulset', 'statefulset'],
    ['daemonset', 'daemonset'],
    ['replicaset', 'replicaset'],
    ['cronjob', 'cronjob'],
    ['persistentvolumeclaim', 'pvc'],
    ['service', 'service'],
  ])('the %s label names a %s', (label, kind) => {
    expect(targetFromLabels({ ...KSM, namespace: 'data', [label]: 'obj-1' })).toEqual({
      kind,
      name: 'obj-1',
      namespace: 'data',
    });
  });

  it('the more specific label wins: pod over service, a job over its cronjob, a claim over a service', () => {
    expect(
      targetFromLabels({ namespace: 'billing', service: 'invoice-api', pod: 'invoice-api-1' }).kind,
    ).toBe('pod');
    expect(
      targetFromLabels({ namespace: 'analytics', cronjob: 'nightly-report', job_name: 'nightly-report-291' }),
    ).toMatchObject({ kind: 'job', name: 'nightly-report-291' });
    expect(
      targetFromLabels({ namespace: 'db', persistentvolumeclaim: 'data-pg-0', service: 'pg' }),
    ).toMatchObject({ kind: 'pvc', name: 'data-pg-0' });
    expect(
      targetFromLabels({ namespace: 'web', deployment: 'front', replicaset: 'front-7c9' }),
    ).toMatchObject({ kind: 'deployment', name: 'front' });
  });

  it('a namespaced object without a namespace label cannot be found: the node, else the cluster', () => {
    expect(targetFromLabels({ pod: 'orphan-1', node: 'n1' })).toEqual({ kind: 'node', name: 'n1' });
    expect(targetFromLabels({ pod: 'orphan-1', deployment: 'orphan' })).toEqual({ kind: 'cluster' });
  });

  it('empty and blank label values count as absent', () => {
    expect(targetFromLabels({ namespace: 'shop', pod: '', deployment: '  ', container: '' })).toEqual({
      kind: 'namespace',
      name: 'shop',
      namespace: 'shop',
    });
    expect(targetFromLabels({ namespace: ' ' })).toEqual({ kind: 'cluster' });
  });

  it('the cluster label (name configurable) is carried on any target', () => {
    expect(targetFromLabels({ cluster: 'prod-eu-1', namespace: 'shop', pod: 'p' })).toMatchObject({
      kind: 'pod',
      cluster: 'prod-eu-1',
    });
    expect(targetFromLabels({ k8s_cluster: 'onprem-dc1', node: 'w3' }, 'k8s_cluster')).toEqual({
      kind: 'node',
      name: 'w3',
      cluster: 'onprem-dc1',
    });
    // With another label configured, `cluster` is just a label.
    expect(targetFromLabels({ cluster: 'prod-eu-1', alertname: 'Watchdog' }, 'k8s_cluster')).toEqual({
      kind: 'cluster',
    });
    expect(targetFromLabels({ cluster: 'prod-eu-1', alertname: 'Watchdog' })).toEqual({
      kind: 'cluster',
      cluster: 'prod-eu-1',
    });
  });

  it('describes the target as kind/name', () => {
    expect(describeTarget(targetFromLabels({ namespace: 'db', persistentvolumeclaim: 'data-pg-0' }))).toBe(
      'pvc/data-pg-0',
    );
    expect(describeTarget({ kind: 'cluster', cluster: 'prod-eu-1' })).toBe('cluster/prod-eu-1');
    expect(describeTarget({ kind: 'cluster' })).toBe('cluster');
  });
});
