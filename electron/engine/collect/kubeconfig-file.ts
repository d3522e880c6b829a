import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';

export interface KubeconfigSummary {
  files: string[];
  contexts: { name: string; cluster: string; server: string | null; namespace: string | null }[];
  current: string | null;
}

interface Named<T> {
  name?: unknown;
  context?: T;
  cluster?: T;
}

/** The kubeconfig files in effect: the flag or KUBECONFIG (a path list), else ~/.kube/config. */
export function kubeconfigFiles(kubeconfig: string | undefined): string[] {
  return (kubeconfig || process.env.KUBECONFIG || path.join(os.homedir(), '.kube', 'config'))
    .split(path.delimiter)
    .filter(Boolean);
}

/**
 * Contexts, their servers and the current context, read as kubectl merges the files (the first file to
 * define a name or the current context wins) — without loading the Kubernetes client library, so the
 * status bar and Settings cost the main thread nothing. Throws when no file exists or one is not YAML.
 */
export function readKubeconfig(kubeconfig: string | undefined): KubeconfigSummary {
  const files = kubeconfigFiles(kubeconfig);
  const existing = files.filter((f) => fs.existsSync(f));
  if (!existing.length) throw new Error(`no kubeconfig found (looked at ${files.join(', ')})`);
  const contexts = new Map<string, { cluster: string; namespace: string | null }>();
  const servers = new Map<string, string | null>();
  let current: string | null = null;
  for (const file of existing) {
    const doc = (YAML.parse(fs.readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
    const list = <T>(key: string) => (Array.isArray(doc[key]) ? (doc[key] as Named<T>[]) : []);
    for (const c of list<{ cluster?: unknown; namespace?: unknown }>('contexts')) {
      if (typeof c.name !== 'string' || contexts.has(c.name)) continue;
      contexts.set(c.name, {
        cluster: typeof c.context?.cluster === 'string' ? c.context.cluster : '',
        namespace: typeof c.context?.namespace === 'string' ? c.context.namespace : null,
      });
    }
    for (const c of list<{ server?: unknown }>('clusters')) {
      if (typeof c.name !== 'string' || servers.has(c.name)) continue;
      servers.set(c.name, typeof c.cluster?.server === 'string' ? c.cluster.server : null);
    }
    if (!current && typeof doc['current-context'] === 'string' && doc['current-context'])
      current = doc['current-context'];
  }
  return {
    files,
    contexts: [...contexts].map(([name, c]) => ({ name, ...c, server: servers.get(c.cluster) ?? null })),
    current,
  };
}
