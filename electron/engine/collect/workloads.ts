import type * as k8s from '@kubernetes/client-node';
import type { EventInfo, WorkloadInfo } from '../../../shared/context.ts';
import { clean, eventInfo, iso } from './convert.ts';
import { readPodList } from './pod-list.ts';
import { withSignal } from './read.ts';
import { POD_LIST_LIMIT, type Reader } from './reader.ts';
import { selectorString } from './selectors.ts';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob';

export interface Workload {
  kind: WorkloadKind;
  obj: k8s.V1Deployment | k8s.V1StatefulSet | k8s.V1DaemonSet | k8s.V1ReplicaSet | k8s.V1Job | k8s.V1CronJob;
  /** Owner chain from the pod up. */
  chain: string[];
}

/** Reads one workload object by kind. */
export async function readWorkload(r: Reader, kind: WorkloadKind, namespace: string, name: string) {
  const what = `${kind.toLowerCase()} ${namespace}/${name}`;
  const o = (signal: AbortSignal) => withSignal(signal);
  switch (kind) {
    case 'Deployment':
      return r.get(what, (s) => r.kube.apps.readNamespacedDeployment({ name, namespace }, o(s)));
    case 'StatefulSet':
      return r.get(what, (s) => r.kube.apps.readNamespacedStatefulSet({ name, namespace }, o(s)));
    case 'DaemonSet':
      return r.get(what, (s) => r.kube.apps.readNamespacedDaemonSet({ name, namespace }, o(s)));
    case 'ReplicaSet':
      return r.get(what, (s) => r.kube.apps.readNamespacedReplicaSet({ name, namespace }, o(s)));
    case 'Job':
      return r.get(what, (s) => r.kube.batch.readNamespacedJob({ name, namespace }, o(s)));
    case 'CronJob':
      return r.get(what, (s) => r.kube.batch.readNamespacedCronJob({ name, namespace }, o(s)));
  }
}

const KNOWN = new Set<string>(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

function controllerOf(meta: k8s.V1ObjectMeta | undefined): k8s.V1OwnerReference | undefined {
  return meta?.ownerReferences?.find((o) => o.controller) ?? meta?.ownerReferences?.[0];
}

export function workloadSelector(w: Workload): string | undefined {
  if (w.kind === 'CronJob') return undefined;
  return selectorString((w.obj as k8s.V1Deployment).spec?.selector);
}

function conditions(
  list: Array<{ type: string; status: string; reason?: string; message?: string }> | undefined,
) {
  return (list ?? []).map((c) =>
    clean({ type: c.type, status: c.status, reason: c.reason, message: c.message }),
  );
}

export function workloadInfo(w: Workload): WorkloadInfo {
  const meta = w.obj.metadata!;
  const base = {
    kind: w.kind,
    name: meta.name ?? '',
    namespace: meta.namespace ?? '',
    chain: w.chain.length ? w.chain : [`${w.kind}/${meta.name}`],
    selector: workloadSelector(w),
    conditions: [] as WorkloadInfo['conditions'],
  };
  switch (w.kind) {
    case 'Deployment': {
      const d = w.obj as k8s.V1Deployment;
      return {
        ...base,
        conditions: conditions(d.status?.conditions),
        replicas: {
          desired: d.spec?.replicas ?? 1,
          ready: d.status?.readyReplicas ?? 0,
          available: d.status?.availableReplicas ?? 0,
          updated: d.status?.updatedReplicas ?? 0,
        },
      };
    }
    case 'StatefulSet': {
      const s = w.obj as k8s.V1StatefulSet;
      return {
        ...base,
        conditions: conditions(s.status?.conditions),
        replicas: {
          desired: s.spec?.replicas ?? 1,
          ready: s.status?.readyReplicas ?? 0,
          available: s.status?.availableReplicas ?? 0,
          updated: s.status?.updatedReplicas ?? 0,
        },
      };
    }
    case 'DaemonSet': {
      const ds = w.obj as k8s.V1DaemonSet;
      return {
        ...base,
        conditions: conditions(ds.status?.conditions),
        replicas: {
          desired: ds.status?.desiredNumberScheduled ?? 0,
          ready: ds.status?.numberReady ?? 0,
          available: ds.status?.numberAvailable ?? 0,
          updated: ds.status?.updatedNumberScheduled ?? 0,
        },
      };
    }
    case 'ReplicaSet': {
      const rs = w.obj as k8s.V1ReplicaSet;
      return {
        ...base,
        conditions: conditions(rs.status?.conditions),
        replicas: {
          desired: rs.spec?.replicas ?? 1,
          ready: rs.status?.readyReplicas ?? 0,
          available: rs.status?.availableReplicas ?? 0,
          updated: rs.status?.fullyLabeledReplicas ?? 0,
        },
      };
    }
    case 'Job': {
      const j = w.obj as k8s.V1Job;
      return {
        ...base,
        conditions: conditions(j.status?.conditions),
        job: clean({
          active: j.status?.active ?? 0,
          succeeded: j.status?.succeeded ?? 0,
          failed: j.status?.failed ?? 0,
          backoffLimit: j.spec?.backoffLimit,
          activeDeadlineSeconds: j.spec?.activeDeadlineSeconds,
        }),
      };
    }
    case 'CronJob':
      return base;
  }
}

const revisionOf = (rs: k8s.V1ReplicaSet) =>
  Number(rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0);

/** The newest ReplicaSet of a Deployment against the one before it: what changed in the last rollout. */
export function rolloutFrom(d: k8s.V1Deployment, replicaSets: k8s.V1ReplicaSet[]): WorkloadInfo['rollout'] {
  const owned = replicaSets
    .filter((rs) =>
      rs.metadata?.ownerReferences?.some((o) =>
        d.metadata?.uid ? o.uid === d.metadata.uid : o.kind === 'Deployment' && o.name === d.metadata?.name,
      ),
    )
    .sort((a, b) => revisionOf(b) - revisionOf(a));
  const [current, previous] = owned;
  if (!current) return undefined;
  const summary = (rs: k8s.V1ReplicaSet) =>
    clean({
      name: rs.metadata?.name ?? '',
      revision: rs.metadata?.annotations?.['deployment.kubernetes.io/revision'],
      createdAt: iso(rs.metadata?.creationTimestamp),
      images: (rs.spec?.template?.spec?.containers ?? []).map((c) => `${c.name}=${c.image}`),
    });
  return clean({
    current: summary(current),
    previous: previous ? summary(previous) : undefined,
    changes: previous ? templateChanges(previous.spec?.template, current.spec?.template) : [],
  });
}

/** Lists are shared between collections by what they read and under which selector. */
const listKey = (what: string, selector: string | undefined) =>
  `${what} [${(selector ?? '')
    .split(/,(?![^(]*\))/)
    .sort()
    .join(',')}]`;

function listReplicaSets(r: Reader, namespace: string, labelSelector: string | undefined, owner: string) {
  const what = `replicasets of ${owner}`;
  return r.get(
    what,
    (s) => r.kube.apps.listNamespacedReplicaSet({ namespace, labelSelector }, withSignal(s)),
    listKey(what, labelSelector),
  );
}

function workloadEvents(r: Reader, kind: string, namespace: string, name: string) {
  return r.get(`events of ${kind.toLowerCase()} ${namespace}/${name}`, (s) =>
    r.kube.core.listNamespacedEvent(
      { namespace, fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}` },
      withSignal(s),
    ),
  );
}

/** A workload's pods, brief (pod-list.ts): they are only ranked and summed up as the siblings. */
function listPods(r: Reader, namespace: string, labelSelector: string | undefined, what: string) {
  return r.list(
    what,
    POD_LIST_LIMIT,
    (s, limit) => readPodList(r.kube, { namespace, labelSelector, limit }, s, 'brief'),
    `brief ${listKey(what, labelSelector)}`,
  );
}

/**
 * What a Deployment's rollout and replicas are read from, started together: the Deployment, its
 * ReplicaSets (under `selector`, a ReplicaSet's without the template hash), its events, and its pods
 * when wanted.
 */
function readDeployment(
  r: Reader,
  namespace: string,
  name: string,
  selector: string | undefined,
  wantPods: boolean,
) {
  const owner = `deployment ${namespace}/${name}`;
  return Promise.all([
    readWorkload(r, 'Deployment', namespace, name) as Promise<k8s.V1Deployment | undefined>,
    listReplicaSets(r, namespace, selector, owner),
    workloadEvents(r, 'Deployment', namespace, name),
    wantPods ? listPods(r, namespace, selector, `pods of ${owner}`) : undefined,
  ]);
}

/** Pod-template labels that change with each release, so a Deployment's selector never holds them. */
const RELEASE_LABELS = new Set([
  'pod-template-hash',
  'version',
  'app.kubernetes.io/version',
  'helm.sh/chart',
  'chart',
  'app.kubernetes.io/managed-by',
  'heritage',
]);

/**
 * A Deployment's pods carry `pod-template-hash`, and their ReplicaSet is named `<deployment>-<hash>`:
 * the Deployment, its ReplicaSets, its events and its pods can be asked for alongside the ReplicaSet,
 * not one round trip after it. Under the same keys as the real reads, which share them when the
 * ReplicaSet confirms the guess (its owner, and a selector equal to the pod's labels but those that
 * change with each release); read ahead quietly, so a wrong guess costs a few reads and leaves no gap.
 */
function readAheadDeployment(r: Reader, pod: k8s.V1Pod, rsName: string, wantSiblings: boolean): void {
  const labels = pod.metadata?.labels ?? {};
  const hash = labels['pod-template-hash'];
  if (!hash || !rsName.endsWith(`-${hash}`)) return;
  const namespace = pod.metadata?.namespace ?? '';
  const name = rsName.slice(0, -hash.length - 1);
  const selector = selectorString({
    matchLabels: Object.fromEntries(Object.entries(labels).filter(([k]) => !RELEASE_LABELS.has(k))),
  });
  void readDeployment(r.quiet(), namespace, name, selector, wantSiblings);
}

/** A ReplicaSet's selector is its Deployment's plus pod-template-hash; without the hash it selects them all. */
function withoutTemplateHash(sel: k8s.V1LabelSelector | undefined): k8s.V1LabelSelector | undefined {
  if (!sel) return undefined;
  const { 'pod-template-hash': _hash, ...matchLabels } = sel.matchLabels ?? {};
  return {
    ...sel,
    matchLabels,
    matchExpressions: sel.matchExpressions?.filter((e) => e.key !== 'pod-template-hash'),
  };
}

export interface WorkloadAround {
  info?: WorkloadInfo;
  events: EventInfo[];
  /** Pods of the same workload (when asked for), brief: only what ranks and sums a pod up (pod-list.ts). */
  siblings: k8s.V1Pod[];
}

/**
 * The workload around a pod — its owner chain, last rollout, events and the other replicas — in as few
 * round trips as the API allows: the pod's controller first, then everything else at once (the
 * Deployment, its ReplicaSets, its events and its pods are found from the ReplicaSet's own data).
 */
export async function workloadAround(
  r: Reader,
  pod: k8s.V1Pod,
  wantSiblings: boolean,
): Promise<WorkloadAround> {
  const namespace = pod.metadata?.namespace ?? '';
  const ref = controllerOf(pod.metadata);
  if (!ref || !KNOWN.has(ref.kind)) return { events: [], siblings: [] };
  if (ref.kind === 'ReplicaSet') readAheadDeployment(r, pod, ref.name, wantSiblings);
  const first = await readWorkload(r, ref.kind as WorkloadKind, namespace, ref.name);
  if (!first) return { events: [], siblings: [] };
  const up = controllerOf(first.metadata);
  const chain = [`${ref.kind}/${ref.name}`];

  if (ref.kind === 'ReplicaSet' && up?.kind === 'Deployment') {
    chain.push(`Deployment/${up.name}`);
    const selector = selectorString(withoutTemplateHash((first as k8s.V1ReplicaSet).spec?.selector));
    const [dep, replicaSets, events, pods] = await readDeployment(
      r,
      namespace,
      up.name,
      selector,
      wantSiblings,
    );
    if (!dep) return { events: [], siblings: pods?.items ?? [] };
    const info = workloadInfo({ kind: 'Deployment', obj: dep, chain });
    info.rollout = rolloutFrom(dep, replicaSets?.items ?? []);
    return { info, events: (events?.items ?? []).map(eventInfo), siblings: pods?.items ?? [] };
  }

  let top: Workload = { kind: ref.kind as WorkloadKind, obj: first, chain };
  const selector = workloadSelector(top);
  const parentRead =
    ref.kind === 'Job' && up?.kind === 'CronJob'
      ? (readWorkload(r, 'CronJob', namespace, up.name) as Promise<k8s.V1CronJob | undefined>)
      : undefined;
  const [events, pods, parent] = await Promise.all([
    workloadEvents(r, ref.kind, namespace, ref.name),
    wantSiblings && selector
      ? listPods(r, namespace, selector, `pods of ${ref.kind.toLowerCase()} ${namespace}/${ref.name}`)
      : undefined,
    parentRead,
  ]);
  // A Job's conditions are the story; its CronJob is named in the chain.
  if (parent) top = { ...top, chain: [...chain, `CronJob/${up!.name}`] };
  return {
    info: workloadInfo(top),
    events: (events?.items ?? []).map(eventInfo),
    siblings: pods?.items ?? [],
  };
}

/**
 * For an alert about the workload itself: its rollout (Deployments) and events, read together. A
 * ReplicaSet is one revision of a Deployment: it keeps its own replica counts and gains the chain up to
 * the Deployment, that Deployment's last rollout and its events (a stuck rollout is told there).
 */
export async function workloadDetails(r: Reader, w: Workload): Promise<WorkloadAround> {
  const info = workloadInfo(w);
  const up = w.kind === 'ReplicaSet' ? controllerOf(w.obj.metadata) : undefined;
  if (up?.kind === 'Deployment') {
    const selector = selectorString(withoutTemplateHash((w.obj as k8s.V1ReplicaSet).spec?.selector));
    const [own, [dep, replicaSets, depEvents]] = await Promise.all([
      workloadEvents(r, 'ReplicaSet', info.namespace, info.name),
      readDeployment(r, info.namespace, up.name, selector, false),
    ]);
    info.chain = [...info.chain, `Deployment/${up.name}`];
    if (dep) info.rollout = rolloutFrom(dep, replicaSets?.items ?? []);
    const events = [...(own?.items ?? []), ...(depEvents?.items ?? [])].map(eventInfo);
    return { info, events, siblings: [] };
  }
  const isDeployment = w.kind === 'Deployment';
  const [events, replicaSets] = await Promise.all([
    workloadEvents(r, w.kind, info.namespace, info.name),
    isDeployment
      ? listReplicaSets(r, info.namespace, info.selector, `deployment ${info.namespace}/${info.name}`)
      : undefined,
  ]);
  if (isDeployment) info.rollout = rolloutFrom(w.obj as k8s.V1Deployment, replicaSets?.items ?? []);
  return { info, events: (events?.items ?? []).map(eventInfo), siblings: [] };
}

/** Human-readable differences between two pod templates: images, env keys, resources, command. */
export function templateChanges(
  before: k8s.V1PodTemplateSpec | undefined,
  after: k8s.V1PodTemplateSpec | undefined,
): string[] {
  const changes: string[] = [];
  const a = new Map(
    [...(before?.spec?.initContainers ?? []), ...(before?.spec?.containers ?? [])].map((c) => [c.name, c]),
  );
  const b = new Map(
    [...(after?.spec?.initContainers ?? []), ...(after?.spec?.containers ?? [])].map((c) => [c.name, c]),
  );
  for (const [name, c] of b) {
    const old = a.get(name);
    if (!old) {
      changes.push(`container added: ${name} (${c.image})`);
      continue;
    }
    if (old.image !== c.image) changes.push(`image ${name}: ${old.image} → ${c.image}`);
    const envA = new Set((old.env ?? []).map((e) => e.name));
    const envB = new Set((c.env ?? []).map((e) => e.name));
    const added = [...envB].filter((e) => !envA.has(e));
    const removed = [...envA].filter((e) => !envB.has(e));
    if (added.length) changes.push(`env added in ${name}: ${added.join(', ')}`);
    if (removed.length) changes.push(`env removed from ${name}: ${removed.join(', ')}`);
    const changedValues = (c.env ?? []).filter((e) => {
      const prev = (old.env ?? []).find((p) => p.name === e.name);
      return prev && e.value !== undefined && prev.value !== undefined && prev.value !== e.value;
    });
    if (changedValues.length)
      changes.push(`env changed in ${name}: ${changedValues.map((e) => e.name).join(', ')}`);
    for (const kind of ['requests', 'limits'] as const) {
      const ra = (old.resources?.[kind] ?? {}) as Record<string, string>;
      const rb = (c.resources?.[kind] ?? {}) as Record<string, string>;
      for (const res of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
        if (String(ra[res] ?? 'none') !== String(rb[res] ?? 'none')) {
          changes.push(`${kind}.${res} ${name}: ${ra[res] ?? 'none'} → ${rb[res] ?? 'none'}`);
        }
      }
    }
    if (JSON.stringify(old.command ?? []) !== JSON.stringify(c.command ?? [])) {
      changes.push(
        `command ${name}: ${(old.command ?? []).join(' ') || '(image default)'} → ${(c.command ?? []).join(' ') || '(image default)'}`,
      );
    }
    if (JSON.stringify(old.args ?? []) !== JSON.stringify(c.args ?? [])) {
      changes.push(
        `args ${name}: ${(old.args ?? []).join(' ') || '(none)'} → ${(c.args ?? []).join(' ') || '(none)'}`,
      );
    }
  }
  for (const name of a.keys()) if (!b.has(name)) changes.push(`container removed: ${name}`);
  return changes;
}
