/**
 * The stand-ins (API server loaded with one scenario, slow Ollama) in their own process, so the load
 * generator's timings are not delayed by the stand-ins' own work. Prints one JSON line with their
 * addresses, then runs until killed.
 *
 * Arguments: <scenario> [<Ollama ms per token>] [<API latency ms>]; the environment variable
 * BENCH_BIG_LOG=<lines> adds a pod whose log has that many lines (for the prompt-size benchmark), and
 * BENCH_STORM=<namespaces>x<pods> loads the storm cluster (storm-cluster.ts). A line `stats` on stdin
 * prints `{"ollamaRequests":N}`.
 */
import { startFakeOllama } from '../fakes/ollama.ts';
import { loadScenario } from '../fixtures/scenarios/index.ts';
import { scenarioCluster } from '../helpers/cluster.ts';
import { addBigLogPod } from './big-log.ts';
import { loadStorm } from './storm-cluster.ts';

const scenario = loadScenario(process.argv[2] ?? 'oom-jvm-heap');
const { kube, kubeconfig } = await scenarioCluster([scenario], { latencyMs: Number(process.argv[4] ?? 0) });
if (process.env.BENCH_BIG_LOG) addBigLogPod(kube, Number(process.env.BENCH_BIG_LOG));
if (process.env.BENCH_STORM) {
  const [namespaces, pods] = process.env.BENCH_STORM.split('x').map(Number);
  loadStorm(kube, scenario, namespaces!, pods!);
}
const ollama = await startFakeOllama({ tokenDelayMs: Number(process.argv[3] ?? 40), firstTokenDelayMs: 500 });
console.log(JSON.stringify({ kubeconfig, kube: kube.url, ollama: ollama.url }));
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => {
  if (d.includes('stats')) console.log(JSON.stringify({ ollamaRequests: ollama.requests.length }));
});
const stop = async () => {
  await kube.close();
  await ollama.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
