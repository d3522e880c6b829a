import { describe, expect, it } from 'vitest';
import { runRules } from '../../../electron/engine/diagnose/rules/index.ts';
import { unschedulable } from '../../../electron/engine/diagnose/rules/unschedulable.ts';
import type { Context, EventInfo } from '../../../shared/context.ts';
import { loadScenario, loadScenarios } from '../../fixtures/scenarios/index.ts';
import { podContext } from '../../helpers/context.ts';

const pod = (name: string) => podContext(loadScenario(name));
const POD = 'pdf-renderer-7b6f9c8d5-2hvxq';
const CP_TAINT = '1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';

/** The insufficient-memory pod, with the scheduler saying `message` (condition and event alike). */
function pending(message: string, edit: (ctx: Context) => void = () => {}): Context {
  const ctx = structuredClone(pod('unschedulable-insufficient-memory'));
  const cond = ctx.pods[0]!.conditions.find((c) => c.type === 'PodScheduled')!;
  cond.message = message;
  for (const e of ctx.events) if (e.reason === 'FailedScheduling') e.message = message;
  edit(ctx);
  return ctx;
}
const causeOf = (ctx: Context) => unschedulable.run(ctx)[0]?.params;

describe('unschedulable on its scenarios', () => {
  it('not enough memory on any worker: the requests, not the control-plane taint, are the reason', () => {
    const ctx = pod('unschedulable-insufficient-memory');
    const [f] = unschedulable.run(ctx);
    expect(f).toMatchObject({
      category: 'Unschedulable',
      confidence: 92,
      params: { pod: POD, cause: 'resources', resources: 'memory' },
    });
    expect(f!.summary).toBe(
      `Pod ${POD} cannot be scheduled: no node has enough free memory for its requests.`,
    );
    expect(f!.evidence[0]).toMatchObject({
      ref: `pod/${POD}/condition/PodScheduled`,
      text: expect.stringMatching(
        /^PodScheduled=False Unschedulable: 0\/3 nodes are available: .*2 Insufficient memory/,
      ),
    });
    expect(f!.evidence[1]!.text).toMatch(/^Warning FailedScheduling Pod\/pdf-renderer-7b6f9c8d5-2hvxq/);
    expect(runRules(ctx)[0]!.category).toBe('Unschedulable');
  });

  it.each([
    ['unschedulable-untolerated-taint', 'taints', /the nodes have taints the pod does not tolerate/],
    ['unschedulable-node-affinity', 'affinity', /no node matches the pod's node selector or affinity/],
  ])('%s: %s', (name, cause, words) => {
    const [f] = unschedulable.run(pod(name));
    expect(f!.params.cause).toBe(cause);
    expect(f!.summary).toMatch(words);
  });
});

describe('unschedulable: which scheduler reason matters', () => {
  it('insufficient cpu and memory on different nodes: both named', () => {
    expect(
      causeOf(pending('0/5 nodes are available: 3 Insufficient cpu, 2 Insufficient memory. preemption: …')),
    ).toMatchObject({ cause: 'resources', resources: 'cpu and memory' });
  });

  it('an extended resource (GPUs) is named as the scheduler writes it', () => {
    expect(
      causeOf(pending(`0/4 nodes are available: ${CP_TAINT}, 3 Insufficient nvidia.com/gpu.`)),
    ).toMatchObject({ cause: 'resources', resources: 'nvidia.com/gpu' });
  });

  it('taints on every worker', () => {
    expect(
      causeOf(
        pending(`0/4 nodes are available: ${CP_TAINT}, 3 node(s) had untolerated taint {dedicated: gpu}.`),
      ),
    ).toMatchObject({ cause: 'taints' });
  });

  it('a cluster of control-plane nodes only: their taint is the reason after all', () => {
    expect(causeOf(pending(`0/1 nodes are available: ${CP_TAINT}.`))).toMatchObject({ cause: 'taints' });
  });

  it('node affinity or a node selector that no worker matches', () => {
    expect(
      causeOf(
        pending(`0/4 nodes are available: ${CP_TAINT}, 3 node(s) didn't match Pod's node affinity/selector.`),
      ),
    ).toEqual({ pod: POD, cause: 'affinity' });
  });

  it('pod anti-affinity that excludes every node', () => {
    expect(
      causeOf(pending("0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules.")),
    ).toMatchObject({ cause: 'podAffinity' });
  });

  it('an unbound claim: the PVC is the reason, and the claim’s own ProvisioningFailed event is cited', () => {
    const provisioning: EventInfo = {
      type: 'Warning',
      reason: 'ProvisioningFailed',
      message: 'storageclass.storage.k8s.io "fast-ssd" not found',
      count: 12,
      object: 'PersistentVolumeClaim/data-pdf-renderer',
      source: 'persistentvolume-controller',
      lastSeen: '2026-11-26T02:59:00.000Z',
    };
    const other: EventInfo = {
      ...provisioning,
      object: 'PersistentVolumeClaim/someone-else',
      message: 'quota',
    };
    const ctx = pending(
      '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
      (c) => {
        c.pods[0]!.volumes.push({ name: 'data', source: 'pvc/data-pdf-renderer' });
        c.events.push(provisioning, other);
      },
    );
    const [f] = unschedulable.run(ctx);
    expect(f!.params.cause).toBe('pvc');
    const texts = f!.evidence.map((e) => e.text);
    expect(texts).toContainEqual(expect.stringContaining('storageclass.storage.k8s.io "fast-ssd" not found'));
    expect(texts.join('\n')).not.toContain('someone-else');
  });

  it('an unknown scheduler reason still says the pod cannot be scheduled', () => {
    const [f] = unschedulable.run(
      pending('0/3 nodes are available: 3 node(s) had volume node affinity… something new.'),
    );
    expect(f).toMatchObject({ confidence: 92, params: { cause: 'other' } });
    expect(f!.summary).toMatch(/no node passes the scheduler filters/);
  });

  it('each pending pod gets its own reason, whatever the order of the events', () => {
    const taint = pod('unschedulable-untolerated-taint');
    const memory = pod('unschedulable-insufficient-memory');
    // A namespace-wide context: the memory pod's FailedScheduling event is the newest.
    const ctx: Context = {
      ...taint,
      pods: [...taint.pods, ...memory.pods],
      events: [...taint.events, ...memory.events],
    };
    const findings = unschedulable.run(ctx);
    expect(findings.map((f) => [f.params.pod, f.params.cause])).toEqual([
      ['olap-query-worker-59c7d8b6f-v7sgl', 'taints'],
      [POD, 'resources'],
    ]);
    for (const f of findings)
      for (const e of f.evidence.filter((x) => x.ref.startsWith('event/')))
        expect(e.text).toContain(`Pod/${f.params.pod}`);
  });
});

describe('unschedulable stays quiet', () => {
  it('on a pod the scheduler has not looked at yet (scheduling gates)', () => {
    const ctx = pending('Scheduling is blocked due to non-empty scheduling gates', (c) => {
      c.pods[0]!.conditions.find((x) => x.type === 'PodScheduled')!.reason = 'SchedulingGated';
      c.events = [];
    });
    expect(unschedulable.run(ctx)).toEqual([]);
  });

  it.each(
    loadScenarios()
      .filter((s) => s.alert.labels.pod && s.expect.category !== 'Unschedulable')
      .map((s) => [s.name] as const),
  )('%s', (name) => {
    expect(unschedulable.run(pod(name))).toEqual([]);
  });

  it('is pure', () => {
    const ctx = pod('unschedulable-insufficient-memory');
    const before = JSON.stringify(ctx);
    expect(unschedulable.run(ctx)).toEqual(unschedulable.run(ctx));
    expect(JSON.stringify(ctx)).toBe(before);
  });
});
