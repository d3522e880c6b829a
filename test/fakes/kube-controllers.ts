/**
 * An opt-in stand-in for the controllers a real cluster runs behind the API server, just enough to
 * follow an action's outcome: the ReplicaSet, StatefulSet and DaemonSet controllers replace a removed
 * pod with a new Ready one, and a changed Deployment (template or replicas), StatefulSet or DaemonSet
 * finishes its rollout — each after a short delay, as the real ones do.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { deepEqual, type Json } from './kube-patch.ts';

export interface KubeObjectLike {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface ControllerHost {
  get(kind: string, namespace: string, name: string): KubeObjectLike | undefined;
  list(kind: string, namespace: string): KubeObjectLike[];
  /** Adds or replaces an object, bumping its resourceVersion like a write through the API. */
  save(obj: KubeObjectLike): void;
  remove(kind: string, namespace: string, name: string): void;
  later(fn: () => void, ms: number): void;
}

const rec = (v: unknown): Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
const now = () => `${new Date().toISOString().slice(0, 19)}Z`;
/** Pod-name suffixes use the same alphabet as the apiserver's generateName (no vowels, no 0/1/3). */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
function suffix(n = 5): string {
  return [...randomBytes(n)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}
const revisionOf = (o: KubeObjectLike) =>
  Number(rec(o.metadata.annotations)['deployment.kubernetes.io/revision'] ?? 0);
const controllerOf = (o: KubeObjectLike) =>
  (o.metadata.ownerReferences as Json[] | undefined)?.find((r) => r.controller) as Json | undefined;
const ownerRef = (o: KubeObjectLike) => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  name: o.metadata.name,
  uid: o.metadata.uid,
  controller: true,
  blockOwnerDeletion: true,
});

function withoutHash(template: unknown): Json {
  const t = structuredClone(rec(template));
  const md = rec(t.metadata);
  const { 'pod-template-hash': _h, ...labels } = rec(md.labels);
  t.metadata = { ...md, labels };
  return t;
}

/** A pod as its controller creates it, already scheduled, started and Ready. */
export function readyPod(
  template: unknown,
  name: string,
  owner: KubeObjectLike,
  nodeName?: string,
): KubeObjectLike {
  const t = rec(template);
  const md = rec(t.metadata);
  const spec = rec(t.spec);
  const at = now();
  const containers = (spec.containers as Json[] | undefined) ?? [];
  const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: at });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      uid: randomUUID(),
      labels: rec(md.labels),
      ...(md.annotations ? { annotations: md.annotations } : {}),
      ownerReferences: [ownerRef(owner)],
      creationTimestamp: at,
    },
    spec: { ...spec, ...(nodeName ? { nodeName } : {}) },
    status: {
      phase: 'Running',
      conditions: [
        'PodReadyToStartContainers',
        'Initialized',
        'Ready',
        'ContainersReady',
        'PodScheduled',
      ].map(cond),
      startTime: at,
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: '',
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: at } },
      })),
    },
  };
}

/** A pod was evicted or deleted: its controller makes a new one. */
export function podRemoved(host: ControllerHost, pod: KubeObjectLike, delayMs: number): void {
  const ref = controllerOf(pod);
  const ns = pod.metadata.namespace ?? 'default';
  if (!ref) return;
  const kind = String(ref.kind);
  const nodeName = String(rec(pod.spec).nodeName ?? '') || undefined;
  host.later(() => {
    const owner = host.get(kind, ns, String(ref.name));
    if (!owner) return;
    const template = rec(owner.spec).template;
    if (kind === 'ReplicaSet' || kind === 'DaemonSet')
      host.save(readyPod(template, `${owner.metadata.name}-${suffix()}`, owner, nodeName));
    else if (kind === 'StatefulSet') host.save(readyPod(template, pod.metadata.name, owner, nodeName));
  }, delayMs);
}

/** A workload's spec changed (generation bumped): its controller rolls it out. */
export function workloadChanged(
  host: ControllerHost,
  kind: string,
  ns: string,
  name: string,
  delayMs: number,
): void {
  host.later(() => {
    const obj = host.get(kind, ns, name);
    if (!obj) return;
    if (kind === 'Deployment') rollDeployment(host, obj);
    else if (kind === 'StatefulSet') rollStatefulSet(host, obj);
    else if (kind === 'DaemonSet') rollDaemonSet(host, obj);
  }, delayMs);
}

function ownedPods(host: ControllerHost, owner: KubeObjectLike): KubeObjectLike[] {
  return host
    .list('Pod', owner.metadata.namespace ?? 'default')
    .filter((p) => controllerOf(p)?.name === owner.metadata.name && controllerOf(p)?.kind === owner.kind);
}

function rollDeployment(host: ControllerHost, dep: KubeObjectLike): void {
  const ns = dep.metadata.namespace ?? 'default';
  const spec = rec(dep.spec);
  const replicas = Number(spec.replicas ?? 1);
  const template = rec(spec.template);
  const owned = host
    .list('ReplicaSet', ns)
    .filter((rs) => controllerOf(rs)?.name === dep.metadata.name && controllerOf(rs)?.kind === 'Deployment');
  const maxRevision = Math.max(0, ...owned.map(revisionOf));
  let rs = owned.find((r) => deepEqual(withoutHash(rec(r.spec).template), withoutHash(template)));
  let revision = rs ? revisionOf(rs) : maxRevision + 1;
  // Rolling back to an old ReplicaSet gives it the next revision number, as the controller does.
  if (rs && revision !== maxRevision) revision = maxRevision + 1;
  if (!rs) {
    const hash = createHash('sha1')
      .update(JSON.stringify(template))
      .digest('hex')
      .slice(0, 10)
      .replace(/[aeiou013]/g, 'b');
    const md = rec(template.metadata);
    const labels = { ...rec(md.labels), 'pod-template-hash': hash };
    rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${dep.metadata.name}-${hash}`,
        namespace: ns,
        uid: randomUUID(),
        labels,
        annotations: {},
        ownerReferences: [ownerRef(dep)],
        generation: 1,
      },
      spec: {
        replicas,
        selector: { matchLabels: { ...rec(rec(spec.selector).matchLabels), 'pod-template-hash': hash } },
        template: { ...template, metadata: { ...md, labels } },
      },
      status: {},
    };
  }
  rs.metadata.annotations = {
    ...rec(rs.metadata.annotations),
    'deployment.kubernetes.io/revision': String(revision),
    'deployment.kubernetes.io/desired-replicas': String(replicas),
    'deployment.kubernetes.io/max-replicas': String(replicas + 1),
  };
  rs.spec = { ...rec(rs.spec), replicas };
  rs.status = {
    replicas,
    fullyLabeledReplicas: replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    observedGeneration: rs.metadata.generation ?? 1,
  };
  host.save(rs);
  for (const other of owned) {
    if (other.metadata.name === rs.metadata.name) continue;
    for (const p of ownedPods(host, other)) host.remove('Pod', ns, p.metadata.name);
    host.save({
      ...other,
      spec: { ...rec(other.spec), replicas: 0 },
      status: { replicas: 0, observedGeneration: 1 },
    });
  }
  const pods = ownedPods(host, rs);
  const nodes = pods.map((p) => String(rec(p.spec).nodeName ?? '')).filter(Boolean);
  for (const p of pods.slice(replicas)) host.remove('Pod', ns, p.metadata.name);
  for (let i = pods.length; i < replicas; i++)
    host.save(
      readyPod(
        rec(rs.spec).template,
        `${rs.metadata.name}-${suffix()}`,
        rs,
        nodes[i % Math.max(1, nodes.length)],
      ),
    );
  const name = rs.metadata.name;
  host.save({
    ...dep,
    metadata: {
      ...dep.metadata,
      annotations: {
        ...rec(dep.metadata.annotations),
        'deployment.kubernetes.io/revision': String(revision),
      },
    },
    status: {
      observedGeneration: dep.metadata.generation ?? 1,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
          lastUpdateTime: now(),
          lastTransitionTime: now(),
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${name}" has successfully progressed.`,
          lastUpdateTime: now(),
          lastTransitionTime: now(),
        },
      ],
    },
  });
}

function rollStatefulSet(host: ControllerHost, sts: KubeObjectLike): void {
  const ns = sts.metadata.namespace ?? 'default';
  const spec = rec(sts.spec);
  const replicas = Number(spec.replicas ?? 1);
  const revision = `${sts.metadata.name}-${createHash('sha1').update(JSON.stringify(spec.template)).digest('hex').slice(0, 10)}`;
  for (let i = 0; i < replicas; i++) {
    const name = `${sts.metadata.name}-${i}`;
    const old = host.get('Pod', ns, name);
    host.save(
      readyPod(spec.template, name, sts, old ? String(rec(old.spec).nodeName ?? '') || undefined : undefined),
    );
  }
  host.save({
    ...sts,
    status: {
      observedGeneration: sts.metadata.generation ?? 1,
      replicas,
      readyReplicas: replicas,
      currentReplicas: replicas,
      updatedReplicas: replicas,
      availableReplicas: replicas,
      currentRevision: revision,
      updateRevision: revision,
    },
  });
}

function rollDaemonSet(host: ControllerHost, ds: KubeObjectLike): void {
  const ns = ds.metadata.namespace ?? 'default';
  const pods = ownedPods(host, ds);
  for (const p of pods) {
    host.remove('Pod', ns, p.metadata.name);
    host.save(
      readyPod(
        rec(ds.spec).template,
        `${ds.metadata.name}-${suffix()}`,
        ds,
        String(rec(p.spec).nodeName ?? '') || undefined,
      ),
    );
  }
  const desired = Number(rec(ds.status).desiredNumberScheduled ?? pods.length);
  host.save({
    ...ds,
    status: {
      ...rec(ds.status),
      observedGeneration: ds.metadata.generation ?? 1,
      desiredNumberScheduled: desired,
      currentNumberScheduled: desired,
      updatedNumberScheduled: desired,
      numberReady: desired,
      numberAvailable: desired,
    },
  });
}
