import { beforeAll, describe, expect, it } from 'vitest';
import { runRules } from '../../../electron/engine/diagnose/rules/index.ts';
import { nodeNotReady, nodeTrouble } from '../../../electron/engine/diagnose/rules/node-not-ready.ts';
import type { Context } from '../../../shared/context.ts';
import { loadScenario, loadScenarios } from '../../fixtures/scenarios/index.ts';
import { collectScenarios } from '../../helpers/collected.ts';

const NODES = ['node-not-ready-disk-pressure', 'node-not-ready-kubelet-stopped'];
const OTHERS = [
  'evicted-memory-pressure',
  'dependency-upstream-503',
  'probe-readiness-only',
  'crashloop-go-panic',
  'job-backoff-limit-exceeded',
];
let collected: Map<string, Context>;
beforeAll(async () => {
  collected = await collectScenarios([...NODES, ...OTHERS].map(loadScenario));
}, 120_000);

describe('node-not-ready for a node alert', () => {
  it('the kubelet stopped posting status: Ready=Unknown, unreachable taints, its pods affected', () => {
    const ctx = collected.get('node-not-ready-kubelet-stopped')!;
    const [f] = nodeNotReady.run(ctx);
    expect(f).toMatchObject({
      category: 'NodeNotReady',
      confidence: 97,
      params: { node: 'dc1-worker-03', cause: 'stopped', since: '2026-11-24T05:18:20.000Z', failing: 2 },
    });
    expect(f!.params.pod).toBeUndefined();
    const texts = f!.evidence.map((e) => e.text).join('\n');
    for (const e of loadScenario('node-not-ready-kubelet-stopped').expect.evidence)
      expect(texts).toContain(e);
    expect(f!.evidence[0]!.ref).toBe('node/dc1-worker-03/condition/Ready');
    expect(runRules(ctx)[0]!.category).toBe('NodeNotReady');
  });

  it('NotReady with DiskPressure: the kubelet message and the garbage collection that failed', () => {
    const ctx = collected.get('node-not-ready-disk-pressure')!;
    const [f] = nodeNotReady.run(ctx);
    expect(f!.params).toMatchObject({ cause: 'notReady', pressure: 'DiskPressure' });
    expect(f!.params.message).toMatch(/^PLEG is not healthy/);
    const texts = f!.evidence.map((e) => e.text).join('\n');
    for (const e of loadScenario('node-not-ready-disk-pressure').expect.evidence) expect(texts).toContain(e);
    expect(texts).toContain('node.kubernetes.io/disk-pressure:NoSchedule');
  });

  it('pressure without NotReady is still a finding for the node, less sure', () => {
    const ctx = structuredClone(collected.get('node-not-ready-disk-pressure')!);
    const ready = ctx.nodes[0]!.conditions.find((c) => c.type === 'Ready')!;
    ready.status = 'True';
    ready.reason = 'KubeletReady';
    expect(nodeNotReady.run(ctx)[0]).toMatchObject({
      confidence: 85,
      params: { cause: 'pressure', pressure: 'DiskPressure' },
    });
  });
});

describe('node-not-ready for the pods of any alert', () => {
  it('a crash-looping pod on a NotReady node: the node explains it first', () => {
    const ctx = structuredClone(collected.get('crashloop-go-panic')!);
    const node = ctx.nodes.find((n) => n.name === ctx.pods[0]!.nodeName)!;
    const ready = node.conditions.find((c) => c.type === 'Ready')!;
    Object.assign(ready, {
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });
    const [top] = runRules(ctx);
    expect(top).toMatchObject({
      category: 'NodeNotReady',
      confidence: 92,
      params: { pod: ctx.pods[0]!.name },
    });
    expect(top!.summary).toMatch(/^Pod order-router-\S+ runs on node \S+, which is unreachable/);
  });

  it('a node under pressure does not outrank what the pod itself shows', () => {
    const ctx = structuredClone(collected.get('crashloop-go-panic')!);
    const node = ctx.nodes.find((n) => n.name === ctx.pods[0]!.nodeName)!;
    node.conditions.find((c) => c.type === 'MemoryPressure')!.status = 'True';
    expect(nodeNotReady.run(ctx)[0]).toMatchObject({ confidence: 75, params: { cause: 'pressure' } });
    expect(runRules(ctx)[0]!.category).toBe('CrashLoop');
  });
});

describe('node-not-ready stays quiet', () => {
  it.each(OTHERS.map((n) => [n] as const))('%s (its nodes are Ready)', (name) => {
    expect(nodeNotReady.run(collected.get(name)!)).toEqual([]);
  });

  it('the node that had memory pressure and recovered is not a finding now', () => {
    const ctx = collected.get('evicted-memory-pressure')!;
    expect(ctx.events.some((e) => e.reason === 'EvictionThresholdMet')).toBe(true);
    expect(nodeNotReady.run(ctx)).toEqual([]);
  });

  it('control-plane taints alone are not trouble', () => {
    expect(
      nodeTrouble({
        name: 'cp',
        conditions: [{ type: 'Ready', status: 'True' }],
        taints: ['node-role.kubernetes.io/control-plane:NoSchedule'],
        unschedulable: false,
        allocatable: {},
        requested: {},
        failingPods: [],
      }),
    ).toBeNull();
  });

  it('every scenario but the node ones has Ready nodes only', () => {
    for (const s of loadScenarios().filter((x) => x.expect.category !== 'NodeNotReady'))
      for (const o of s.objects.filter((x) => x.kind === 'Node')) {
        const conds = (o as { status?: { conditions?: Array<{ type: string; status: string }> } }).status
          ?.conditions;
        expect(conds?.find((c) => c.type === 'Ready')?.status, `${s.name} ${o.metadata.name}`).toBe('True');
      }
  });

  it('is pure', () => {
    const ctx = collected.get('node-not-ready-disk-pressure')!;
    const before = JSON.stringify(ctx);
    expect(nodeNotReady.run(ctx)).toEqual(nodeNotReady.run(ctx));
    expect(JSON.stringify(ctx)).toBe(before);
  });
});
