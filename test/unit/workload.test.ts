import { describe, expect, it } from 'vitest';
import { podOwner, workloadOf } from '../../shared/workload.ts';

describe('workloadOf', () => {
  it("drops the suffixes Kubernetes generates for a workload's pods", () => {
    expect(workloadOf('pod/api-7d9f8c6b5-x2x9q')).toBe('api');
    expect(workloadOf('pod/checkout-api-66b4f5d7c9-8kq2m')).toBe('checkout-api');
    expect(workloadOf('pod/backup-28391234-kx8z2')).toBe('backup'); // a CronJob's Job's pod
    expect(workloadOf('pod/node-exporter-x2x9q')).toBe('node-exporter'); // a DaemonSet's
    expect(workloadOf('pod/kafka-2')).toBe('kafka'); // a StatefulSet's
    expect(workloadOf('pod/kafka-12')).toBe('kafka');
  });

  it('leaves a bare pod and every other kind of target as named', () => {
    expect(workloadOf('pod/debug')).toBe('debug');
    expect(workloadOf('pod/my-app')).toBe('my-app');
    expect(workloadOf('deployment/api-7d9f8c6b5-x2x9q')).toBe('api-7d9f8c6b5-x2x9q');
    expect(workloadOf('node/worker-1')).toBe('worker-1');
    expect(workloadOf('namespace/shop')).toBe('shop');
    expect(workloadOf('cluster')).toBe('cluster');
  });

  it("finds a gone pod's siblings: the same workload's other pods, not another workload's", () => {
    const api = podOwner('api-7d9f8c6b5-x2x9q');
    expect(api).toMatchObject({ kind: 'deployment', name: 'api' });
    expect(api.pattern.test('api-66b4f5d7c9-q8z2m')).toBe(true); // the new ReplicaSet's
    expect(api.pattern.test('api-gateway-66b4f5d7c9-q8z2m')).toBe(false);
    const kafka = podOwner('kafka-2');
    expect(kafka).toMatchObject({ kind: 'statefulset', name: 'kafka' });
    expect(kafka.pattern.test('kafka-10')).toBe(true);
    expect(kafka.pattern.test('kafka-connect-0')).toBe(false);
    const agent = podOwner('node-exporter-x2x9q');
    expect(agent).toMatchObject({ kind: 'workload', name: 'node-exporter' });
    expect(agent.pattern.test('node-exporter-b4n7k')).toBe(true);
    // Names with regex characters are matched literally.
    expect(podOwner('a.b-x2x9q').pattern.test('axb-b4n7k')).toBe(false);
  });
});
