/**
 * Webhook intake under load, while the engine is busy: collection running against the stand-in API
 * server and the stand-in Ollama streaming slowly. Prints p50/p99 latency of 50-alert payloads and the
 * sustained alerts/s. Run with `npm run bench`.
 */
import os from 'node:os';
import { startFakeOllama } from '../fakes/ollama.ts';
import { loadScenario } from '../fixtures/scenarios/index.ts';
import { spawnServe } from '../helpers/cli-process.ts';
import { scenarioCluster } from '../helpers/cluster.ts';
import { TEST_TOKEN, tempDir } from '../helpers/engine.ts';
import { amPayload } from '../helpers/payload.ts';

const PER_PAYLOAD = 50;
const SEQUENTIAL = 200;
const CONCURRENT = 200;
const CLIENTS = 4;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

let serial = 0;
function payload() {
  const s = loadScenario('oom-jvm-heap');
  return amPayload(
    Array.from({ length: PER_PAYLOAD }, () => ({
      labels: { ...s.alert.labels, instance: `bench-${serial++}` },
      annotations: s.alert.annotations,
    })),
  );
}

async function post(url: string, body: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${url}/webhook/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
    body,
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  return performance.now() - t0;
}

async function main() {
  const { kube, kubeconfig } = await scenarioCluster([loadScenario('oom-jvm-heap')]);
  const ollama = await startFakeOllama({ tokenDelayMs: 40, firstTokenDelayMs: 500 });
  const app = await spawnServe([
    '--data-dir',
    tempDir(),
    '--kubeconfig',
    kubeconfig,
    '--ollama-host',
    ollama.url,
    '--token',
    TEST_TOKEN,
  ]);
  try {
    const bodies = Array.from({ length: SEQUENTIAL + CONCURRENT + 20 }, () => JSON.stringify(payload()));
    for (const b of bodies.splice(0, 20)) await post(app.url, b); // warm-up
    const lat: number[] = [];
    for (const b of bodies.splice(0, SEQUENTIAL)) lat.push(await post(app.url, b));
    lat.sort((a, b) => a - b);

    const queue = bodies.splice(0, CONCURRENT);
    const t0 = performance.now();
    const conc: number[] = [];
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let b = queue.pop(); b; b = queue.pop()) conc.push(await post(app.url, b));
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    conc.sort((a, b) => a - b);
    const streaming = ollama.requests.length;

    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    console.log(`machine: ${os.cpus().length} × ${cpu}, Node ${process.version}, ${os.platform()}`);
    console.log(
      `payloads of ${PER_PAYLOAD} alerts; LLM busy (${streaming} slow streamed requests so far), collection running`,
    );
    console.log(
      `sequential (${SEQUENTIAL} payloads): p50 ${percentile(lat, 50).toFixed(2)} ms, p99 ${percentile(lat, 99).toFixed(2)} ms (target p99 <= 10 ms)`,
    );
    console.log(
      `concurrent (${CLIENTS} clients, ${CONCURRENT} payloads): p50 ${percentile(conc, 50).toFixed(2)} ms, p99 ${percentile(conc, 99).toFixed(2)} ms, ${Math.round((CONCURRENT * PER_PAYLOAD) / seconds)} alerts/s (target >= 2000/s)`,
    );
  } finally {
    await app.stop();
    await kube.close();
    await ollama.close();
  }
}

await main();
