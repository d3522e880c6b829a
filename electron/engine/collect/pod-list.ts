import type * as k8s from '@kubernetes/client-node';
import { k8sLib } from './k8s-lib.ts';
import type { KubeClients } from './kube.ts';

export interface PodListQuery {
  /** Without one, the pods of every namespace (with a field selector: those on one node). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
}

/**
 * Lists pods as client-node's typed API does, but reads the answer as plain JSON. Its ObjectSerializer
 * builds a model object for every nested field of every pod, generically: for a list of 100 pods that is
 * 3 ms on top of the 1.2 ms JSON.parse, and twice the garbage. In a storm the collections' pod lists
 * (the workload's replicas, the pods on the node) were a fifth of the analysis worker's CPU, and most of
 * its garbage collection — which runs on V8's helper threads, at the webhook's priority.
 *
 * The request is still client-node's: its kubeconfig authentication (tokens, certificates, exec plugins),
 * TLS and proxy settings and HTTP library, and its ApiException for an answer other than 200, so a
 * failure reads as any other read's (read.ts). Only the pod fields the models type as date-time become
 * Dates, and the list's `continue` is `_continue`, as the typed API gives them. One difference: each
 * pod's `metadata.managedFields` is dropped. An API server sends it with every pod (server-side apply's
 * record of which client set which field, often larger than the rest of the metadata), nothing here
 * reads it, and lists are held for a while to be shared between collections (read-cache.ts).
 */
export async function readPodList(
  kube: KubeClients,
  q: PodListQuery,
  signal: AbortSignal,
  shape: PodShape = 'full',
): Promise<k8s.V1PodList> {
  const lib = k8sLib();
  const path = q.namespace ? `/api/v1/namespaces/${encodeURIComponent(q.namespace)}/pods` : '/api/v1/pods';
  const ctx = new lib.ServerConfiguration<Record<string, string>>(kube.server, {}).makeRequestContext(
    path,
    lib.HttpMethod.GET,
  );
  ctx.setHeaderParam('Accept', 'application/json, */*;q=0.8');
  if (q.fieldSelector !== undefined) ctx.setQueryParam('fieldSelector', q.fieldSelector);
  if (q.labelSelector !== undefined) ctx.setQueryParam('labelSelector', q.labelSelector);
  if (q.limit !== undefined) ctx.setQueryParam('limit', String(q.limit));
  ctx.setSignal(signal);
  await kube.config.applySecurityAuthentication(ctx);
  const res = await new lib.IsomorphicFetchHttpLibrary().send(ctx).toPromise();
  const text = await res.body.text();
  if (res.httpStatusCode !== 200)
    throw new lib.ApiException(res.httpStatusCode, 'Unknown API Status Code!', text, res.headers);
  return podListFromWire(JSON.parse(text), shape);
}

type Json = Record<string, unknown>;

/**
 * `full`: every field of every pod, for pods a collection reads closely. `brief`: only what ranking a pod
 * and summing up a pod or a node reads (selectors.ts `podBadness`, investigate.ts `siblingSummaries`,
 * nodes.ts `nodeInfo`) — its name, namespace, uid, creation and deletion times, node, containers' names
 * and resource requests, phase and reason, and each container status's name, readiness, restarts and
 * state. For the lists a collection only sums up: a workload's other replicas, the other pods on a node.
 * A pod of the storm's cluster is 4.5 KB of JSON, its brief about an eighth of that. Lists are held a few
 * seconds to be shared (read-cache.ts): held whole, a hundred pods each, they outlived V8's young
 * generation and were copied and promoted before they died — a third of the analysis worker's
 * garbage-collection time in a storm (its scavenges took 4.9 s over a direct storm, 2.6 s with brief lists).
 */
export type PodShape = 'full' | 'brief';

/** A PodList as the API server sends it, with the typed API's Dates and field names, without managedFields. */
export function podListFromWire(list: Json, shape: PodShape = 'full'): k8s.V1PodList {
  const meta = list.metadata as Json | undefined;
  if (meta && 'continue' in meta) {
    meta._continue = meta.continue;
    delete meta.continue;
  }
  let items = (list.items as Json[] | undefined) ?? [];
  if (shape === 'brief') items = list.items = items.map(briefPod);
  for (const pod of items) podFromWire(pod);
  return list as unknown as k8s.V1PodList;
}

/** The fields of a pod that a brief list keeps (see PodShape), as fresh objects: the rest can die young. */
function briefPod(pod: Json): Json {
  const meta = (pod.metadata ?? {}) as Json;
  const spec = (pod.spec ?? {}) as Json;
  const status = (pod.status ?? {}) as Json;
  const statuses = (key: string) =>
    (status[key] as Json[] | undefined)?.map((c) => ({
      name: c.name,
      ready: c.ready,
      restartCount: c.restartCount,
      state: c.state,
    }));
  return {
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      creationTimestamp: meta.creationTimestamp,
      deletionTimestamp: meta.deletionTimestamp,
    },
    spec: {
      nodeName: spec.nodeName,
      containers: ((spec.containers as Json[] | undefined) ?? []).map((c) => ({
        name: c.name,
        resources: { requests: (c.resources as Json | undefined)?.requests },
      })),
    },
    status: {
      phase: status.phase,
      reason: status.reason,
      initContainerStatuses: statuses('initContainerStatuses'),
      containerStatuses: statuses('containerStatuses'),
    },
  };
}

/** The date-time fields of a V1Pod (every one its model types as Date), made Dates in place. */
function podFromWire(pod: Json): void {
  const meta = pod.metadata as Json | undefined;
  if (meta) {
    delete meta.managedFields;
    dates(meta, 'creationTimestamp', 'deletionTimestamp');
  }
  const status = pod.status as Json | undefined;
  if (!status) return;
  dates(status, 'startTime');
  for (const c of (status.conditions as Json[] | undefined) ?? [])
    dates(c, 'lastProbeTime', 'lastTransitionTime');
  for (const key of ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses']) {
    for (const c of (status[key] as Json[] | undefined) ?? []) {
      for (const s of [c.state, c.lastState] as (Json | undefined)[]) {
        if (s?.running) dates(s.running as Json, 'startedAt');
        if (s?.terminated) dates(s.terminated as Json, 'startedAt', 'finishedAt');
      }
    }
  }
}

function dates(o: Json, ...keys: string[]): void {
  for (const k of keys) if (typeof o[k] === 'string') o[k] = new Date(o[k] as string);
}
