import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { k8sLib } from './k8s-lib.ts';
import { readKubeconfig } from './kubeconfig-file.ts';
import { ReadCache } from './read-cache.ts';

export interface KubeOptions {
  /** Path (or ':'-separated list) of kubeconfig files; default: $KUBECONFIG, then ~/.kube/config. */
  kubeconfig?: string;
  /** Context to use when the alert does not name a cluster; default: the kubeconfig's current context. */
  context?: string;
  /** Alert `cluster` label value → kubeconfig context name, for clusters whose context is named otherwise. */
  clusterContexts?: Record<string, string>;
}

export interface KubeClients {
  context: string;
  /** Whether the kubeconfig has other contexts too (so commands must name this one). */
  oneOfSeveral: boolean;
  server: string;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  batch: k8s.BatchV1Api;
  metrics: k8s.Metrics;
  authz: k8s.AuthorizationV1Api;
  config: k8s.KubeConfig;
  /** Reads shared between this context's collections for a few seconds. */
  reads: ReadCache;
}

export class KubeSetupError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/**
 * Loads the user's kubeconfig once. client-node's loadFromDefault() silently falls back to
 * http://localhost:8080 when there is no kubeconfig (PROTOCOLS §2.6); we say so instead.
 */
export function loadKubeConfig(opts: KubeOptions): k8s.KubeConfig {
  const files = (opts.kubeconfig ?? process.env.KUBECONFIG ?? '')
    .split(path.delimiter)
    .filter((f) => f.length > 0);
  if (files.length === 0) files.push(path.join(os.homedir(), '.kube', 'config'));
  const existing = files.filter((f) => fs.existsSync(f));
  if (existing.length === 0) {
    throw new KubeSetupError(
      `no kubeconfig found (looked at ${files.join(', ')})`,
      'point --kubeconfig or KUBECONFIG at your kubeconfig file, or run `kubectl config view` to check it',
    );
  }
  const kc = new (k8sLib().KubeConfig)();
  kc.loadFromFile(existing[0]!);
  for (const f of existing.slice(1)) {
    const more = new (k8sLib().KubeConfig)();
    more.loadFromFile(f);
    kc.mergeConfig(more, true);
  }
  return kc;
}

/**
 * Picks the context for an alert. With a cluster label, the context must be found (mapping, context
 * name or cluster name) — analysing the wrong cluster is worse than analysing none, so even a kubeconfig
 * with a single context is not assumed to be the cluster the alert names.
 */
export function pickContext(kc: k8s.KubeConfig, opts: KubeOptions, cluster: string | undefined): string {
  if (cluster) {
    const mapped = opts.clusterContexts?.[cluster];
    const byName = kc.getContexts().find((c) => c.name === (mapped ?? cluster));
    const byCluster = kc.getContexts().find((c) => c.cluster === cluster);
    const found = byName ?? byCluster;
    if (found) return found.name;
    throw new KubeSetupError(
      `the alert is about cluster "${cluster}", but no kubeconfig context matches it`,
      `add a context named "${cluster}" or map it in the config file (clusterContexts: {"${cluster}": "<context>"})`,
    );
  }
  const name = opts.context ?? kc.getCurrentContext();
  if (!name || !kc.getContextObject(name)) {
    throw new KubeSetupError(
      name ? `kubeconfig context "${name}" does not exist` : 'the kubeconfig has no current context',
      'run `kubectl config get-contexts` and pass one with --context',
    );
  }
  return name;
}

/** API clients bound to one context. makeApiClient captures the server, so it runs after the switch. */
export function clientsFor(base: k8s.KubeConfig, context: string): KubeClients {
  const lib = k8sLib();
  const kc = new lib.KubeConfig();
  kc.loadFromString(base.exportConfig());
  kc.setCurrentContext(context);
  const server = kc.getCurrentCluster()?.server ?? '';
  return {
    context,
    oneOfSeveral: kc.getContexts().length > 1,
    server,
    core: kc.makeApiClient(lib.CoreV1Api),
    apps: kc.makeApiClient(lib.AppsV1Api),
    batch: kc.makeApiClient(lib.BatchV1Api),
    metrics: new lib.Metrics(kc),
    authz: kc.makeApiClient(lib.AuthorizationV1Api),
    config: kc,
    reads: new ReadCache(),
  };
}

/** Caches per-context clients; the kubeconfig is re-read when the file changes (token refresh, new contexts). */
export function createKubeProvider(opts: KubeOptions) {
  let cached: { kc: k8s.KubeConfig; mtime: number; clients: Map<string, KubeClients> } | null = null;
  const mtime = () => {
    const files = (opts.kubeconfig ?? process.env.KUBECONFIG ?? path.join(os.homedir(), '.kube', 'config'))
      .split(path.delimiter)
      .filter(Boolean);
    return files.reduce((m, f) => Math.max(m, fs.statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0), 0);
  };
  return {
    forCluster(cluster: string | undefined): KubeClients {
      const m = mtime();
      if (!cached || cached.mtime !== m) cached = { kc: loadKubeConfig(opts), mtime: m, clients: new Map() };
      const context = pickContext(cached.kc, opts, cluster);
      let c = cached.clients.get(context);
      if (!c) {
        c = clientsFor(cached.kc, context);
        cached.clients.set(context, c);
      }
      return c;
    },
    /** The context in use and its server, for the status bar (read without the client library). */
    describe(): { context: string | null; server: string | null } {
      try {
        const { contexts, current } = readKubeconfig(opts.kubeconfig);
        const context = contexts.find((c) => c.name === (opts.context ?? current));
        return context ? { context: context.name, server: context.server } : { context: null, server: null };
      } catch {
        return { context: null, server: null };
      }
    },
  };
}

export type KubeProvider = ReturnType<typeof createKubeProvider>;
