/**
 * Proves the stand-in API server is faithful: the real client library and the real kubectl 1.32 read
 * the same fixture through it, unchanged, and see what they would see on a cluster.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiException,
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  Metrics,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKube, fakeUid, type KubeObject, startFakeKube } from '../fakes/kube-apiserver.ts';

// ---- fixture: Deployment → ReplicaSet → 2 Pods (one crash-looping), a Node, events, logs ----

const NS = 'shop';
const RS = 'api-7d9c5b8f6d';
const CRASH = `${RS}-x2x9k`;
const HEALTHY = `${RS}-q8w4n`;
const CRASH_UID = '5f1c6a2e-0d4b-4c8e-9a51-3b7e2f9d1c01';
const HEALTHY_UID = '0a7d3c55-9e1f-4b2a-8c6d-2e4f6a8b0c02';
const DEPLOY_UID = 'c3b1f0de-7a9e-4d21-b6c4-5e8f0a1b2c03';
const IMAGE = 'registry.example.com/shop/api:1.4.2';

const PREVIOUS_LOG = [
  'level=info msg="starting api" version=1.4.2',
  'level=info msg="connecting to postgres" host=postgres.shop.svc:5432',
  'level=error msg="dial tcp 10.96.0.12:5432: connect: connection refused"',
  'panic: database unreachable',
  '',
].join('\n');
const CURRENT_LOG = 'level=info msg="starting api" version=1.4.2\n';

/** RFC3339 `s` seconds ago, second precision like metav1.Time. */
const ago = (s: number) => `${new Date(Date.now() - s * 1000).toISOString().slice(0, 19)}Z`;

function podBase(name: string, uid: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      uid,
      creationTimestamp: ago(900),
      labels: { app: 'api', 'pod-template-hash': '7d9c5b8f6d' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: RS,
          uid: 'rs-uid',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      nodeName: 'node-1',
      restartPolicy: 'Always',
      containers: [{ name: 'app', image: IMAGE, resources: { limits: { memory: '256Mi' } } }],
    },
  };
}

function crashPod(): KubeObject {
  return {
    ...podBase(CRASH, CRASH_UID),
    status: {
      phase: 'Running',
      hostIP: '192.168.10.11',
      podIP: '10.244.1.17',
      podIPs: [{ ip: '10.244.1.17' }],
      startTime: ago(900),
      conditions: [
        { type: 'Initialized', status: 'True', lastTransitionTime: ago(900) },
        { type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: ago(190) },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: ago(900) },
      ],
      containerStatuses: [
        {
          name: 'app',
          image: IMAGE,
          imageID: `${IMAGE}@sha256:9f2c`,
          containerID: 'containerd://bbb111',
          ready: false,
          started: false,
          restartCount: 5,
          state: {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off 2m40s restarting failed container=app pod=${CRASH}_${NS}(${CRASH_UID})`,
            },
          },
          lastState: {
            terminated: {
              exitCode: 1,
              reason: 'Error',
              startedAt: ago(200),
              finishedAt: ago(190),
              containerID: 'containerd://aaa000',
            },
          },
        },
      ],
    },
  };
}

function healthyPod(): KubeObject {
  const pod = podBase(HEALTHY, HEALTHY_UID);
  const running = (name: string) => ({
    name,
    image: IMAGE,
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: ago(880) } },
  });
  (pod.spec as { containers: unknown[] }).containers.push({ name: 'log-shipper', image: 'fluent-bit:3.1' });
  return {
    ...pod,
    status: {
      phase: 'Running',
      podIP: '10.244.2.9',
      containerStatuses: [running('app'), running('log-shipper')],
    },
  };
}

function workloads(): KubeObject[] {
  const template = {
    metadata: { labels: { app: 'api' } },
    spec: { containers: [{ name: 'app', image: IMAGE }] },
  };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'api',
        namespace: NS,
        uid: DEPLOY_UID,
        labels: { app: 'api' },
        creationTimestamp: ago(86400),
      },
      spec: { replicas: 2, selector: { matchLabels: { app: 'api' } }, template },
      status: {
        replicas: 2,
        updatedReplicas: 2,
        readyReplicas: 1,
        availableReplicas: 1,
        unavailableReplicas: 1,
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: RS,
        namespace: NS,
        uid: 'rs-uid',
        labels: { app: 'api', 'pod-template-hash': '7d9c5b8f6d' },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', uid: DEPLOY_UID, controller: true },
        ],
      },
      spec: { replicas: 2, selector: { matchLabels: { app: 'api' } }, template },
      status: { replicas: 2, readyReplicas: 1 },
    },
  ];
}

function node(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    // No uid or creationTimestamp: the server must fill them in.
    metadata: {
      name: 'node-1',
      labels: { 'kubernetes.io/hostname': 'node-1', 'node-role.kubernetes.io/worker': '' },
    },
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      addresses: [{ type: 'InternalIP', address: '192.168.10.11' }],
      nodeInfo: { kubeletVersion: 'v1.32.4', osImage: 'Debian GNU/Linux 12 (bookworm)' },
    },
  };
}

function event(name: string, podName: string, uid: string, fields: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${podName}.${name}`, namespace: NS },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: podName, namespace: NS, uid },
    ...fields,
  };
}

function events(): KubeObject[] {
  const kubelet = { component: 'kubelet', host: 'node-1' };
  return [
    // New-style (events.k8s.io) event from the scheduler, as core/v1 shows it.
    event('181a0000000000a1', CRASH, CRASH_UID, {
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${NS}/${CRASH} to node-1`,
      eventTime: `${ago(900).slice(0, 19)}.123456Z`,
      firstTimestamp: null,
      lastTimestamp: null,
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-cp-1',
      action: 'Binding',
      source: {},
    }),
    event('181a0000000000a2', CRASH, CRASH_UID, {
      type: 'Normal',
      reason: 'Pulled',
      message: `Container image "${IMAGE}" already present on machine`,
      count: 6,
      firstTimestamp: ago(880),
      lastTimestamp: ago(200),
      source: kubelet,
    }),
    event('181a0000000000a3', CRASH, CRASH_UID, {
      type: 'Warning',
      reason: 'BackOff',
      message: `Back-off restarting failed container app in pod ${CRASH}_${NS}(${CRASH_UID})`,
      count: 27,
      firstTimestamp: ago(800),
      lastTimestamp: ago(20),
      source: kubelet,
    }),
    event('181a0000000000b1', HEALTHY, HEALTHY_UID, {
      type: 'Normal',
      reason: 'Started',
      message: 'Started container app',
      count: 1,
      firstTimestamp: ago(880),
      lastTimestamp: ago(880),
      source: kubelet,
    }),
  ];
}

function fixture(): { objects: KubeObject[]; logs: Record<string, string> } {
  return {
    objects: [...workloads(), crashPod(), healthyPod(), node(), ...events()],
    logs: {
      [`${NS}/${CRASH}/app`]: CURRENT_LOG,
      [`${NS}/${CRASH}/app/previous`]: PREVIOUS_LOG,
      [`${NS}/${HEALTHY}/app`]: 'level=info msg="serving" port=8080\n',
    },
  };
}

// ---- helpers ----

function clients(kube: FakeKube, token?: string) {
  const kc = new KubeConfig();
  kc.loadFromString(kube.kubeconfig({ token }));
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    authz: kc.makeApiClient(AuthorizationV1Api),
  };
}

/** Resolves to the ApiException a call rejects with (fails the test if it resolves). */
async function apiError(call: Promise<unknown>): Promise<ApiException<string>> {
  try {
    await call;
  } catch (err) {
    if (err instanceof ApiException) return err as ApiException<string>;
    throw err;
  }
  throw new Error('expected the call to fail');
}

function timeout(ms: number): Promise<'timeout'> {
  return new Promise((resolve) => setTimeout(() => resolve('timeout'), ms));
}

// ---- @kubernetes/client-node ----

describe('fake kube-apiserver with @kubernetes/client-node 1.4', () => {
  let kube: FakeKube;
  let api: ReturnType<typeof clients>;

  beforeAll(async () => {
    kube = await startFakeKube(fixture());
    api = clients(kube);
  });
  afterAll(async () => {
    await kube.close();
  });

  it('reads a pod with dates deserialized and the crash loop visible', async () => {
    const pod = await api.core.readNamespacedPod({ name: CRASH, namespace: NS });
    expect(pod.metadata?.uid).toBe(CRASH_UID);
    expect(pod.metadata?.creationTimestamp).toBeInstanceOf(Date);
    const cs = pod.status?.containerStatuses?.[0];
    expect(cs?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(cs?.restartCount).toBe(5);
    expect(cs?.lastState?.terminated?.reason).toBe('Error');
    expect(cs?.lastState?.terminated?.exitCode).toBe(1);
    expect(cs?.lastState?.terminated?.finishedAt).toBeInstanceOf(Date);
  });

  it('lists pods by label selector, equality and set-based', async () => {
    const names = async (labelSelector: string) =>
      (await api.core.listNamespacedPod({ namespace: NS, labelSelector })).items
        .map((p) => p.metadata?.name)
        .sort();
    expect(await names('app=api')).toEqual([HEALTHY, CRASH].sort());
    expect(await names('app in (api, web),pod-template-hash')).toHaveLength(2);
    expect(await names('app notin (api)')).toEqual([]);
    expect(await names('!app')).toEqual([]);
    expect(await names('app!=web')).toHaveLength(2);
    const all = await api.core.listPodForAllNamespaces({
      fieldSelector: 'spec.nodeName=node-1,status.phase=Running',
    });
    expect(all.items.map((p) => p.metadata?.name).sort()).toEqual([HEALTHY, CRASH].sort());
    expect(all.metadata?.resourceVersion).toMatch(/^\d+$/);
  });

  it("lists only the pod's own events by field selector, new-style ones with eventTime", async () => {
    const list = await api.core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: `involvedObject.uid=${CRASH_UID},involvedObject.name=${CRASH}`,
    });
    expect(list.items.map((e) => e.reason).sort()).toEqual(['BackOff', 'Pulled', 'Scheduled']);
    const scheduled = list.items.find((e) => e.reason === 'Scheduled');
    expect(scheduled?.lastTimestamp ?? null).toBeNull();
    expect(typeof scheduled?.eventTime).toBe('string'); // V1MicroTime stays a string (PROTOCOLS §2.6)
    expect(list.items.find((e) => e.reason === 'BackOff')?.lastTimestamp).toBeInstanceOf(Date);
  });

  it('serves previous and current logs with tailLines, and the kubelet errors', async () => {
    const previous = await api.core.readNamespacedPodLog({
      name: CRASH,
      namespace: NS,
      container: 'app',
      previous: true,
      tailLines: 2,
    });
    expect(previous).toBe(
      'level=error msg="dial tcp 10.96.0.12:5432: connect: connection refused"\npanic: database unreachable\n',
    );
    expect(await api.core.readNamespacedPodLog({ name: CRASH, namespace: NS })).toBe(CURRENT_LOG);

    const noPrevious = await apiError(
      api.core.readNamespacedPodLog({ name: HEALTHY, namespace: NS, container: 'app', previous: true }),
    );
    expect(noPrevious.code).toBe(400);
    expect(JSON.parse(noPrevious.body).message).toBe(
      `previous terminated container "app" in pod "${HEALTHY}" not found`,
    );

    const ambiguous = await apiError(api.core.readNamespacedPodLog({ name: HEALTHY, namespace: NS }));
    expect(JSON.parse(ambiguous.body).message).toBe(
      `a container name must be specified for pod ${HEALTHY}, choose one of: [app log-shipper]`,
    );
  });

  it('answers a waiting container the way the kubelet does', async () => {
    const pending = podBase('api-7d9c5b8f6d-new01', 'new01-uid');
    pending.status = {
      phase: 'Pending',
      containerStatuses: [
        { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
      ],
    };
    kube.upsert(pending);
    const err = await apiError(
      api.core.readNamespacedPodLog({ name: 'api-7d9c5b8f6d-new01', namespace: NS }),
    );
    expect(JSON.parse(err.body)).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      code: 400,
      message: 'container "app" in pod "api-7d9c5b8f6d-new01" is waiting to start: ContainerCreating',
    });
    kube.remove('Pod', NS, 'api-7d9c5b8f6d-new01');
    expect(
      (await apiError(api.core.readNamespacedPod({ name: 'api-7d9c5b8f6d-new01', namespace: NS }))).code,
    ).toBe(404);
  });

  it('gives a 404 ApiException with a NotFound Status body', async () => {
    const err = await apiError(api.core.readNamespacedPod({ name: 'nope', namespace: NS }));
    expect(err.code).toBe(404);
    expect(err.body).toContain('not found');
    expect(JSON.parse(err.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'pods' },
      code: 404,
    });
    const deploy = await apiError(api.apps.readNamespacedDeployment({ name: 'nope', namespace: NS }));
    expect(JSON.parse(deploy.body).message).toBe('deployments.apps "nope" not found');
  });

  it('reads the Deployment and lists nodes with server-filled metadata', async () => {
    const deploy = await api.apps.readNamespacedDeployment({ name: 'api', namespace: NS });
    expect(deploy.spec?.replicas).toBe(2);
    expect(deploy.status?.availableReplicas).toBe(1);
    const nodes = await api.core.listNode();
    expect(nodes.items).toHaveLength(1);
    expect(nodes.items[0]?.metadata?.uid).toBe(fakeUid('Node', undefined, 'node-1'));
    expect(nodes.items[0]?.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(nodes.items[0]?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('injects 403 and 500 Status errors, removable', async () => {
    const path = `/api/v1/namespaces/${NS}/pods/${CRASH}`;
    const undo = kube.fail(path, 403);
    const denied = await apiError(api.core.readNamespacedPod({ name: CRASH, namespace: NS }));
    expect(denied.code).toBe(403);
    expect(JSON.parse(denied.body).message).toBe(
      `pods "${CRASH}" is forbidden: User "system:serviceaccount:oncall:oncall-scout" cannot get resource "pods" in API group "" in the namespace "${NS}"`,
    );
    undo();
    await expect(api.core.readNamespacedPod({ name: CRASH, namespace: NS })).resolves.toBeDefined();

    const undo500 = kube.fail(/\/events$/, 500);
    const broken = await apiError(api.core.listNamespacedEvent({ namespace: NS }));
    expect(broken.code).toBe(500);
    expect(JSON.parse(broken.body)).toMatchObject({
      reason: 'InternalError',
      message: expect.stringMatching(/^Internal error occurred: /),
    });
    undo500();
  });

  it("hangs on 'hang' until the client gives up, and still closes cleanly", async () => {
    const undo = kube.fail('/api/v1/nodes', 'hang');
    const outcome = await Promise.race([api.core.listNode(), timeout(300)]);
    expect(outcome).toBe('timeout');
    undo();
    await expect(api.core.listNode()).resolves.toHaveProperty('items');
  });

  it('answers SelfSubjectAccessReviews from the fail() rules', async () => {
    const review = (subresource?: string) =>
      api.authz.createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: { namespace: NS, verb: 'get', resource: 'pods', subresource } } },
      });
    expect((await review('log')).status?.allowed).toBe(true);
    const undo = kube.fail(/\/pods\/[^/]+\/log$/, 403);
    expect((await review('log')).status?.allowed).toBe(false);
    expect((await review()).status?.allowed).toBe(true);
    undo();
  });

  it('records every request, including mutations answered 405', async () => {
    const before = kube.requests.length;
    // Pod deletion and eviction are served (test/integration/fake-kube-writes.test.ts); this write is not.
    const err = await apiError(api.core.deleteNamespacedConfigMap({ name: 'settings', namespace: NS }));
    expect(err.code).toBe(405);
    const recorded = kube.requests.slice(before);
    expect(recorded.map((r) => `${r.method} ${r.path}`)).toEqual([
      `DELETE /api/v1/namespaces/${NS}/configmaps/settings`,
    ]);
  });

  it('serves metrics.k8s.io only once metrics exist, as client-node sees it', async () => {
    const groups = async () =>
      ((await (await fetch(`${kube.url}/apis`)).json()) as { groups: { name: string }[] }).groups;
    expect((await groups()).map((g) => g.name)).not.toContain('metrics.k8s.io');
    const metrics = new Metrics(api.kc);
    // No metrics-server: the real server answers "404 page not found" as text/plain, which client-node's
    // Metrics class fails to parse as JSON and reports as code 500, not 404.
    const missing = await fetch(`${kube.url}/apis/metrics.k8s.io/v1beta1/namespaces/${NS}/pods`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('404 page not found\n');
    expect((await apiError(metrics.getPodMetrics(NS))).code).toBe(500);

    kube.upsert({
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'PodMetrics',
      metadata: { name: CRASH, namespace: NS, labels: { app: 'api' } },
      timestamp: ago(5),
      window: '15.013s',
      containers: [{ name: 'app', usage: { cpu: '1234567n', memory: '123456Ki' } }],
    } as KubeObject);
    expect((await groups()).map((g) => g.name)).toContain('metrics.k8s.io');
    const list = await metrics.getPodMetrics(NS);
    expect(list.kind).toBe('PodMetricsList');
    expect(list.items[0]?.containers[0]?.usage.memory).toBe('123456Ki');
    kube.remove('PodMetrics', NS, CRASH);
  });

  it('rejects a missing or wrong bearer token with 401', async () => {
    const secured = await startFakeKube({ ...fixture(), token: 's3cret' });
    try {
      const good = clients(secured);
      expect((await good.core.listNode()).items).toHaveLength(1);
      const bad = clients(secured, 'wrong');
      expect((await apiError(bad.core.listNode())).code).toBe(401);
      expect(secured.requests.at(-1)?.headers.authorization).toBe('Bearer wrong');
    } finally {
      await secured.close();
    }
  });
});

// ---- wire details no client above exercises ----

describe('fake kube-apiserver wire protocol', () => {
  let kube: FakeKube;
  // biome-ignore lint/suspicious/noExplicitAny: raw JSON off the wire; each test asserts the shape it reads.
  type Wire = any;
  const get = async (
    path: string,
    accept = 'application/json',
  ): Promise<{ status: number; type: string; body: Wire }> => {
    const res = await fetch(`${kube.url}${path}`, { headers: { accept } });
    const type = res.headers.get('content-type') ?? '';
    return {
      status: res.status,
      type,
      body: type.startsWith('application/json') ? await res.json() : await res.text(),
    };
  };

  beforeAll(async () => {
    kube = await startFakeKube(fixture());
  });
  afterAll(async () => {
    await kube.close();
  });

  it('serves legacy discovery, whatever aggregated form kubectl asks for first', async () => {
    const aggregated =
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const apis = await get('/apis', aggregated);
    expect(apis.type).toBe('application/json');
    expect(apis.body.kind).toBe('APIGroupList');
    const core = await get('/api/v1');
    const pods = core.body.resources.find((r: { name: string }) => r.name === 'pods');
    expect(pods).toMatchObject({ kind: 'Pod', namespaced: true, shortNames: ['po'] });
    expect(core.body.resources.map((r: { name: string }) => r.name)).toEqual(
      expect.arrayContaining(['pods/log', 'pods/eviction', 'events', 'nodes', 'namespaces']),
    );
    expect((await get('/apis/apps/v1')).body.resources.map((r: { name: string }) => r.name)).toContain(
      'deployments',
    );
    expect((await get('/version')).body.gitVersion).toMatch(/^v1\.32\./);
  });

  it('lists like the real server: no kind on items, BadRequest for unsupported field labels', async () => {
    const list = await get(`/api/v1/namespaces/${NS}/pods`);
    expect(list.body).toMatchObject({ kind: 'PodList', apiVersion: 'v1' });
    expect(list.body.items[0].kind).toBeUndefined();
    const bad = await get(`/api/v1/namespaces/${NS}/pods?fieldSelector=spec.foo%3Dbar`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ reason: 'BadRequest', message: 'field label not supported: spec.foo' });
    expect((await get('/api/v1/namespaces/shop/widgets')).body).toBe('404 page not found\n');
  });

  it('renders a pod Table with the printer columns and a PartialObjectMetadata row object', async () => {
    const table = await get(
      `/api/v1/namespaces/${NS}/pods/${CRASH}`,
      'application/json;as=Table;v=v1;g=meta.k8s.io',
    );
    expect(table.type).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
    expect(table.body.columnDefinitions.map((c: { name: string }) => c.name).slice(0, 5)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
    ]);
    expect(table.body.rows[0].cells.slice(0, 3)).toEqual([CRASH, '0/1', 'CrashLoopBackOff']);
    expect(table.body.rows[0].object).toMatchObject({
      kind: 'PartialObjectMetadata',
      metadata: { name: CRASH },
    });
  });

  it('shows core events through events.k8s.io/v1 too', async () => {
    const list = await get(`/apis/events.k8s.io/v1/namespaces/${NS}/events?fieldSelector=reason%3DScheduled`);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      regarding: { name: CRASH, uid: CRASH_UID },
      note: `Successfully assigned ${NS}/${CRASH} to node-1`,
      reportingController: 'default-scheduler',
    });
  });

  it('adds latency, and close() ends hanging requests', async () => {
    kube.setLatency(150);
    const started = Date.now();
    await get('/version');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    kube.setLatency(0);

    const other = await startFakeKube();
    other.fail('/api', 'hang');
    const hanging = fetch(`${other.url}/api/v1/nodes`).then(
      () => 'answered',
      () => 'dropped',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = other.close().then(() => 'closed');
    expect(await Promise.race([closing, timeout(2000)])).toBe('closed');
    expect(await hanging).toBe('dropped');
  });
});

// ---- the real kubectl ----

interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe('fake kube-apiserver with the real kubectl', () => {
  let kube: FakeKube;
  let dir: string;
  let kubeconfig: string;

  function kubectl(...args: string[]): Promise<KubectlResult> {
    const argv = ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args];
    return new Promise((resolve) => {
      execFile(
        'kubectl',
        argv,
        { timeout: 5000, env: { PATH: process.env.PATH, HOME: dir } },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
          resolve({ code, stdout, stderr: err?.killed ? `${stderr}\n(killed after 5 s)` : stderr });
        },
      );
    });
  }

  /** Rows of kubectl's column output, as objects keyed by header. */
  function table(stdout: string): Record<string, string>[] {
    const [header = '', ...lines] = stdout.trimEnd().split('\n');
    const starts = [...header.matchAll(/\S+(?: \S+)*/g)].map((m) => m.index);
    const names = header.split(/\s{2,}/);
    return lines.map((line) =>
      Object.fromEntries(names.map((n, i) => [n, line.slice(starts[i], starts[i + 1]).trim()])),
    );
  }

  beforeAll(async () => {
    // CI machines have kubectl 1.32; a missing binary is a broken environment, not a skip.
    execFileSync('kubectl', ['version', '--client'], { timeout: 5000 });
    kube = await startFakeKube(fixture());
    dir = mkdtempSync(join(tmpdir(), 'fake-kube-kubectl-'));
    kubeconfig = kube.writeKubeconfig(dir);
  });
  afterAll(async () => {
    await kube?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('kubectl get pod prints READY, STATUS and RESTARTS from the server-side Table', async () => {
    const out = await kubectl('get', 'pod', CRASH, '-n', NS);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const [row] = table(out.stdout);
    expect(row).toMatchObject({ NAME: CRASH, READY: '0/1', STATUS: 'CrashLoopBackOff', AGE: '15m' });
    expect(row?.RESTARTS).toMatch(/^5 \(3m\d+s ago\)$/); // lastState.terminated.finishedAt, 190 s ago
    const tableRequest = kube.requests.find((r) => r.path === `/api/v1/namespaces/${NS}/pods/${CRASH}`);
    expect(String(tableRequest?.headers.accept)).toContain('as=Table');

    const healthy = table((await kubectl('get', 'pods', '-n', NS, '-l', 'app=api')).stdout);
    expect(healthy.find((r) => r.NAME === HEALTHY)).toMatchObject({
      READY: '2/2',
      STATUS: 'Running',
      RESTARTS: '0',
    });
  });

  it('kubectl describe pod shows the states, restart count and the Events section', async () => {
    const out = await kubectl('describe', 'pod', CRASH, '-n', NS);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/State:\s+Waiting\n\s+Reason:\s+CrashLoopBackOff/);
    expect(out.stdout).toMatch(/Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+1/);
    expect(out.stdout).toMatch(/Restart Count:\s+5/);
    expect(out.stdout).toMatch(/Controlled By:\s+ReplicaSet\/api-7d9c5b8f6d/);
    const eventsSection = out.stdout.slice(out.stdout.indexOf('Events:'));
    expect(eventsSection).toMatch(
      /Normal\s+Scheduled\s+15m\s+default-scheduler\s+Successfully assigned shop\//,
    );
    expect(eventsSection).toMatch(
      /Warning\s+BackOff\s+\d+s \(x27 over 13m\)\s+kubelet\s+Back-off restarting failed container app/,
    );
    expect(eventsSection).not.toContain('Started container app');
    // kubectl 1.32 selects by name, namespace and uid, in a map order that is not ours to assume.
    const search = kube.requests.find(
      (r) => r.path === `/api/v1/namespaces/${NS}/events` && r.query.fieldSelector,
    );
    expect(search?.query.fieldSelector?.split(',').sort()).toEqual(
      [
        `involvedObject.name=${CRASH}`,
        `involvedObject.namespace=${NS}`,
        `involvedObject.uid=${CRASH_UID}`,
      ].sort(),
    );
  });

  it('kubectl logs --previous prints the previous log, and fails with the kubelet text when there is none', async () => {
    const previous = await kubectl('logs', CRASH, '-n', NS, '-c', 'app', '--previous');
    expect(previous.code).toBe(0);
    expect(previous.stdout).toBe(PREVIOUS_LOG);

    const missing = await kubectl('logs', HEALTHY, '-n', NS, '-c', 'app', '--previous');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(
      `Error from server (BadRequest): previous terminated container "app" in pod "${HEALTHY}" not found`,
    );
  });

  it('kubectl get deploy prints the rollout columns', async () => {
    const out = await kubectl('get', 'deploy', '-n', NS);
    expect(out.code).toBe(0);
    expect(table(out.stdout)).toEqual([
      { NAME: 'api', READY: '1/2', 'UP-TO-DATE': '2', AVAILABLE: '1', AGE: '24h' },
    ]);
  });

  it('pages long lists the way the real server does: kubectl reads 1,200 pods in chunks of 500', async () => {
    const ns = 'paged';
    for (let i = 0; i < 1_200; i++) {
      kube.upsert({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `p-${String(i).padStart(4, '0')}`, namespace: ns, labels: { app: 'paged' } },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
        status: { phase: 'Running' },
      } as KubeObject);
    }
    const from = kube.requests.length;
    const out = await kubectl('get', 'pods', '-n', ns, '-o', 'name');
    expect(out.code, out.stderr).toBe(0);
    const names = out.stdout.trim().split('\n');
    expect(names).toHaveLength(1_200);
    expect(new Set(names).size).toBe(1_200);
    const lists = kube.requests.slice(from).filter((r) => r.path === `/api/v1/namespaces/${ns}/pods`);
    expect(lists.map((r) => r.query.limit)).toEqual(['500', '500', '500']);
    expect(lists.filter((r) => r.query.continue)).toHaveLength(2);
  });

  it('kubectl reports NotFound and Forbidden the way it does against a cluster', async () => {
    const missing = await kubectl('get', 'pod', 'nope', '-n', NS);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): pods "nope" not found');
    const undo = kube.fail(`/namespaces/${NS}/pods/${CRASH}`, 403);
    const denied = await kubectl('get', 'pod', CRASH, '-n', NS);
    undo();
    expect(denied.stderr.trim()).toBe(
      `Error from server (Forbidden): pods "${CRASH}" is forbidden: User "system:serviceaccount:oncall:oncall-scout" cannot get resource "pods" in API group "" in the namespace "${NS}"`,
    );
  });
});
