/**
 * The stand-ins (API server loaded with one scenario, slow Ollama) in their own process, so the load
 * generator's timings are not delayed by the stand-ins' own work. Prints one JSON line with their
 * addresses, then runs until killed.
 */
import { startFakeOllama } from '../fakes/ollama.ts';
import { loadScenario } from '../fixtures/scenarios/index.ts';
import { scenarioCluster } from '../helpers/cluster.ts';

const { kube, kubeconfig } = await scenarioCluster([loadScenario(process.argv[2] ?? 'oom-jvm-heap')]);
const ollama = await startFakeOllama({ tokenDelayMs: Number(process.argv[3] ?? 40), firstTokenDelayMs: 500 });
console.log(JSON.stringify({ kubeconfig, kube: kube.url, ollama: ollama.url }));
const stop = async () => {
  await kube.close();
  await ollama.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
