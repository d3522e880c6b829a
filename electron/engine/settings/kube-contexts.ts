import os from 'node:os';
import path from 'node:path';
import type { KubeContexts } from '../../../shared/settings.ts';
import { KubeSetupError, loadKubeConfig } from '../collect/kube.ts';

/** The contexts of a kubeconfig, for the Settings screen's context picker. */
export function listKubeContexts(kubeconfig: string | undefined): KubeContexts {
  const files = (kubeconfig || process.env.KUBECONFIG || path.join(os.homedir(), '.kube', 'config'))
    .split(path.delimiter)
    .filter(Boolean);
  try {
    const kc = loadKubeConfig({ kubeconfig: files.join(path.delimiter) });
    return {
      files,
      contexts: kc.getContexts().map((c) => ({
        name: c.name,
        cluster: c.cluster,
        server: kc.getCluster(c.cluster)?.server ?? null,
        namespace: c.namespace ?? null,
      })),
      current: kc.getCurrentContext() || null,
      error: null,
    };
  } catch (err) {
    const e = err as Error;
    const error = err instanceof KubeSetupError ? `${e.message}: ${err.fix}` : `cannot read: ${e.message}`;
    return { files, contexts: [], current: null, error };
  }
}
