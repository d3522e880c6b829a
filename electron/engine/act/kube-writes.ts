import type * as k8s from '@kubernetes/client-node';
import { k8sLib } from '../collect/k8s-lib.ts';
import type { KubeClients } from '../collect/kube.ts';

/**
 * Every request remediation sends, through client-node's object API. Reads return the JSON exactly as
 * the server sent it (a copy of the body is kept by a middleware): a rollback writes a ReplicaSet's
 * template back, and client-node's typed models would drop any field newer than the library.
 */

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects as the server sent them
export type Raw = Record<string, any>;

export const PATCH = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
} as const;
export type PatchType = (typeof PATCH)[keyof typeof PATCH];

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job';

/** A failed API call, with the server's own words (Status message and causes). */
export class KubeCallError extends Error {
  constructor(
    readonly code: number | null,
    message: string,
  ) {
    super(message);
  }
}

function failure(err: unknown, what: string): KubeCallError {
  const e = err as { code?: unknown; body?: unknown; name?: string; message?: string };
  if (typeof e.code === 'number') {
    let status: Raw = {};
    try {
      status = typeof e.body === 'string' ? JSON.parse(e.body) : ((e.body as Raw) ?? {});
    } catch {
      status = { message: String(e.body).slice(0, 300) };
    }
    const causes = ((status.details?.causes ?? []) as Raw[]).map((c) => c.message).filter(Boolean);
    const message = [status.message ?? `HTTP ${e.code}`, ...causes].join(' ');
    const hint =
      e.code === 403
        ? ' — the kubeconfig identity lacks this permission; grant it (RBAC) or set this action to suggest'
        : e.code === 401
          ? ' — the cluster rejected the credentials; log in again'
          : '';
    return new KubeCallError(e.code, `${what}: ${message}${hint}`);
  }
  if (e.name === 'AbortError' || e.name === 'TimeoutError')
    return new KubeCallError(null, `${what}: no answer in time (the API server is slow or unreachable)`);
  return new KubeCallError(null, `${what}: ${e.message ?? String(err)}`);
}

export interface WriterOptions {
  /** Stops every request (the engine is stopping). */
  signal: AbortSignal;
  /** Deadline of one request. */
  timeoutMs?: number;
}

export function createKubeWrites(c: KubeClients, o: WriterOptions) {
  const lib = k8sLib();
  const policy = c.config.makeApiClient(lib.PolicyV1Api);
  const autoscaling = c.config.makeApiClient(lib.AutoscalingV2Api);
  const timeoutMs = o.timeoutMs ?? 10_000;

  /** Runs one call with the deadline, a Content-Type when given, and returns the raw JSON body. */
  async function call(
    what: string,
    fn: (opts: k8s.ConfigurationOptions) => Promise<unknown>,
    contentType?: string,
  ) {
    let text: Promise<string> | undefined;
    const signal = AbortSignal.any([o.signal, AbortSignal.timeout(timeoutMs)]);
    const opts: k8s.ConfigurationOptions = {
      middleware: [
        {
          pre: (ctx: k8s.RequestContext) => {
            ctx.setSignal(signal);
            // client-node picks json-patch+json for every PATCH; the real type is ours to say.
            if (contentType) ctx.setHeaderParam('Content-Type', contentType);
            return new lib.Observable(Promise.resolve(ctx));
          },
          post: (res: k8s.ResponseContext) => {
            const body = res.body.text();
            text = body;
            res.body = { text: () => body, binary: async () => Buffer.from(await body) };
            return new lib.Observable(Promise.resolve(res));
          },
        },
      ],
      middlewareMergeStrategy: 'append',
    };
    try {
      await fn(opts);
    } catch (err) {
      throw failure(err, what);
    }
    const raw = text ? await text : '';
    return (raw ? JSON.parse(raw) : {}) as Raw;
  }

  /** A read where 404 means "gone" (null) rather than an error. */
  async function maybe(what: string, fn: (opts: k8s.ConfigurationOptions) => Promise<unknown>) {
    try {
      return await call(what, fn);
    } catch (err) {
      if (err instanceof KubeCallError && err.code === 404) return null;
      throw err;
    }
  }

  const dry = (dryRun: boolean) => (dryRun ? 'All' : undefined);

  return {
    context: c.context,

    readPod: (namespace: string, name: string) =>
      maybe(`read pod ${namespace}/${name}`, (opts) => c.core.readNamespacedPod({ name, namespace }, opts)),

    readWorkload(kind: WorkloadKind, namespace: string, name: string) {
      const what = `read ${kind.toLowerCase()} ${namespace}/${name}`;
      const p = { name, namespace };
      switch (kind) {
        case 'Deployment':
          return maybe(what, (opts) => c.apps.readNamespacedDeployment(p, opts));
        case 'StatefulSet':
          return maybe(what, (opts) => c.apps.readNamespacedStatefulSet(p, opts));
        case 'DaemonSet':
          return maybe(what, (opts) => c.apps.readNamespacedDaemonSet(p, opts));
        case 'ReplicaSet':
          return maybe(what, (opts) => c.apps.readNamespacedReplicaSet(p, opts));
        case 'Job':
          return maybe(what, (opts) => c.batch.readNamespacedJob(p, opts));
      }
    },

    async listPods(namespace: string, labelSelector: string): Promise<Raw[]> {
      const list = await call(`list pods ${labelSelector} in ${namespace}`, (opts) =>
        c.core.listNamespacedPod({ namespace, labelSelector }, opts),
      );
      return (list.items ?? []) as Raw[];
    },

    async listReplicaSets(namespace: string, labelSelector: string): Promise<Raw[]> {
      const list = await call(`list replicasets ${labelSelector} in ${namespace}`, (opts) =>
        c.apps.listNamespacedReplicaSet({ namespace, labelSelector }, opts),
      );
      return (list.items ?? []) as Raw[];
    },

    async listPdbs(namespace: string): Promise<Raw[]> {
      const list = await call(`list poddisruptionbudgets in ${namespace}`, (opts) =>
        policy.listNamespacedPodDisruptionBudget({ namespace }, opts),
      );
      return (list.items ?? []) as Raw[];
    },

    async listHpas(namespace: string): Promise<Raw[]> {
      const list = await call(`list horizontalpodautoscalers in ${namespace}`, (opts) =>
        autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace }, opts),
      );
      return (list.items ?? []) as Raw[];
    },

    /** Whether the cluster serves pods/eviction (kubectl drain asks discovery the same way). */
    async evictionServed(): Promise<boolean> {
      const list = await call('discover the core API', (opts) => c.core.getAPIResources({}, opts));
      return ((list.resources ?? []) as Raw[]).some((r) => r.name === 'pods/eviction');
    },

    /** policy/v1 Eviction: the API server checks PodDisruptionBudgets and answers 429 when one says no. */
    evict: (namespace: string, name: string, uid: string, dryRun: boolean) =>
      call(`evict pod ${namespace}/${name}${dryRun ? ' (dry run)' : ''}`, (opts) =>
        c.core.createNamespacedPodEviction(
          {
            name,
            namespace,
            dryRun: dry(dryRun),
            body: {
              apiVersion: 'policy/v1',
              kind: 'Eviction',
              metadata: { name, namespace },
              // Only this very pod: a replacement with the same name (StatefulSet) is not touched.
              deleteOptions: { preconditions: { uid } },
            },
          },
          opts,
        ),
      ),

    deletePod: (namespace: string, name: string, uid: string, dryRun: boolean) =>
      call(`delete pod ${namespace}/${name}${dryRun ? ' (dry run)' : ''}`, (opts) =>
        c.core.deleteNamespacedPod(
          { name, namespace, dryRun: dry(dryRun), body: { preconditions: { uid } } },
          opts,
        ),
      ),

    patch(
      kind: 'Deployment' | 'StatefulSet' | 'DaemonSet',
      namespace: string,
      name: string,
      body: object,
      type: PatchType,
      dryRun: boolean,
    ) {
      const what = `patch ${kind.toLowerCase()} ${namespace}/${name}${dryRun ? ' (dry run)' : ''}`;
      const p = { name, namespace, body, dryRun: dry(dryRun), fieldManager: 'oncall-scout' };
      switch (kind) {
        case 'Deployment':
          return call(what, (opts) => c.apps.patchNamespacedDeployment(p, opts), type);
        case 'StatefulSet':
          return call(what, (opts) => c.apps.patchNamespacedStatefulSet(p, opts), type);
        case 'DaemonSet':
          return call(what, (opts) => c.apps.patchNamespacedDaemonSet(p, opts), type);
      }
    },

    patchDeploymentScale: (namespace: string, name: string, body: object, type: PatchType, dryRun: boolean) =>
      call(
        `scale deployment ${namespace}/${name}${dryRun ? ' (dry run)' : ''}`,
        (opts) =>
          c.apps.patchNamespacedDeploymentScale(
            { name, namespace, body, dryRun: dry(dryRun), fieldManager: 'oncall-scout' },
            opts,
          ),
        type,
      ),
  };
}

export type KubeWrites = ReturnType<typeof createKubeWrites>;
