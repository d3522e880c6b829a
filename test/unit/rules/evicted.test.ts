import { beforeAll, describe, expect, it } from 'vitest';
import { evicted, evictionCause } from '../../../electron/engine/diagnose/rules/evicted.ts';
import { runRules } from '../../../electron/engine/diagnose/rules/index.ts';
import type { Context } from '../../../shared/context.ts';
import { loadScenario, loadScenarios } from '../../fixtures/scenarios/index.ts';
import { collectScenarios } from '../../helpers/collected.ts';
import { podContext } from '../../helpers/context.ts';

const pod = (name: string) => podContext(loadScenario(name));
const COLLECTED = [
  'evicted-memory-pressure',
  'node-not-ready-disk-pressure',
  'node-not-ready-kubelet-stopped',
  'job-backoff-limit-exceeded',
];
let collected: Map<string, Context>;
beforeAll(async () => {
  collected = await collectScenarios(COLLECTED.map(loadScenario));
}, 120_000);

describe('evicted on its scenarios', () => {
  it('ephemeral storage over the limit: status Failed/Evicted, the event, and the warning the app logged', () => {
    const ctx = pod('evicted-ephemeral-storage');
    const [f] = evicted.run(ctx);
    expect(f).toMatchObject({
      category: 'Evicted',
      confidence: 95,
      params: { cause: 'ephemeralLimit', limit: '2Gi', node: 'ip-10-0-25-157.eu-west-1.compute.internal' },
    });
    const texts = f!.evidence.map((e) => e.text).join('\n');
    expect(texts).toContain('reason Evicted');
    expect(texts).toContain('Pod ephemeral local storage usage exceeds the total limit of containers 2Gi.');
    expect(texts).toContain('DisruptionTarget=True TerminationByKubelet');
    expect(texts).toContain(
      'debug file sink enabled: /var/spool/relay/debug.log (LOG_LEVEL=debug, rotation disabled)',
    );
    expect(runRules(ctx)[0]!.category).toBe('Evicted');
  });

  it('node low on memory: names the container over its request, with the node pressure events', () => {
    const ctx = collected.get('evicted-memory-pressure')!;
    const [f] = evicted.run(ctx);
    expect(f!.params).toMatchObject({
      cause: 'memory',
      container: 'report-builder',
      usage: '2871344Ki',
      request: '256Mi',
      node: 'fra1-worker-02',
    });
    const texts = f!.evidence.map((e) => e.text).join('\n');
    expect(texts).toContain('The node was low on resource: memory.');
    expect(texts).toContain('Attempting to reclaim memory');
    expect(f!.summary).toMatch(
      /ran low on memory; container report-builder was using 2871344Ki against a request of 256Mi/,
    );
  });

  it('a DisruptionTarget condition alone (the pod not yet failed) is an eviction too, less sure', () => {
    const ctx = structuredClone(pod('evicted-memory-pressure'));
    const p = ctx.pods[0]!;
    p.phase = 'Running';
    delete p.reason;
    delete p.message;
    ctx.events = ctx.events.filter((e) => e.reason !== 'Evicted');
    expect(evicted.run(ctx)[0]).toMatchObject({ confidence: 90, params: { cause: 'memory' } });
  });
});

describe('evicted stays quiet', () => {
  it.each(
    loadScenarios()
      .filter((s) => s.alert.labels.pod && s.expect.category !== 'Evicted')
      .map((s) => [s.name] as const),
  )('%s', (name) => {
    expect(evicted.run(pod(name))).toEqual([]);
  });

  it('on pods the taint manager deletes from a lost node (DisruptionTarget DeletionByTaintManager)', () => {
    for (const name of ['node-not-ready-disk-pressure', 'node-not-ready-kubelet-stopped']) {
      const ctx = collected.get(name)!;
      expect(ctx.pods.some((p) => p.conditions.some((c) => c.type === 'DisruptionTarget'))).toBe(true);
      expect(evicted.run(ctx)).toEqual([]);
    }
  });

  it('on failed job pods', () => {
    expect(evicted.run(collected.get('job-backoff-limit-exceeded')!)).toEqual([]);
  });

  it('is pure', () => {
    const ctx = collected.get('evicted-memory-pressure')!;
    const before = JSON.stringify(ctx);
    expect(evicted.run(ctx)).toEqual(evicted.run(ctx));
    expect(JSON.stringify(ctx)).toBe(before);
  });
});

describe('evictionCause reads every kubelet eviction message (PROTOCOLS §2.3)', () => {
  it.each([
    [
      'The node was low on resource: memory. Threshold quantity: 100Mi, available: 83340Ki. Container app was using 1234Mi, request is 0, has larger consumption of memory. ',
      { cause: 'memory', container: 'app', usage: '1234Mi' },
    ],
    [
      'The node was low on resource: memory. Container app was using 1234Mi, which exceeds its request of 512Mi. ',
      { cause: 'memory', container: 'app', usage: '1234Mi', request: '512Mi' },
    ],
    [
      'The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 2Gi. ',
      { cause: 'disk', resource: 'ephemeral-storage' },
    ],
    ['The node had condition: [DiskPressure]. ', { cause: 'condition', condition: 'DiskPressure' }],
    [
      'Pod ephemeral local storage usage exceeds the total limit of containers 2Gi. ',
      { cause: 'ephemeralLimit', limit: '2Gi' },
    ],
    [
      'Usage of EmptyDir volume "spool" exceeds the limit "1Gi". ',
      { cause: 'emptyDir', volume: 'spool', limit: '1Gi' },
    ],
    [
      'Container relay exceeded its local ephemeral storage limit "500Mi". ',
      { cause: 'containerEphemeral', container: 'relay', limit: '500Mi' },
    ],
    ['Something new the kubelet says', { cause: 'other' }],
  ])('%s', (message, want) => {
    const got = evictionCause(message);
    expect(got).toMatchObject(want);
    if (!('request' in want)) expect(got.request).toBeUndefined();
  });
});
