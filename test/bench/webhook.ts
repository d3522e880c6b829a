/**
 * Webhook intake under load, while the engine is busy: collection running against the stand-in API
 * server and the stand-in Ollama streaming slowly. Prints p50/p99 latency of 50-alert payloads and the
 * sustained alerts/s. Run with `npm run bench`.
 *
 * Three processes: this load generator (does nothing else, so its clock is honest), the stand-ins
 * (fakes-process.ts) and `oncall-scout serve`.
 */
import { loadScenario } from '../fixtures/scenarios/index.ts';
import { spawnServe } from '../helpers/cli-process.ts';
import { TEST_TOKEN, tempDir } from '../helpers/engine.ts';
import { amPayload } from '../helpers/payload.ts';
import { engineStatus, machine, percentile, postWebhook, startFakes } from './harness.ts';

const PER_PAYLOAD = 50;
const SEQUENTIAL = 200;
const CONCURRENT = 200;
const CLIENTS = 4;

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

async function main() {
  // The cluster and Ollama are other machines on a real laptop: their stand-ins yield the CPU.
  const fakes = await startFakes('oom-jvm-heap', { remote: true });
  const app = await spawnServe([
    '--data-dir',
    tempDir(),
    '--kubeconfig',
    fakes.kubeconfig,
    '--ollama-host',
    fakes.ollama,
    '--token',
    TEST_TOKEN,
  ]);
  try {
    const bodies = Array.from({ length: SEQUENTIAL + CONCURRENT + 20 }, () => JSON.stringify(payload()));
    for (const b of bodies.splice(0, 20)) await postWebhook(app.url, b); // warm-up
    const lat: number[] = [];
    const server: number[] = [];
    for (const b of bodies.splice(0, SEQUENTIAL)) lat.push(await postWebhook(app.url, b, server));

    const queue = bodies.splice(0, CONCURRENT);
    const t0 = performance.now();
    const conc: number[] = [];
    const concServer: number[] = [];
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let b = queue.pop(); b; b = queue.pop()) conc.push(await postWebhook(app.url, b, concServer));
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const status = await engineStatus(app.url);

    console.log(`machine: ${machine()}`);
    console.log(
      `payloads of ${PER_PAYLOAD} alerts, sent while the engine collects (4 at a time) and the LLM streams slowly; queue at the end: ${status.queue.waiting} waiting, ${status.queue.collecting} collecting, ${status.queue.diagnosing} waiting for the LLM`,
    );
    console.log(
      `sequential (${SEQUENTIAL} payloads): p50 ${percentile(lat, 50).toFixed(2)} ms, p99 ${percentile(lat, 99).toFixed(2)} ms (target p99 <= 10 ms); the engine's share (Server-Timing): p50 ${percentile(server, 50).toFixed(2)} ms, p99 ${percentile(server, 99).toFixed(2)} ms`,
    );
    console.log(
      `concurrent (${CLIENTS} clients, ${CONCURRENT} payloads): p50 ${percentile(conc, 50).toFixed(2)} ms, p99 ${percentile(conc, 99).toFixed(2)} ms, ${Math.round((CONCURRENT * PER_PAYLOAD) / seconds)} alerts/s (target >= 2000/s); the engine's share: p50 ${percentile(concServer, 50).toFixed(2)} ms, p99 ${percentile(concServer, 99).toFixed(2)} ms`,
    );
  } finally {
    await app.stop();
    await fakes.stop();
  }
}

await main();
