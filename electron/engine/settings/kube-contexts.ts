import type { KubeContexts } from '../../../shared/settings.ts';
import { kubeconfigFiles, readKubeconfig } from '../collect/kubeconfig-file.ts';

/** The contexts of a kubeconfig, for the Settings screen's context picker. */
export function listKubeContexts(kubeconfig: string | undefined): KubeContexts {
  try {
    return { ...readKubeconfig(kubeconfig), error: null };
  } catch (err) {
    const e = err as Error;
    const error = /no kubeconfig found/.test(e.message)
      ? `${e.message}: point --kubeconfig or KUBECONFIG at your kubeconfig file, or run \`kubectl config view\` to check it`
      : `cannot read: ${e.message}`;
    return { files: kubeconfigFiles(kubeconfig), contexts: [], current: null, error };
  }
}
