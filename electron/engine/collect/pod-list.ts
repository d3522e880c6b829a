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
  return podListFromWire(JSON.parse(text));
}

type Json = Record<string, unknown>;

/** A PodList as the API server sends it, with the typed API's Dates and field names, without managedFields. */
export function podListFromWire(list: Json): k8s.V1PodList {
  const meta = list.metadata as Json | undefined;
  if (meta && 'continue' in meta) {
    meta._continue = meta.continue;
    delete meta.continue;
  }
  for (const pod of (list.items as Json[] | undefined) ?? []) podFromWire(pod);
  return list as unknown as k8s.V1PodList;
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
