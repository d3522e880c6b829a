import { type FakeKube, type KubeObject, startFakeKube } from '../fakes/kube-apiserver.ts';
import { SCENARIO_CLUSTERS, type Scenario } from '../fixtures/scenarios/index.ts';
import { tempDir } from './engine.ts';

/** The stand-in API server loaded with one or more scenarios, and a kubeconfig pointing at it. */
export async function scenarioCluster(
  scenarios: Scenario[],
  opts: { latencyMs?: number } = {},
): Promise<{ kube: FakeKube; kubeconfig: string }> {
  const kube = await startFakeKube({
    objects: scenarios.flatMap((s) => s.objects) as KubeObject[],
    logs: Object.assign({}, ...scenarios.map((s) => s.logs)),
    latencyMs: opts.latencyMs,
  });
  return {
    kube,
    kubeconfig: kube.writeKubeconfig(tempDir('kubeconfig-'), { context: 'test', aliases: SCENARIO_CLUSTERS }),
  };
}
