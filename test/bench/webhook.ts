/**
 * Webhook intake under load, while the engine is busy: collection running against the stand-in API
 * server and the stand-in Ollama streaming slowly. Prints p50/p99 latency of 50-alert payloads sent one
 * after another, and paced at the throughput target, and the sustained alerts/s of concurrent clients.
 * Run with `npm run bench`.
 *
 * Three processes: this load generator (does nothing else, so its clock is honest), the stand-ins
 * (fakes-process.ts) and `oncall-scout serve`.
 */
import { loadScenario } from '../fixtures/scenarios/index.ts';
import { spawnServe } from '../helpers/cli-process.ts';
import { TEST_TOKEN, tempDir } from '../helpers/engine.ts';
import { amPayload } from '../helpers/payload.ts';
import { engineStatus, machine, percentile, postWebhook, sleep, startFakes } from './harness.ts';

const PER_PAYLOAD = 50;
const SEQUENTIAL = 200;
const CONCURRENT = 200;
const CLIENTS = 4;
/** The paced run: payloads sent on a fixed schedule at the throughput target, 2,000 alerts/s. */
const PACED = 400;
const PACED_EVERY_MS = (PER_PAYLOAD / 2000) * 1000;

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
    const bodies = Array.from({ length: SEQUENTIAL + CONCURRENT + PACED + 20 }, () =>
      JSON.stringify(payload()),
    );
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

    // Open loop: each payload leaves at its appointed time whether or not the previous one has been
    // answered, and its latency counts from that time (a late timer counts against the engine).
    const paced: number[] = [];
    const pacedServer: number[] = [];
    const start = performance.now() + 50;
    await Promise.all(
      bodies.splice(0, PACED).map(async (b, i) => {
        const due = start + i * PACED_EVERY_MS;
        await sleep(due - performance.now());
        const late = performance.now() - due;
        paced.push(late + (await postWebhook(app.url, b, pacedServer)));
      }),
    );
    const status = await engineStatus(app.url);

    console.log(`machine: ${machine()}`);
    console.log(
      `payloads of ${PER_PAYLOAD} alerts, sent while the engine collects (4 at a time) and the LLM streams slowly; queue at the end: ${status.queue.waiting} waiting, ${status.queue.collecting} collecting, ${status.queue.diagnosing} waiting for the LLM`,
    );
    console.log(
      `sequential (${SEQUENTIAL} payloads): p50 ${percentile(lat, 50).toFixed(2)} ms, p99 ${percentile(lat, 99).toFixed(2)} ms (target p99 <= 10 ms); the engine's share (Server-Timing): p50 ${percentile(server, 50).toFixed(2)} ms, p99 ${percentile(server, 99).toFixed(2)} ms`,
    );
    console.log(
      `paced at 2,000 alerts/s (${PACED} payloads, one every ${PACED_EVERY_MS} ms): p50 ${percentile(paced, 50).toFixed(2)} ms, p99 ${percentile(paced, 99).toFixed(2)} ms (target p99 <= 10 ms); the engine's share: p50 ${percentile(pacedServer, 50).toFixed(2)} ms, p99 ${percentile(pacedServer, 99).toFixed(2)} ms`,
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
