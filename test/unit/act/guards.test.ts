import { describe, expect, it } from 'vitest';
import { auditCsv } from '../../../electron/engine/act/audit-export.ts';
import { intOrPercent, sameTemplate, targetProblem } from '../../../electron/engine/act/guards.ts';
import {
  restartPatch,
  rfc3339Local,
  rollbackPatch,
  scalePatch,
} from '../../../electron/engine/act/mutate.ts';
import { changedSince } from '../../../electron/engine/act/target.ts';
import { DEFAULT_POLICY } from '../../../shared/policy.ts';

const dep = (spec: object, status: object = { readyReplicas: 3 }) => ({
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop', generation: 4 },
  spec: {
    replicas: 3,
    strategy: { type: 'RollingUpdate' },
    template: { metadata: { labels: { app: 'api' } } },
    ...spec,
  },
  status,
});
const rollout = { type: 'rollout-restart', namespace: 'shop', kind: 'Deployment', name: 'api' } as const;

describe('safety rails on the target as it is now', () => {
  it('resolves intstr the way Kubernetes does (maxUnavailable down, maxSurge up)', () => {
    expect(intOrPercent('25%', 3, false, 0)).toBe(0);
    expect(intOrPercent('25%', 3, true, 0)).toBe(1);
    expect(intOrPercent(2, 3, false, 0)).toBe(2);
    expect(intOrPercent(undefined, 3, false, 7)).toBe(7);
  });

  it('never a rollout that could leave no ready replica, nor one that would not take effect', () => {
    expect(targetProblem(rollout, { obj: dep({}) }, DEFAULT_POLICY)).toBeNull();
    expect(targetProblem(rollout, { obj: dep({ strategy: { type: 'Recreate' } }) }, DEFAULT_POLICY)).toMatch(
      /Recreate strategy, which stops every pod first/,
    );
    expect(
      targetProblem(
        rollout,
        {
          obj: dep(
            {
              replicas: 1,
              strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
            },
            { readyReplicas: 1 },
          ),
        },
        DEFAULT_POLICY,
      ),
    ).toBe(
      'deployment shop/api has 1 replica(s) and maxUnavailable 1: the rollout could leave it with no ready replica',
    );
    // 25 % of one replica rounds down to 0 unavailable: a single replica is replaced before it goes.
    expect(
      targetProblem(rollout, { obj: dep({ replicas: 1 }, { readyReplicas: 1 }) }, DEFAULT_POLICY),
    ).toBeNull();
    expect(targetProblem(rollout, { obj: dep({ paused: true }) }, DEFAULT_POLICY)).toMatch(/is paused/);
    const sts = {
      kind: 'StatefulSet',
      spec: { replicas: 3, updateStrategy: { type: 'OnDelete' } },
      status: { readyReplicas: 3 },
    };
    expect(targetProblem({ ...rollout, kind: 'StatefulSet' }, { obj: sts }, DEFAULT_POLICY)).toMatch(
      /OnDelete/,
    );
  });

  it('a pod without a controller, of a Job, or the last ready replica is not restarted', () => {
    const a = { type: 'restart-pod', namespace: 'shop', pod: 'api-1' } as const;
    const pod = (ready: boolean, uid = 'u1') => ({
      metadata: { uid, name: uid },
      status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    });
    expect(targetProblem(a, { obj: pod(true) }, DEFAULT_POLICY)).toMatch(/has no controller/);
    expect(
      targetProblem(
        a,
        { obj: pod(true), workload: { kind: 'Job', name: 'j', obj: {}, selector: 'x=y' } },
        DEFAULT_POLICY,
      ),
    ).toMatch(/belongs to Job j/);
    const w = { kind: 'Deployment', name: 'api', obj: {}, selector: 'app=api' };
    expect(
      targetProblem(a, { obj: pod(true), workload: w, pods: [pod(true), pod(false, 'u2')] }, DEFAULT_POLICY),
    ).toBe(
      'pod shop/api-1 is the last ready replica of deployment api: restarting it would leave none ready',
    );
    expect(
      targetProblem(a, { obj: pod(false), workload: w, pods: [pod(false), pod(true, 'u2')] }, DEFAULT_POLICY),
    ).toBeNull();
  });

  it('scale-up stays under maxReplicas and never fights an autoscaler', () => {
    const a = { type: 'scale-up', namespace: 'shop', deployment: 'api', by: 2 } as const;
    expect(targetProblem(a, { obj: dep({ replicas: 9 }) }, DEFAULT_POLICY)).toMatch(
      /from 9 to 11 replicas, above/,
    );
    expect(targetProblem(a, { obj: dep({}), hpas: [{ metadata: { name: 'api' } }] }, DEFAULT_POLICY)).toMatch(
      /managed by HorizontalPodAutoscaler api/,
    );
    expect(targetProblem(a, { obj: dep({}) }, DEFAULT_POLICY)).toBeNull();
  });

  it('a target that changed since the diagnosis: identity, generation, newest ReplicaSet, replicas', () => {
    const r = { type: 'rollback', namespace: 'shop', deployment: 'api' } as const;
    expect(changedSince(r, { uid: 'a' }, { uid: 'b' }, 'deployment shop/api')).toMatch(/was replaced/);
    expect(changedSince(r, { generation: 4 }, { generation: 5 }, 'deployment shop/api')).toMatch(
      /generation 4 → 5/,
    );
    expect(
      changedSince(r, { currentReplicaSet: 'api-1' }, { currentReplicaSet: 'api-2' }, 'deployment shop/api'),
    ).toMatch(/newer rollout/);
    expect(
      changedSince(
        r,
        { uid: 'a', generation: 4, resourceVersion: '1' },
        { uid: 'a', generation: 4, resourceVersion: '9' },
        'x',
      ),
    ).toBeNull();
  });
});

describe('the requests, as kubectl sends them', () => {
  it('rollout restart: the restartedAt annotation in RFC 3339, local time', () => {
    const at = new Date('2026-11-26T03:30:05.123Z');
    const patch = restartPatch(at);
    const value = patch.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'] as string;
    expect(value).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    expect(Date.parse(value)).toBe(Date.parse('2026-11-26T03:30:05Z'));
    expect(rfc3339Local(at)).toBe(value);
  });

  it('rollout undo: the previous template without pod-template-hash, annotations merged as kubectl does', () => {
    const deployment = {
      metadata: {
        generation: 7,
        annotations: {
          'deployment.kubernetes.io/revision': '12',
          'kubernetes.io/change-cause': 'new',
          team: 'a',
        },
      },
      spec: { template: { metadata: { labels: { app: 'x' } } } },
    };
    const rs = {
      metadata: {
        annotations: {
          'deployment.kubernetes.io/revision': '11',
          'kubernetes.io/change-cause': 'old',
          'deployment.kubernetes.io/desired-replicas': '3',
        },
      },
      spec: {
        template: {
          metadata: { labels: { app: 'x', 'pod-template-hash': 'abc' } },
          spec: { containers: [{ name: 'c', image: 'i:1' }] },
        },
      },
    };
    expect(rollbackPatch(deployment, rs)).toEqual([
      { op: 'test', path: '/metadata/generation', value: 7 },
      {
        op: 'replace',
        path: '/spec/template',
        value: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } },
      },
      {
        op: 'replace',
        path: '/metadata/annotations',
        value: { 'deployment.kubernetes.io/revision': '12', 'kubernetes.io/change-cause': 'old' },
      },
    ]);
    expect(
      sameTemplate(rs.spec.template, {
        metadata: { labels: { app: 'x' } },
        spec: { containers: [{ name: 'c', image: 'i:1' }] },
      }),
    ).toBe(true);
    expect(scalePatch(3, 5)).toEqual([
      { op: 'test', path: '/spec/replicas', value: 3 },
      { op: 'replace', path: '/spec/replicas', value: 5 },
    ]);
  });
});

describe('audit export', () => {
  it('quotes CSV cells and defuses spreadsheet formulas from cluster or model text', () => {
    const csv = auditCsv([
      {
        id: 1,
        at: 't',
        incidentId: 2,
        actionId: 3,
        event: 'dropped',
        actor: 'llm',
        ok: false,
        action: '=cmd|calc',
        message: 'a, "b"\nc',
        policy: null,
      },
    ]);
    expect(csv.split('\r\n')[1]).toBe(`1,t,2,3,dropped,llm,no,'=cmd|calc,"a, ""b""\nc",`);
  });
});
