/**
 * The stand-in API server's write paths, checked with the real client library (through the app's own
 * kube-writes) and the real kubectl 1.32: eviction with PodDisruptionBudgets, pod deletion, the three
 * patch formats, the scale subresource, dry runs, preconditions, and the simulated controllers.
 */
import { execFile } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createKubeWrites, KubeCallError, PATCH } from '../../electron/engine/act/kube-writes.ts';
import { perform, Refusal, rollbackPatch } from '../../electron/engine/act/mutate.ts';
import { readTarget } from '../../electron/engine/act/target.ts';
import { createKubeProvider } from '../../electron/engine/collect/kube.ts';
import {
  type FakeKube,
  type FakeKubeOptions,
  type KubeObject,
  startFakeKube,
} from '../fakes/kube-apiserver.ts';
import { loadScenario, SCENARIO_CLUSTERS } from '../fixtures/scenarios/index.ts';
import { tempDir } from '../helpers/engine.ts';

const NS = 'web';
const labels = { app: 'web' };

function pod(name: string, ready: boolean): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      labels: { ...labels, 'pod-template-hash': 'abc12' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc12', uid: 'rs-uid', controller: true },
      ],
    },
    spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'web:1' }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [{ name: 'app', ready, restartCount: 0, image: 'web:1', state: { running: {} } }],
    },
  };
}

function cluster(pdb?: { allowed: number; current: number; desired: number }): KubeObject[] {
  const template = { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'web:1' }] } };
  const objects: KubeObject[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: NS,
        uid: 'dep-uid',
        generation: 3,
        annotations: { 'deployment.kubernetes.io/revision': '2' },
      },
      spec: { replicas: 3, selector: { matchLabels: labels }, strategy: { type: 'RollingUpdate' }, template },
      status: {
        observedGeneration: 3,
        replicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
        updatedReplicas: 3,
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-abc12',
        namespace: NS,
        uid: 'rs-uid',
        labels: { ...labels, 'pod-template-hash': 'abc12' },
        annotations: { 'deployment.kubernetes.io/revision': '2' },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'dep-uid', controller: true },
        ],
      },
      spec: {
        replicas: 3,
        selector: { matchLabels: { ...labels, 'pod-template-hash': 'abc12' } },
        template: { ...template, metadata: { labels: { ...labels, 'pod-template-hash': 'abc12' } } },
      },
    },
    pod('web-abc12-aaaaa', true),
    pod('web-abc12-bbbbb', true),
    pod('web-abc12-ccccc', false),
  ];
  if (pdb)
    objects.push({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: NS, generation: 1 },
      spec: { minAvailable: pdb.desired, selector: { matchLabels: labels } },
      status: {
        observedGeneration: 1,
        disruptionsAllowed: pdb.allowed,
        currentHealthy: pdb.current,
        desiredHealthy: pdb.desired,
        expectedPods: 3,
      },
    });
  return objects;
}

let kube: FakeKube | undefined;
afterEach(async () => {
  await kube?.close();
  kube = undefined;
});

async function writer(opts: FakeKubeOptions) {
  kube = await startFakeKube(opts);
  const kubeconfig = kube.writeKubeconfig(tempDir('writes-'), {
    context: 'test',
    aliases: SCENARIO_CLUSTERS,
  });
  return createKubeWrites(createKubeProvider({ kubeconfig }).forCluster(undefined), {
    signal: new AbortController().signal,
  });
}

async function failure(p: Promise<unknown>): Promise<KubeCallError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof KubeCallError) return err;
    throw err;
  }
  throw new Error('the call succeeded');
}

describe('Eviction subresource', () => {
  it('201 Success; a dry run validates without deleting; 404 and a stale uid precondition are refused', async () => {
    const w = await writer({ objects: cluster() });
    expect(await w.evict(NS, 'web-abc12-aaaaa', 'wrong-uid', true).catch((e) => e.message)).toMatch(
      /^evict pod web\/web-abc12-aaaaa \(dry run\): Operation cannot be fulfilled on pods "web-abc12-aaaaa": Precondition failed: UID in precondition: wrong-uid/,
    );
    const uid = kube!.object('Pod', NS, 'web-abc12-aaaaa')!.metadata.uid!;
    expect(await w.evict(NS, 'web-abc12-aaaaa', uid, true)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      code: 201,
    });
    expect(kube!.object('Pod', NS, 'web-abc12-aaaaa')).toBeDefined();
    await w.evict(NS, 'web-abc12-aaaaa', uid, false);
    expect(kube!.object('Pod', NS, 'web-abc12-aaaaa')).toBeUndefined();
    expect((await failure(w.evict(NS, 'nope', uid, false))).code).toBe(404);
  });

  it('429 with the real message when a PodDisruptionBudget allows no disruption; an unready pod may still go', async () => {
    const w = await writer({ objects: cluster({ allowed: 0, current: 2, desired: 2 }) });
    const uid = kube!.object('Pod', NS, 'web-abc12-aaaaa')!.metadata.uid!;
    const err = await failure(w.evict(NS, 'web-abc12-aaaaa', uid, true));
    expect(err.code).toBe(429);
    expect(err.message).toBe(
      "evict pod web/web-abc12-aaaaa (dry run): Cannot evict pod as it would violate the pod's disruption budget. The disruption budget web needs 2 healthy pods and has 2 currently",
    );
    const raw = kube!.requests.at(-1)!;
    expect(raw.query).toEqual({ dryRun: 'All' });
    // The not-ready pod does not count as healthy: evicting it costs the budget nothing.
    const unready = kube!.object('Pod', NS, 'web-abc12-ccccc')!.metadata.uid!;
    await w.evict(NS, 'web-abc12-ccccc', unready, false);
    expect(kube!.object('Pod', NS, 'web-abc12-ccccc')).toBeUndefined();
    expect(kube!.object('PodDisruptionBudget', NS, 'web')!.status).toMatchObject({ disruptionsAllowed: 0 });
  });

  it('decrements the budget on a real eviction, not on a dry run', async () => {
    const w = await writer({ objects: cluster({ allowed: 1, current: 3, desired: 2 }) });
    const uid = kube!.object('Pod', NS, 'web-abc12-aaaaa')!.metadata.uid!;
    await w.evict(NS, 'web-abc12-aaaaa', uid, true);
    expect(kube!.object('PodDisruptionBudget', NS, 'web')!.status).toMatchObject({ disruptionsAllowed: 1 });
    await w.evict(NS, 'web-abc12-aaaaa', uid, false);
    expect(kube!.object('PodDisruptionBudget', NS, 'web')!.status).toMatchObject({
      disruptionsAllowed: 0,
      disruptedPods: { 'web-abc12-aaaaa': expect.any(String) },
    });
  });

  it('a cluster without the Eviction API: a plain delete when no budget covers the pod, else refused', async () => {
    let w = await writer({ objects: cluster(), evictionServed: false });
    expect(await w.evictionServed()).toBe(false);
    const a = { type: 'restart-pod', namespace: NS, pod: 'web-abc12-aaaaa' } as const;
    const t = await readTarget(w, a);
    expect((await perform(w, a, t, true)).summary).toMatch(/deleted \(the cluster serves no Eviction API/);
    expect(kube!.mutations().map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)}`)).toEqual([
      'DELETE /api/v1/namespaces/web/pods/web-abc12-aaaaa {"dryRun":"All"}',
    ]);
    expect(kube!.object('Pod', NS, 'web-abc12-aaaaa')).toBeDefined();
    await kube!.close();
    w = await writer({ objects: cluster({ allowed: 1, current: 3, desired: 2 }), evictionServed: false });
    await expect(perform(w, a, await readTarget(w, a), true)).rejects.toThrow(Refusal);
    expect(kube!.mutations()).toEqual([]);
  });
});

describe('PATCH and the scale subresource', () => {
  it('merge, strategic merge and JSON patch: generation on spec changes, resourceVersion on every change, dry run stored nowhere', async () => {
    const w = await writer({ objects: cluster() });
    const before = kube!.object('Deployment', NS, 'web')!;
    const labelled = await w.patch(
      'Deployment',
      NS,
      'web',
      { metadata: { labels: { team: 'a' } } },
      PATCH.merge,
      false,
    );
    expect(labelled.metadata.generation).toBe(3);
    expect(Number(labelled.metadata.resourceVersion)).toBeGreaterThan(
      Number(before.metadata.resourceVersion),
    );
    const restarted = {
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': 'x' } } } },
    };
    const dry = await w.patch('Deployment', NS, 'web', restarted, PATCH.strategic, true);
    expect(dry.metadata.generation).toBe(4);
    expect(kube!.object('Deployment', NS, 'web')!.metadata.generation).toBe(3);
    const real = await w.patch('Deployment', NS, 'web', restarted, PATCH.strategic, false);
    expect(real.metadata.generation).toBe(4);
    expect(real.spec.template.spec.containers).toEqual([{ name: 'app', image: 'web:1' }]);
    const same = await w.patch('Deployment', NS, 'web', restarted, PATCH.strategic, false);
    expect(same.metadata.resourceVersion).toBe(real.metadata.resourceVersion);
    const stale = await failure(
      w.patch(
        'Deployment',
        NS,
        'web',
        [{ op: 'test', path: '/metadata/generation', value: 3 }],
        PATCH.json,
        false,
      ),
    );
    expect(stale.code).toBe(422);
    expect(stale.message).toMatch(/testing value \/metadata\/generation failed: test failed$/);
    expect(
      (await failure(w.patch('Deployment', NS, 'web', { spec: { replicas: -1 } }, PATCH.merge, false)))
        .message,
    ).toMatch(/spec.replicas: Invalid value: -1: must be greater than or equal to 0/);
    const apply = await failure(
      w.patch('Deployment', NS, 'web', {}, 'application/apply-patch+cbor' as never, false),
    );
    expect(apply.code).toBe(415);
    expect(kube!.requests.at(-1)!.headers['content-type']).toBe('application/apply-patch+cbor');
  });

  it('scale: GET and PATCH through the Scale view, with a test of the replicas read', async () => {
    const w = await writer({ objects: cluster() });
    const ops = [
      { op: 'test', path: '/spec/replicas', value: 3 },
      { op: 'replace', path: '/spec/replicas', value: 5 },
    ];
    const scaled = await w.patchDeploymentScale(NS, 'web', ops, PATCH.json, false);
    expect(scaled).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 5 },
      status: { selector: 'app=web' },
    });
    expect(kube!.object('Deployment', NS, 'web')!).toMatchObject({
      metadata: { generation: 4 },
      spec: { replicas: 5 },
    });
    expect((await failure(w.patchDeploymentScale(NS, 'web', ops, PATCH.json, false))).code).toBe(422);
  });
});

describe('the simulated controllers', () => {
  it('replace an evicted pod with a Ready one and complete a rollout', async () => {
    const w = await writer({ objects: cluster(), controllers: { delayMs: 10 } });
    const uid = kube!.object('Pod', NS, 'web-abc12-aaaaa')!.metadata.uid!;
    await w.evict(NS, 'web-abc12-aaaaa', uid, false);
    await new Promise((r) => setTimeout(r, 60));
    const pods = await w.listPods(NS, 'app=web');
    expect(pods.map((p) => p.metadata.name)).not.toContain('web-abc12-aaaaa');
    expect(pods.filter((p) => p.metadata.name.startsWith('web-abc12-'))).toHaveLength(3);
    await w.patch(
      'Deployment',
      NS,
      'web',
      { spec: { template: { metadata: { annotations: { r: '1' } } } } },
      PATCH.strategic,
      false,
    );
    await new Promise((r) => setTimeout(r, 60));
    const dep = kube!.object('Deployment', NS, 'web')!;
    expect(dep.status).toMatchObject({ observedGeneration: 4, updatedReplicas: 3, availableReplicas: 3 });
    expect(dep.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3' });
  });
});

describe('the same requests as kubectl 1.32', () => {
  function kubectl(kubeconfig: string, dir: string, ...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        'kubectl',
        ['--kubeconfig', kubeconfig, '--cache-dir', `${dir}/cache`, '--request-timeout=5s', ...args],
        { timeout: 10_000, env: { PATH: process.env.PATH, HOME: dir } },
        (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout)),
      );
    });
  }

  it('rollout undo and rollout restart: the same patch type and body as kubectl', async () => {
    const s = loadScenario('oom-rollout-cache-size');
    kube = await startFakeKube({ objects: s.objects as KubeObject[] });
    const dir = tempDir('kubectl-writes-');
    const kubeconfig = kube.writeKubeconfig(dir, { context: 'test', aliases: SCENARIO_CLUSTERS });
    const w = createKubeWrites(createKubeProvider({ kubeconfig }).forCluster(undefined), {
      signal: new AbortController().signal,
    });
    const a = { type: 'rollback', namespace: 'catalog', deployment: 'catalog-api' } as const;
    const ours = rollbackPatch((await readTarget(w, a)).obj, (await readTarget(w, a)).previous!);
    expect(
      await kubectl(
        kubeconfig,
        dir,
        'rollout',
        'undo',
        'deployment/catalog-api',
        '-n',
        'catalog',
        '--dry-run=server',
      ),
    ).toMatch(/rolled back \(server dry run\)/);
    const theirs = kube.mutations().at(-1)!;
    expect(theirs.headers['content-type']).toBe(PATCH.json);
    expect(theirs.query).toMatchObject({ dryRun: 'All' });
    // kubectl marshals a Go struct (a zero creationTimestamp as null); the values are the same.
    const strip = (v: unknown) =>
      JSON.parse(JSON.stringify(v, (k, x) => (k === 'creationTimestamp' && x === null ? undefined : x)));
    expect(strip(ours.slice(1))).toEqual(strip(theirs.body));

    await kubectl(kubeconfig, dir, 'rollout', 'restart', 'deployment/catalog-api', '-n', 'catalog');
    const restart = kube.mutations().at(-1)!;
    expect(restart.headers['content-type']).toBe(PATCH.strategic);
    const body = restart.body as {
      spec: { template: { metadata: { annotations: Record<string, string> } } };
    };
    expect(Object.keys(body.spec.template.metadata.annotations)).toEqual([
      'kubectl.kubernetes.io/restartedAt',
    ]);
    const t = await readTarget(w, {
      type: 'rollout-restart',
      namespace: 'catalog',
      kind: 'Deployment',
      name: 'catalog-api',
    });
    await perform(
      w,
      { type: 'rollout-restart', namespace: 'catalog', kind: 'Deployment', name: 'catalog-api' },
      t,
      true,
    );
    const mine = kube.mutations().at(-1)!;
    expect(mine.headers['content-type']).toBe(restart.headers['content-type']);
    expect(Object.keys(mine.body as object)).toEqual(Object.keys(body));
  });
});
