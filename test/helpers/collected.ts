import { collect, DEFAULT_COLLECT } from '../../electron/engine/collect/index.ts';
import { createKubeProvider } from '../../electron/engine/collect/kube.ts';
import { targetFromLabels } from '../../electron/engine/collect/target.ts';
import type { Context } from '../../shared/context.ts';
import { loadScenarios, type Scenario } from '../fixtures/scenarios/index.ts';
import { scenarioCluster } from './cluster.ts';

/**
 * Every scenario collected by the real collector against the stand-in API server, as the engine would
 * see it (node, job, service and workload targets included). Call once per test file, in `beforeAll`:
 * the cluster is started, every alert collected, and the cluster closed again.
 */
export async function collectScenarios(
  scenarios: Scenario[] = loadScenarios(),
): Promise<Map<string, Context>> {
  const { kube, kubeconfig } = await scenarioCluster(scenarios);
  try {
    const provider = createKubeProvider({ kubeconfig });
    const out = new Map<string, Context>();
    for (const s of scenarios)
      out.set(s.name, await collect(targetFromLabels(s.alert.labels), provider, DEFAULT_COLLECT));
    return out;
  } finally {
    await kube.close();
  }
}
